package quiz

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gridskill/scoring"
)

// WarningKind names what the content check found.
type WarningKind string

// The content check's findings. None of them stops an import: they tell a
// trainer which questions a test-wise reader could pass without knowing the
// material, or which would mislead a learner reading the explanation.
const (
	// WarnKeyLongest: in the file's single-choice questions the key is the
	// single longest option clearly more often than chance would make it.
	WarnKeyLongest WarningKind = "key_longest"
	// WarnAllCorrect: a multiple-choice question whose every option is right.
	WarnAllCorrect WarningKind = "all_correct"
	// WarnNearDuplicate: two stems that say nearly the same thing.
	WarnNearDuplicate WarningKind = "near_duplicate"
	// WarnGivesAway: a stem that contains another question's key phrase.
	WarnGivesAway WarningKind = "gives_away"
	// WarnWrongPosition: an explanation that names an option position (A,
	// 第二项, 前三种…) that is not a right answer.
	WarnWrongPosition WarningKind = "wrong_position"
	// WarnNoExplanation: a question without an explanation.
	WarnNoExplanation WarningKind = "no_explanation"
)

// Warning is one finding of the content check. Rows count like an imported
// file's: the first question is row 2, under the header.
type Warning struct {
	Kind WarningKind
	Row  int
	Stem string
	// OtherRow and OtherStem are the other question of a pair.
	OtherRow  int
	OtherStem string
	// Detail is the phrase or the option positions concerned.
	Detail string
	// KeyLongest of Single single-choice questions (with one longest
	// option) have it as their key, where chance makes it Expected.
	KeyLongest, Single int
	Expected           float64
}

// Thresholds of the content check.
const (
	// NearDuplicate is the share of character pairs two stems have in common
	// (Dice coefficient over bigrams) from which they are near duplicates.
	NearDuplicate = 0.75
	// KeyLongestSigma is how many standard deviations above chance the
	// key-longest count must be to warn: about one bank in forty with keys
	// placed at random would warn at two.
	KeyLongestSigma = 2.0
	// minKeyPhrase is the shortest key phrase (in characters) looked for in
	// other stems: shorter ones (110, 对, 三) are common words.
	minKeyPhrase = 4
	// minKeyLongest is how many single-choice questions with one longest
	// option a file needs before the key-length cue is judged.
	minKeyLongest = 8
)

// KeyLength counts, over the single-choice questions with one strictly
// longest option, how many have it as their key, and how many chance would
// give (one in the number of options each) with its standard deviation.
func KeyLength(qs []Question) (keyLongest, single int, expected, sd float64) {
	variance := 0.0
	for _, q := range qs {
		if q.Type != scoring.Single || len(q.Options) < 2 || len(q.Correct) != 1 {
			continue
		}
		longest, unique := longestOption(q.Options)
		if !unique {
			continue
		}
		single++
		p := 1 / float64(len(q.Options))
		expected += p
		variance += p * (1 - p)
		if q.Options[longest].Key == q.Correct[0] {
			keyLongest++
		}
	}
	return keyLongest, single, expected, math.Sqrt(variance)
}

// longestOption returns the index of the longest option (in characters) and
// whether no other option is as long.
func longestOption(opts []Option) (int, bool) {
	best, n, unique := 0, -1, false
	for i, o := range opts {
		switch l := utf8.RuneCountInString(o.Text); {
		case l > n:
			best, n, unique = i, l, true
		case l == n:
			unique = false
		}
	}
	return best, unique
}

// MaxWarnings is the most warnings Check returns: enough for a trainer to
// see what to fix, and a bound on the work a large or repetitive file costs.
const MaxWarnings = 200

// Check runs the content check over a bank (an imported file, or the
// shipped banks) and returns its warnings, at most MaxWarnings: the bank's
// key-length cue first, then each question's own findings in row order,
// then near-duplicate pairs, then giveaways. The pair checks look only at
// pairs that share a rare enough character pair, so a file of thousands of
// rows costs about as much as reading it.
func Check(qs []Question) []Warning {
	out := &warnings{}
	if n, single, expected, sd := KeyLength(qs); single >= minKeyLongest && float64(n) > expected+KeyLongestSigma*sd {
		out.add(Warning{Kind: WarnKeyLongest, KeyLongest: n, Single: single, Expected: expected})
	}
	for i, q := range qs {
		w := Warning{Row: i + 2, Stem: q.Stem}
		if strings.TrimSpace(q.Explanation) == "" {
			w.Kind = WarnNoExplanation
			out.add(w)
		}
		if q.Type == scoring.Multiple && len(q.Correct) == len(q.Options) {
			w.Kind = WarnAllCorrect
			out.add(w)
		}
		if wrong := wrongPositions(q); wrong != "" {
			w.Kind, w.Detail = WarnWrongPosition, wrong
			out.add(w)
		}
	}
	stems := make([]string, len(qs))
	for i, q := range qs {
		stems[i] = plain(q.Stem)
	}
	nearDuplicates(qs, stems, out)
	giveaways(qs, stems, out)
	return out.list
}

// warnings collects warnings up to MaxWarnings.
type warnings struct{ list []Warning }

func (w *warnings) add(x Warning) {
	if !w.full() {
		w.list = append(w.list, x)
	}
}
func (w *warnings) full() bool { return len(w.list) >= MaxWarnings }

// nearDuplicates adds the pairs of stems whose Dice coefficient over their
// distinct character pairs reaches NearDuplicate. Such a pair shares at
// least r = d/(2-d) of either stem's pairs, so it shares one among the
// rarest len-ceil(r*len)+1 pairs of each (prefix filtering): only stems
// meeting there are compared.
func nearDuplicates(qs []Question, stems []string, out *warnings) {
	sets := make([][]string, len(stems))
	freq := map[string]int{}
	for i, s := range stems {
		sets[i] = distinctBigrams(s)
		for _, g := range sets[i] {
			freq[g]++
		}
	}
	ratio := NearDuplicate / (2 - NearDuplicate)
	index := map[string][]int{}
	for i, set := range sets {
		slices.SortFunc(set, func(a, b string) int {
			if freq[a] != freq[b] {
				return freq[a] - freq[b]
			}
			return strings.Compare(a, b)
		})
		prefix := set[:max(0, min(len(set), len(set)-int(math.Ceil(ratio*float64(len(set))))+1))]
		seen := map[int]bool{}
		var cands []int
		for _, g := range prefix {
			for _, j := range index[g] {
				if !seen[j] {
					seen[j] = true
					cands = append(cands, j)
				}
			}
		}
		slices.Sort(cands)
		for _, j := range cands {
			if dice(sets[j], set) >= NearDuplicate {
				if out.full() {
					return
				}
				out.add(Warning{Kind: WarnNearDuplicate, Row: j + 2, Stem: qs[j].Stem, OtherRow: i + 2, OtherStem: qs[i].Stem})
			}
		}
		for _, g := range prefix {
			index[g] = append(index[g], i)
		}
	}
}

// distinctBigrams returns the distinct pairs of adjacent characters of a
// plain text.
func distinctBigrams(s string) []string {
	rs := []rune(s)
	var out []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		g := string(rs[i : i+2])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// dice is the Dice coefficient of two sets of character pairs.
func dice(a, b []string) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	in := make(map[string]bool, len(a))
	for _, g := range a {
		in[g] = true
	}
	common := 0
	for _, g := range b {
		if in[g] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// plain is a text's letters and digits, folded as NormalizeText folds them.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return r
		}
		return -1
	}, scoring.NormalizeText(s))
}

// giveaways adds the stems that contain another question's key phrase: the
// text of a right option, or an accepted answer of a blank, of minKeyPhrase
// characters or more. Only the stems holding the phrase's rarest character
// pair are searched.
func giveaways(qs []Question, stems []string, out *warnings) {
	holders := map[string][]int{}
	for j, s := range stems {
		for _, g := range distinctBigrams(s) {
			holders[g] = append(holders[g], j)
		}
	}
	for i, q := range qs {
		for _, phrase := range keyPhrases(q) {
			var rarest []int
			for k, g := range distinctBigrams(phrase) {
				if h := holders[g]; k == 0 || len(h) < len(rarest) {
					rarest = h
				}
			}
			for _, j := range rarest {
				if j != i && strings.Contains(stems[j], phrase) {
					if out.full() {
						return
					}
					out.add(Warning{Kind: WarnGivesAway, Row: j + 2, Stem: qs[j].Stem, OtherRow: i + 2, OtherStem: q.Stem, Detail: phrase})
				}
			}
		}
	}
}

// keyPhrases returns the normalized key phrases of a question.
func keyPhrases(q Question) []string {
	var raw []string
	switch q.Type {
	case scoring.Single, scoring.Multiple:
		for _, o := range q.Options {
			if slices.Contains(q.Correct, o.Key) {
				raw = append(raw, o.Text)
			}
		}
	case scoring.Blank:
		for _, alts := range q.Blanks {
			raw = append(raw, alts...)
		}
	}
	var out []string
	for _, r := range raw {
		p := plain(r)
		if utf8.RuneCountInString(p) >= minKeyPhrase && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Patterns of an explanation naming options by position.
var (
	// 选项A, A项, A、B、C三项, ABD都…
	letterRef = regexp.MustCompile(`(?:^|[^A-Za-z])((?:选项)?[A-H](?:[、，,和与及/]?[A-H])*)(项|选项|两项|三项|四项|五项|都|均|是|为|正确|错误|说法|做法)`)
	// 前三种, 后两项, 第二项, 最后一项
	ordinalRef = regexp.MustCompile(`(?:(前|后)([一二两三四五六七八])[项种个条])|(?:(第|最后)([一二两三四五六七八])(?:项|种|个选项))`)
)

var chineseOrdinals = map[string]int{"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}

// wrongPositions returns the option positions (letters) an explanation names
// wrongly, or "": a group of positions (前三种, A、B、C三项) that mixes right
// and wrong options, a wrong position said to be right (第二项正确), or any
// position where the question has no options.
func wrongPositions(q Question) string {
	var wrong []string
	for _, group := range positionRefs(q.Explanation, len(q.Options)) {
		var in, out []string
		for _, i := range group.positions {
			key := optionKeys[i]
			if i < len(q.Options) && slices.Contains(q.Correct, key) {
				in = append(in, key)
			} else {
				out = append(out, key)
			}
		}
		if len(out) > 0 && (len(in) > 0 || group.saysRight || len(q.Options) == 0) {
			wrong = append(wrong, out...)
		}
	}
	slices.Sort(wrong)
	return strings.Join(slices.Compact(wrong), "")
}

// positionRef is one place an explanation names options by position.
type positionRef struct {
	positions []int
	// saysRight: the explanation calls them right (…正确).
	saysRight bool
}

// positionRefs finds the option positions an explanation names, for a
// question of n options.
func positionRefs(expl string, n int) []positionRef {
	var out []positionRef
	for _, m := range letterRef.FindAllStringSubmatch(expl, -1) {
		var ref positionRef
		for _, r := range m[1] {
			if r >= 'A' && r <= 'H' {
				ref.positions = append(ref.positions, int(r-'A'))
			}
		}
		ref.saysRight = m[2] == "正确"
		out = append(out, ref)
	}
	for _, m := range ordinalRef.FindAllStringSubmatch(expl, -1) {
		where, count := m[1]+m[3], m[2]+m[4]
		k := chineseOrdinals[count]
		var ref positionRef
		switch where {
		case "前":
			for i := 0; i < k; i++ {
				ref.positions = append(ref.positions, i)
			}
		case "后":
			for i := max(n-k, 0); i < n; i++ {
				ref.positions = append(ref.positions, i)
			}
		case "第":
			ref.positions = []int{k - 1}
		case "最后":
			ref.positions = []int{max(n-1, 0)}
		}
		ref.saysRight = strings.HasPrefix(expl[strings.Index(expl, m[0])+len(m[0]):], "正确")
		out = append(out, ref)
	}
	return out
}
