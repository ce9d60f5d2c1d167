package quiz

import (
	"testing"

	"gridskill/scoring"
)

func FuzzParseRecord(f *testing.F) {
	f.Add("单选", "题干？", "甲", "乙", "", "B", "解析", "反诈;标签", "2", "")
	f.Add("多选", "题干", "a", "b", "c", "ＡＣ", "x", "反诈", "3", "法")
	f.Add("判断", "题", "", "", "", "对", "x", "反诈", "1", "")
	f.Add("填空", "遇到诈骗拨打____，保存____。", "", "", "", "110|证据/凭证", "x", "反诈", "5", "")
	f.Add("填空", "____", "x", "", "", "||/", "", ";;", "-1", "")
	f.Fuzz(func(t *testing.T, typ, stem, a, b, c, answer, expl, tags, diff, source string) {
		r := Record{Line: 2, Type: typ, Stem: stem, Answer: answer, Explanation: expl, Tags: tags, Difficulty: diff, Source: source}
		r.Options[0], r.Options[1], r.Options[2] = a, b, c
		q, problems := ParseRecord(r)
		if len(problems) > 0 {
			return
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("accepted row does not validate: %v", err)
		}
		if err := q.Key().Validate(); err != nil {
			t.Fatalf("accepted row has an unusable key: %v", err)
		}
		back, problems := ParseRecord(q.Record())
		if len(problems) > 0 || !sameContent(q, back) {
			t.Fatalf("export does not import back: %+v → %+v %v", q, back, problems)
		}
	})
}

func FuzzDecodeAnswer(f *testing.F) {
	for _, s := range []string{`"B"`, `["A","C"]`, `["110","证据"]`, `null`, `1`, `{"$gt":""}`, `["A","A"]`, `"T"`, `[""]`, `[1]`, `"\u0000"`} {
		f.Add([]byte(s), 4, 2)
	}
	f.Fuzz(func(t *testing.T, raw []byte, options, blanks int) {
		for _, typ := range Types() {
			a, err := DecodeAnswer(typ, raw, options, blanks)
			if err != nil {
				continue
			}
			switch typ {
			case scoring.Single, scoring.TrueFalse:
				if len(a) > 1 {
					t.Fatalf("%s: %q decoded to %d keys", typ, raw, len(a))
				}
			case scoring.Blank:
				if len(a) > max(blanks, 0) {
					t.Fatalf("blank: %q decoded to %d texts for %d blanks", raw, len(a), blanks)
				}
			case scoring.Multiple:
				if len(a) > len(optionKeys) {
					t.Fatalf("multiple: %q decoded to %d keys", raw, len(a))
				}
			}
			_ = scoring.Grade(scoring.Key{Type: typ, Correct: []string{"A"}, Blanks: [][]string{{"x"}}}, a, 1)
		}
	})
}
