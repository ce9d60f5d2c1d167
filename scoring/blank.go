package scoring

import (
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

// NormalizeBlank is NormalizeText for the answer to a blank, with two more
// folds that make answers typed by different people on different keyboards
// agree:
//
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
	end := len(out)
	for end > 0 && strings.ContainsRune(".,;!?", out[end-1]) {
		end--
	}
	if end > 0 {
		out = out[:end]
	}
	return string(out)
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
