package gridskill

import (
	"strings"
	"testing"
)

func TestTextRule(t *testing.T) {
	line := Text{Field: "team name", Max: 5}
	multi := Text{Field: "explanation", Max: 5, Multiline: true}
	cases := []struct {
		name string
		rule Text
		in   string
		bad  string // part of the reason, "" when accepted
	}{
		{"AcceptsChinese", line, "第一网格队", ""},
		{"AcceptsEmpty", line, "", ""},
		{"CountsCharactersNotBytes", line, "一二三四五", ""},
		{"RefusesTooLong", line, "一二三四五六", "longer than"},
		{"RefusesNUL", line, "a\x00b", "control character"},
		{"RefusesEscape", line, "a\x1b[2Jb", "control character"},
		{"RefusesDelete", line, "a\x7f", "control character"},
		{"RefusesC1Control", line, "a\u0085", "control character"},
		{"RefusesBidiOverride", line, "ab\u202Ecd", "control character"},
		{"RefusesNewlineInOneLine", line, "a\nb", "control character"},
		{"RefusesTabInOneLine", line, "a\tb", "control character"},
		{"AcceptsNewlineAndTabInMultiLine", multi, "a\nb\tc", ""},
		{"AcceptsCRLFInMultiLine", multi, "a\r\nb", ""},
		{"RefusesNULInMultiLine", multi, "a\n\x00", "control character"},
		{"RefusesInvalidUTF8", multi, "a\xffb", "UTF-8"},
		{"RefusesTruncatedUTF8", line, "a\xe4\xb8", "UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Check(tc.in)
			switch {
			case tc.bad == "" && err != nil:
				t.Fatalf("refused %q: %v", tc.in, err)
			case tc.bad != "" && err == nil:
				t.Fatalf("accepted %q", tc.in)
			case tc.bad != "" && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.bad) || !strings.Contains(ErrorMessage(err), string(tc.rule.Field))):
				t.Fatalf("refused %q with %v, want invalid naming %q and %q", tc.in, err, tc.rule.Field, tc.bad)
			}
		})
	}
}
