package scoring

import (
	"strconv"
	"strings"
	"unicode"
)

// NormalizeText folds the ways the same text is typed on Chinese phones and
// PCs into one form, so that two texts a reader would call the same compare
// equal. It is used for option keys, and elsewhere for finding duplicate
// question stems. It
//
//   - turns full-width forms into ASCII, so "ＡＢＣ１２３" reads "ABC123", and
//     the ideographic space into a space;
//   - turns Chinese punctuation into its ASCII counterpart: ，、 become ",",
//     。 ".", ；";", ：":", （）"()", ！"!", ？"?", “” and 「」 a double quote,
//     ‘’ and 『』 a single quote, 《》〈〉 "<>", 【】〔〕〖〗 "[]", dashes "-",
//     〜 "~" and ￥ "¥";
//   - lower-cases letters;
//   - drops zero-width characters (such as U+200B and the byte order mark)
//     that text pasted from Word carries;
//   - turns each run of white space into one space and trims both ends.
//
// It is idempotent: NormalizeText(NormalizeText(s)) == NormalizeText(s).
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		r = foldRune(r)
		switch {
		case r == dropRune:
			continue
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// NormalizeBlank is NormalizeText for the answer to a blank, with three more
// folds that make answers typed by different people on different keyboards
// agree:
//
//   - a number written in Chinese numerals is written in digits, so "三十"
//     equals "30", "三合一" equals "3合1", "第二条" equals "第2条" and
//     "二〇二二年" equals "2022年" (see foldNumerals);
//   - a space is kept only between two letters or digits of a script that
//     separates words with spaces, so "网格 员" equals "网格员" and "北京， 上海"
//     equals "北京,上海", while "grid worker" keeps its space;
//   - punctuation that ends a sentence (. , ; ! ?) is trimmed from the end,
//     so "依法调解。" equals "依法调解", unless the answer is nothing but
//     punctuation.
//
// It is idempotent: NormalizeBlank(NormalizeBlank(s)) == NormalizeBlank(s).
func NormalizeBlank(s string) string {
	text := []rune(NormalizeText(s))
	out := text[:0]
	for i, r := range text {
		// Spaces are never adjacent after NormalizeText, and out ends with
		// text[i-1], so both neighbours are the original ones.
		if r == ' ' && !(isWordRune(text[i-1]) && isWordRune(text[i+1])) {
			continue
		}
		out = append(out, r)
	}
	out = foldNumerals(out)
	end := len(out)
	for end > 0 && strings.ContainsRune(".,;!?", out[end-1]) {
		end--
	}
	if end > 0 {
		out = out[:end]
	}
	return string(out)
}

// Chinese numerals: digit values, small units and large units.
var (
	numeralDigits = map[rune]int64{
		'零': 0, '〇': 0, '一': 1, '壹': 1, '二': 2, '贰': 2, '两': 2, '三': 3, '叁': 3, '四': 4, '肆': 4,
		'五': 5, '伍': 5, '六': 6, '陆': 6, '七': 7, '柒': 7, '八': 8, '捌': 8, '九': 9, '玖': 9,
	}
	numeralUnits = map[rune]int64{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000}
	numeralBig   = map[rune]int64{'万': 10_000, '亿': 100_000_000}
)

func isNumeral(r rune) bool {
	_, d := numeralDigits[r]
	_, u := numeralUnits[r]
	_, b := numeralBig[r]
	return d || u || b
}

// foldNumerals rewrites each run of Chinese numerals (with any ASCII digits
// in it, as in "3万") that reads as a whole number into ASCII digits. A run
// that does not read as one number ("十十", "一万五") is left as it is. The
// result holds no run it would rewrite again.
func foldNumerals(text []rune) []rune {
	var out []rune
	for i := 0; i < len(text); {
		if !isNumeral(text[i]) && !(text[i] >= '0' && text[i] <= '9') {
			out = append(out, text[i])
			i++
			continue
		}
		j := i
		chinese := false
		for j < len(text) && (isNumeral(text[j]) || text[j] >= '0' && text[j] <= '9') {
			chinese = chinese || isNumeral(text[j])
			j++
		}
		if v, ok := readNumeral(text[i:j]); chinese && ok {
			out = append(out, []rune(v)...)
		} else {
			out = append(out, text[i:j]...)
		}
		i = j
	}
	return out
}

// readNumeral reads a run of numerals and digits as a whole number, in
// digits: a plain sequence of digits ("二〇二二" is "2022") or the positional
// form ("三十" 30, "一百零五" 105, "十二" 12, "3万" 30000). It refuses
// readings a person would not agree on, such as "一万五" (15000 to most,
// 10005 by the rules) and anything above 10^15.
func readNumeral(run []rune) (string, bool) {
	positional := false
	for _, r := range run {
		if numeralUnits[r] > 0 || numeralBig[r] > 0 {
			positional = true
		}
	}
	if !positional {
		var b strings.Builder
		for _, r := range run {
			if d, ok := numeralDigits[r]; ok {
				b.WriteByte(byte('0' + d))
			} else {
				b.WriteRune(r)
			}
		}
		return b.String(), true
	}
	const limit = 1_000_000_000_000_000
	var total, section int64
	number, lastUnit, afterZero := int64(-1), int64(0), false
	for _, r := range run {
		switch {
		case r >= '0' && r <= '9' || isDigitNumeral(r):
			d := int64(r - '0')
			if !(r >= '0' && r <= '9') {
				d = numeralDigits[r]
			}
			if d == 0 && !(r >= '0' && r <= '9') {
				afterZero = true
				continue
			}
			if number < 0 {
				number = 0
			}
			number = number*10 + d
			if number > limit {
				return "", false
			}
		case numeralUnits[r] > 0:
			u := numeralUnits[r]
			if number < 0 {
				if lastUnit != 0 || section != 0 || total != 0 {
					return "", false // 十十, 百十
				}
				number = 1
			}
			section += number * u
			number, lastUnit, afterZero = -1, u, false
		default:
			big := numeralBig[r]
			if number > 0 {
				section += number
			}
			if section == 0 || section >= big || total > limit/big {
				return "", false
			}
			if big == numeralBig['亿'] {
				total = (total + section) * big
			} else {
				total += section * big
			}
			section, number, lastUnit, afterZero = 0, -1, big, false
		}
	}
	if number >= 0 {
		if lastUnit >= 100 && !afterZero && number < 10 {
			return "", false // 一万五, 二百五
		}
		section += number
	}
	total += section
	if total > limit {
		return "", false
	}
	return strconv.FormatInt(total, 10), true
}

func isDigitNumeral(r rune) bool {
	_, ok := numeralDigits[r]
	return ok
}

// dropRune marks a rune that NormalizeText removes.
const dropRune = -1

// foldRune maps a full-width or Chinese character to its ASCII counterpart
// and a zero-width character to dropRune.
func foldRune(r rune) rune {
	switch {
	case r >= '！' && r <= '～': // U+FF01 to U+FF5E mirror ASCII ! to ~.
		return r - '！' + '!'
	case r == '\u3000':
		return ' '
	case r == '\u200b', r == '\u200c', r == '\u200d', r == '\u2060', r == '\ufeff':
		return dropRune
	}
	if folded, ok := punctuation[r]; ok {
		return folded
	}
	return r
}

// punctuation maps Chinese punctuation outside the full-width block to the
// ASCII punctuation a person typing on an English keyboard would use.
var punctuation = map[rune]rune{
	'、': ',', '､': ',',
	'。': '.', '｡': '.',
	'“': '"', '”': '"', '„': '"', '「': '"', '」': '"', '｢': '"', '｣': '"',
	'‘': '\'', '’': '\'', '『': '\'', '』': '\'',
	'《': '<', '〈': '<', '》': '>', '〉': '>',
	'【': '[', '〔': '[', '〖': '[', '】': ']', '〕': ']', '〗': ']',
	'‐': '-', '‑': '-', '–': '-', '—': '-', '―': '-', '−': '-',
	'〜': '~',
	'￥': '¥',
}

// isWordRune reports whether r is a letter, digit or mark of a script that
// separates words with spaces, that is not Chinese, Japanese or Korean.
func isWordRune(r rune) bool {
	if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) {
		return false
	}
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo)
}
