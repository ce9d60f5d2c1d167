package scoring

import (
	"strconv"
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

func TestNormalizeBlankReadsChineseNumeralsAsDigits(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Tens", "三十", "30"},
		{"TenAlone", "十", "10"},
		{"TeenWithoutOne", "十二", "12"},
		{"HundredWithZero", "一百零五", "105"},
		{"Thousands", "两千三百", "2300"},
		{"TenThousands", "二十五万", "250000"},
		{"DigitsBeforeWan", "3万", "30000"},
		{"HundredMillion", "一亿二千万", "120000000"},
		{"FinancialForms", "叁拾", "30"},
		{"DigitSequenceYear", "二〇二二年", "2022年"},
		{"NumeralsInsideATerm", "三合一", "3合1"},
		{"TermWithDigitsAlready", "3合1", "3合1"},
		{"ArticleNumber", "第二十五条", "第25条"},
		{"TwoMembers", "两员进一格", "2员进1格"},
		{"FullWidthDigits", "３０", "30"},
		{"SpaceInsideANumeral", "三 十", "30"},
		{"ColloquialShortFormLeftAsIs", "一万五", "一万五"},
		{"RepeatedUnitLeftAsIs", "十十", "十十"},
		{"WanAloneLeftAsIs", "万一", "万一"},
		{"NoNumeralUnchanged", "网格员", "网格员"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeBlank(tt.in); got != tt.want {
				t.Errorf("NormalizeBlank(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// chineseNumeral writes n below 10^8 the way a person writes it in full.
func chineseNumeral(n int) string {
	digits := []rune("零一二三四五六七八九")
	if n == 0 {
		return "零"
	}
	section := func(s int, lead bool) string {
		var out []rune
		zero := false
		for i, unit := range []rune("千百十") {
			d := s / []int{1000, 100, 10}[i] % 10
			switch {
			case d == 0:
				zero = len(out) > 0 || lead
			default:
				if zero {
					out = append(out, '零')
				}
				zero = false
				if !(unit == '十' && d == 1 && len(out) == 0 && !lead) {
					out = append(out, digits[d])
				}
				out = append(out, unit)
			}
		}
		if s%10 != 0 {
			if zero {
				out = append(out, '零')
			}
			out = append(out, digits[s%10])
		}
		return string(out)
	}
	if n < 10000 {
		return section(n, false)
	}
	high, low := n/10000, n%10000
	s := section(high, false) + "万"
	if low == 0 {
		return s
	}
	if low < 1000 {
		s += "零"
	}
	return s + section(low, low < 1000)
}

// FuzzNormalizeBlankReadsNumerals checks that a number in Chinese numerals
// and in digits normalize to the same answer.
func FuzzNormalizeBlankReadsNumerals(f *testing.F) {
	for _, n := range []uint32{0, 10, 12, 105, 1010, 10000, 10005, 250000, 99999999} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint32) {
		n %= 100_000_000
		zh := chineseNumeral(int(n))
		want := strconv.Itoa(int(n))
		if got := NormalizeBlank(zh); got != want {
			t.Fatalf("NormalizeBlank(%q) = %q, want %q", zh, got, want)
		}
	})
}
