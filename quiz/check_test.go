package quiz_test

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"

	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
)

func single(stem, key, expl string, opts ...string) quiz.Question {
	q := quiz.Question{Type: scoring.Single, Stem: stem, Correct: []string{key}, Explanation: expl}
	for i, o := range opts {
		q.Options = append(q.Options, quiz.Option{Key: quiz.OptionKeys()[i], Text: o})
	}
	return q
}

func multiple(stem, keys, expl string, opts ...string) quiz.Question {
	q := single(stem, "", expl, opts...)
	q.Type, q.Correct = scoring.Multiple, strings.Split(keys, "")
	return q
}

func kinds(ws []quiz.Warning) map[quiz.WarningKind]int {
	out := map[quiz.WarningKind]int{}
	for _, w := range ws {
		out[w.Kind]++
	}
	return out
}

func TestCheckFindsEachKindOfProblem(t *testing.T) {
	tests := []struct {
		name string
		qs   []quiz.Question
		want quiz.WarningKind
	}{
		{"MissingExplanation", []quiz.Question{single("居民接到陌生来电怎么办？", "B", " ", "挂断", "核实", "转账", "回拨")}, quiz.WarnNoExplanation},
		{"AllOptionsCorrect", []quiz.Question{multiple("哪些是诈骗信号？", "ABCD", "都是。", "安全账户", "验证码", "屏幕共享", "先交钱")}, quiz.WarnAllCorrect},
		{"FirstThreeWhereKeyIsLastThree", []quiz.Question{multiple("哪些是诈骗？", "BCD", "前三种都是骗子主动联系。", "银行通知", "退款", "冻结", "扣费")}, quiz.WarnWrongPosition},
		{"LettersNotTheKey", []quiz.Question{multiple("哪些做法对？", "ABD", "A、B、C三项都是调解的做法。", "听", "问", "判", "记")}, quiz.WarnWrongPosition},
		{"LetterInATrueFalseExplanation", []quiz.Question{{Type: scoring.TrueFalse, Stem: "说法对吗？", Correct: []string{"T"}, Explanation: "选项A正确。"}}, quiz.WarnWrongPosition},
		{"NearDuplicateStems", []quiz.Question{
			single("居民接到自称公安的电话要求转账到安全账户，网格员首先应该怎么做？", "A", "止付。", "劝停", "等", "转", "问"),
			single("居民接到自称公安的电话，要求转账到安全账户，网格员应该首先怎么做？", "A", "止付。", "劝停", "等", "转", "问"),
		}, quiz.WarnNearDuplicate},
		{"StemGivesAwayABlank", []quiz.Question{
			{Type: scoring.Blank, Stem: "预警劝阻专线是____。", Blanks: [][]string{{"反诈预警专线"}}, Explanation: "见课程。"},
			single("接到反诈预警专线来电怎么办？", "A", "要接听。", "接听", "挂断", "拉黑", "投诉"),
		}, quiz.WarnGivesAway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kinds(quiz.Check(tt.qs))
			if got[tt.want] == 0 {
				t.Errorf("Check found %v; want a %s warning", got, tt.want)
			}
		})
	}
}

func TestCheckKeepsQuietOnAGoodQuestion(t *testing.T) {
	qs := []quiz.Question{
		multiple("哪些是诈骗信号？", "BCD", "B、C、D三项都是骗子的说法，A是正常业务。", "银行柜台当面办理", "要求转到安全账户", "索要短信验证码", "要求共享屏幕"),
		single("接到96110来电怎么办？", "C", "第三项正确：96110是劝阻专线。", "拉黑", "挂断", "接听并听取劝阻", "投诉"),
	}
	if ws := quiz.Check(qs); len(ws) > 0 {
		t.Errorf("Check warned %+v on good questions", ws)
	}
}

func TestCheckWarnsWhenTheKeyIsTheLongestFarAboveChance(t *testing.T) {
	var cued, fair []quiz.Question
	for i := range 12 {
		stem := fmt.Sprintf("第%d题：应当怎么做？", i)
		cued = append(cued, single(stem, "A", "理由。", "先核实再按规定上报社区", "等", "转", "问"))
		key := quiz.OptionKeys()[i%4]
		fair = append(fair, single(stem, key, "理由。", "先核实再按规定上报社区", "等一等", "转给别人", "问问家人"))
	}
	if got := kinds(quiz.Check(cued)); got[quiz.WarnKeyLongest] != 1 {
		t.Errorf("12 of 12 keys longest: %v; want a key_longest warning", got)
	}
	if got := kinds(quiz.Check(fair)); got[quiz.WarnKeyLongest] != 0 {
		t.Errorf("3 of 12 keys longest: %v; want none", got)
	}
}

// shippedBanks parses every shipped question bank, contest bank included, as one.
func shippedBanks(t *testing.T) []quiz.Question {
	t.Helper()
	banks, err := fs.Sub(seed.Content, "content/questions")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(banks, "*.csv")
	var all []quiz.Question
	for _, name := range names {
		f, _ := banks.Open(name)
		qs, err := quiz.ParseBank(f, name)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		all = append(all, qs...)
	}
	return all
}

// The shipped banks, taken together as the comprehensive exam and the
// contests draw them, pass the content check with no finding.
func TestShippedBanksPassTheContentCheck(t *testing.T) {
	all := shippedBanks(t)
	n, single, expected, sd := quiz.KeyLength(all)
	t.Logf("%d questions; key is the single longest option in %d of %d single-choice questions (chance %.1f ± %.1f)", len(all), n, single, expected, sd)
	for _, w := range quiz.Check(all) {
		t.Errorf("%s row %d %q / %q %s (%d of %d)", w.Kind, w.Row, w.Stem, w.OtherStem, w.Detail, w.KeyLongest, w.Single)
	}
}

// A file of many near-identical rows gets MaxWarnings warnings, not one per
// pair, and still lists them from the first rows.
func TestCheckStopsAtMaxWarnings(t *testing.T) {
	var qs []quiz.Question
	for i := range 3000 {
		qs = append(qs, single(fmt.Sprintf("居民接到自称公安的电话要求转账到安全账户，网格员首先应该怎么做？（%d）", i), "A", "止付。", "劝停", "等等", "转账", "问问"))
	}
	ws := quiz.Check(qs)
	if len(ws) != quiz.MaxWarnings || ws[0].Kind != quiz.WarnNearDuplicate || ws[0].Row != 2 {
		t.Fatalf("%d warnings, first %+v; want %d near duplicates starting at row 2", len(ws), ws[0], quiz.MaxWarnings)
	}
}

// The pair checks find a near duplicate and a giveaway among thousands of
// unrelated rows, where they compare only rows that share a rare pair.
func TestCheckFindsPairsInALargeFile(t *testing.T) {
	var qs []quiz.Question
	rng := rand.New(rand.NewPCG(16, 1))
	for i := range 5000 {
		var stem []rune
		for range 20 {
			stem = append(stem, rune(0x4e00+rng.IntN(3000)))
		}
		qs = append(qs, single(string(stem)+"？", quiz.OptionKeys()[i%4], "理由。", "甲乙", "丙丁", "戊己", "庚辛"))
	}
	qs = append(qs,
		single("居民接到自称公安的电话要求转账到安全账户，网格员首先应该怎么做？", "A", "止付。", "劝停", "等", "转", "问"),
		single("居民接到自称公安的电话，要求转账到安全账户，网格员应该首先怎么做？", "A", "止付。", "劝停", "等", "转", "问"),
		quiz.Question{Type: scoring.Blank, Stem: "预警劝阻专线是____。", Blanks: [][]string{{"反诈预警专线"}}, Explanation: "见课程。"},
		single("接到反诈预警专线来电怎么办？", "B", "要接听。", "挂断", "接听", "拉黑", "投诉"),
	)
	got := kinds(quiz.Check(qs))
	if got[quiz.WarnNearDuplicate] != 1 || got[quiz.WarnGivesAway] != 1 {
		t.Errorf("Check found %v; want exactly one near duplicate and one giveaway", got)
	}
}
