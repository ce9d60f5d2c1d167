package scoring

import (
	"testing"
	"unicode/utf8"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"FoldsFullWidthLettersAndDigits", "ＡＢＣ１２３", "abc123"},
		{"FoldsFullWidthSpace", "网格\u3000员", "网格 员"},
		{"FoldsLetterCase", "GridWorker", "gridworker"},
		{"TrimsAndCollapsesWhiteSpace", " \t a \n\n  b  ", "a b"},
		{"FoldsNonBreakingSpace", "a\u00a0b", "a b"},
		{"FoldsChineseCommaAndFullStop", "一，二。", "一,二."},
		{"FoldsEnumerationComma", "甲、乙", "甲,乙"},
		{"FoldsSemicolonAndColon", "答：是；否", "答:是;否"},
		{"FoldsParentheses", "（一）", "(一)"},
		{"FoldsExclamationAndQuestionMarks", "好！吗？", "好!吗?"},
		{"FoldsDoubleQuotes", "“四提必知”「八个一」", "\"四提必知\"\"八个一\""},
		{"FoldsSingleQuotes", "‘网格’『员』", "'网格''员'"},
		{"FoldsBookTitleMarks", "《反电信网络诈骗法》", "<反电信网络诈骗法>"},
		{"FoldsBrackets", "【注意】〔2024〕", "[注意][2024]"},
		{"FoldsDashes", "a—b–c－d", "a-b-c-d"},
		{"FoldsYuanSign", "￥100", "¥100"},
		{"DropsZeroWidthCharacters", "\ufeff网\u200b格", "网格"},
		{"KeepsChineseAsIs", "矛盾纠纷调解", "矛盾纠纷调解"},
		{"EmptyStaysEmpty", "", ""},
		{"OnlySpacesBecomesEmpty", " \u3000 ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeText(tt.in); got != tt.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeBlank(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"FoldsAsNormalizeText", " ＡＢＣ１２３ ", "abc123"},
		{"DropsSpaceBetweenChineseCharacters", "网格 员", "网格员"},
		{"DropsSpaceAfterPunctuation", "北京， 上海", "北京,上海"},
		{"DropsSpaceBeforePunctuation", "a , b", "a,b"},
		{"DropsSpaceBetweenChineseAndLatin", "110 报警", "110报警"},
		{"KeepsSpaceBetweenWords", "Grid  Worker", "grid worker"},
		{"KeepsSpaceBetweenNumbers", "1 000", "1 000"},
		{"TrimsFinalFullStop", "依法调解。", "依法调解"},
		{"TrimsAllFinalSentencePunctuation", "是吗？！。", "是吗"},
		{"KeepsFinalClosingParenthesis", "网格(员)", "网格(员)"},
		{"KeepsInnerPunctuation", "3.14", "3.14"},
		{"KeepsAnswerMadeOfPunctuation", "。", "."},
		{"EmptyStaysEmpty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeBlank(tt.in); got != tt.want {
				t.Errorf("NormalizeBlank(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzNormalizeText checks that NormalizeText never panics, is idempotent,
// returns valid UTF-8 and never leaves white space at either end.
func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"ＡＢＣ１２３", " 一，二。 ", "“引号”", "\xff\xfe", "İK"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := NormalizeText(s)
		if twice := NormalizeText(once); twice != once {
			t.Fatalf("NormalizeText(%q) = %q, but NormalizeText(%q) = %q", s, once, once, twice)
		}
		if !utf8.ValidString(once) {
			t.Fatalf("NormalizeText(%q) = %q is not valid UTF-8", s, once)
		}
		if once != "" && (once[0] == ' ' || once[len(once)-1] == ' ') {
			t.Fatalf("NormalizeText(%q) = %q is not trimmed", s, once)
		}
	})
}

// FuzzNormalizeBlank checks that NormalizeBlank never panics, is idempotent,
// and agrees with NormalizeText on what is empty.
func FuzzNormalizeBlank(f *testing.F) {
	for _, s := range []string{"网格 员。", "a , b", "?.", " ｂ ", "\u200b", "x \u0301 y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := NormalizeBlank(s)
		if twice := NormalizeBlank(once); twice != once {
			t.Fatalf("NormalizeBlank(%q) = %q, but NormalizeBlank(%q) = %q", s, once, once, twice)
		}
		if (once == "") != (NormalizeText(s) == "") {
			t.Fatalf("NormalizeBlank(%q) = %q, NormalizeText = %q", s, once, NormalizeText(s))
		}
	})
}
