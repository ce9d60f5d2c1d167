package scoring

import (
	"errors"
	"fmt"
	"math"
)

// QuestionType is the kind of a question. Its values are stored with
// questions and sent to clients, so they never change.
type QuestionType string

// The question types.
const (
	// Single is a single choice question: exactly one option is right.
	Single QuestionType = "single"
	// Multiple is a multiple choice question: one or more options are right,
	// and MultiRule decides the points of a partly right response.
	Multiple QuestionType = "multiple"
	// TrueFalse is a true/false question, answered "T" or "F".
	TrueFalse QuestionType = "truefalse"
	// Blank is a fill-in-the-blank question with one or more blanks, each
	// with one or more accepted answers.
	Blank QuestionType = "blank"
)

// MultiRule decides the points of a multiple choice response that is partly
// right. Its values are stored with questions, so they never change.
type MultiRule string

// The multiple choice rules.
const (
	// AllOrNothing gives the full points for exactly the right options and
	// nothing otherwise. A Key with an empty MultiRule uses it.
	AllOrNothing MultiRule = "all_or_nothing"
	// HalfForSubset gives the full points for exactly the right options and
	// half the points for some, but not all, of the right options without any
	// wrong one; any wrong option earns nothing.
	HalfForSubset MultiRule = "half_for_subset"
	// PerOption gives 1/k of the points for each right option selected and
	// takes away 1/k for each wrong option selected, k being the number of
	// right options; the total never falls below zero.
	PerOption MultiRule = "per_option"
)

// Key is the answer key of one question.
type Key struct {
	Type QuestionType
	// Options lists the valid option keys of a choice question, such as "A"
	// to "D". A true/false question without Options has "T" and "F". Grade
	// treats any key outside Correct as a wrong option, so Options only
	// matters to Validate.
	Options []string
	// Correct lists the right option keys of a choice question.
	Correct []string
	// Blanks lists, for each blank in order, the accepted answers. Answers
	// are compared after NormalizeBlank.
	Blanks [][]string
	// MultiRule is the rule for partly right multiple choice responses.
	MultiRule MultiRule
}

// trueFalseOptions are the option keys of a true/false question.
var trueFalseOptions = []string{"T", "F"}

// Validate reports whether the key can grade responses as its author meant:
// a known type and rule, a single choice or true/false question with exactly
// one right option, a multiple choice question with at least one, right
// options among the valid ones, and a blank question whose every blank has
// an accepted answer that is not empty after normalization.
func (k Key) Validate() error {
	switch k.Type {
	case Single, TrueFalse, Multiple:
		return k.validateChoice()
	case Blank:
		if len(k.Blanks) == 0 {
			return errors.New("a blank question needs at least one blank")
		}
		for i, alts := range k.Blanks {
			if !hasNonEmpty(alts) {
				return fmt.Errorf("blank %d has no accepted answer", i+1)
			}
		}
		return nil
	default:
		return fmt.Errorf("unknown question type %q", k.Type)
	}
}

func (k Key) validateChoice() error {
	options := k.Options
	if k.Type == TrueFalse && len(options) == 0 {
		options = trueFalseOptions
	}
	valid := keySet(options)
	if len(valid) == 0 {
		return errors.New("a choice question needs options")
	}
	if len(valid) != len(options) {
		return errors.New("option keys must be distinct and not empty")
	}
	right := keySet(k.Correct)
	for key := range right {
		if _, ok := valid[key]; !ok {
			return fmt.Errorf("right option %q is not one of the options", key)
		}
	}
	switch {
	case k.Type == Multiple && len(right) == 0:
		return errors.New("a multiple choice question needs at least one right option")
	case k.Type != Multiple && len(right) != 1:
		return errors.New("a single choice or true/false question needs exactly one right option")
	}
	switch k.MultiRule {
	case "", AllOrNothing, HalfForSubset, PerOption:
		return nil
	default:
		return fmt.Errorf("unknown multiple choice rule %q", k.MultiRule)
	}
}

// Result is the outcome of grading one response.
type Result struct {
	// Earned is the points the response earned, rounded to hundredths and
	// never below 0 or above Possible.
	Earned float64
	// Possible is the question's points.
	Possible float64
	// Correct reports whether the response is fully right.
	Correct bool
	// Parts says which parts of the response were right, for a review page.
	// For a choice question it has one entry per element of the response, in
	// order: whether that key is a right option. For a blank question it has
	// one entry per blank of the key: whether that blank was filled right.
	Parts []bool
}

// Grade grades a response to the question with key k worth points.
//
// A choice response lists the selected option keys; a blank response lists
// the text typed into each blank, in order. Keys are compared after
// NormalizeText, so "b" and "Ｂ" select option "B". A response that is nil,
// empty or made only of empty strings is unanswered and earns 0.
//
// Single choice and true/false responses are right when they select exactly
// one key and it is the right one. A multiple choice response is scored by the
// key's MultiRule; a key selected twice counts once, and a key that is not a
// right option, unknown keys included, is a wrong option. A blank question
// splits its points evenly over its blanks; a blank is right when its text
// equals one of its accepted answers after NormalizeBlank. Text beyond the
// last blank is ignored.
//
// Points that are negative, NaN or infinite count as 0. A fully right
// response earns exactly the points; any other earns its share rounded to
// hundredths. A key that cannot be satisfied (no right option, no blanks,
// an unknown type) earns 0.
func Grade(k Key, response []string, points float64) Result {
	r := Result{Possible: possiblePoints(points)}
	var share float64
	switch k.Type {
	case Single, TrueFalse:
		share, r.Parts = gradeSingle(k, response)
	case Multiple:
		share, r.Parts = gradeMultiple(k, response)
	case Blank:
		share, r.Parts = gradeBlanks(k, response)
	}
	r.Correct = share == 1
	if r.Correct {
		r.Earned = r.Possible
	} else {
		r.Earned = clamp(round2(share*r.Possible), 0, r.Possible)
	}
	return r
}

// gradeSingle returns the share of the points earned by a single choice or
// true/false response, and which of its keys are right.
func gradeSingle(k Key, response []string) (float64, []bool) {
	right := keySet(k.Correct)
	selected, parts := selectKeys(response, right)
	if len(selected) != 1 {
		return 0, parts
	}
	if _, ok := right[selected[0]]; !ok {
		return 0, parts
	}
	return 1, parts
}

// gradeMultiple returns the share of the points earned by a multiple choice
// response under the key's rule, and which of its keys are right.
func gradeMultiple(k Key, response []string) (float64, []bool) {
	right := keySet(k.Correct)
	selected, parts := selectKeys(response, right)
	if len(selected) == 0 || len(right) == 0 {
		return 0, parts
	}
	hits := 0
	for _, key := range selected {
		if _, ok := right[key]; ok {
			hits++
		}
	}
	misses := len(selected) - hits
	all := hits == len(right) && misses == 0
	switch k.MultiRule {
	case HalfForSubset:
		switch {
		case all:
			return 1, parts
		case misses == 0:
			return 0.5, parts
		}
	case PerOption:
		if all {
			return 1, parts
		}
		return math.Max(0, float64(hits-misses)/float64(len(right))), parts
	default: // AllOrNothing and unknown rules
		if all {
			return 1, parts
		}
	}
	return 0, parts
}

// gradeBlanks returns the share of the points earned by a blank response
// and which blanks were right.
func gradeBlanks(k Key, response []string) (float64, []bool) {
	if len(k.Blanks) == 0 {
		return 0, nil
	}
	parts := make([]bool, len(k.Blanks))
	hits := 0
	for i, alts := range k.Blanks {
		if i >= len(response) {
			break
		}
		given := NormalizeBlank(response[i])
		if given == "" {
			continue
		}
		for _, alt := range alts {
			if NormalizeBlank(alt) == given {
				parts[i] = true
				hits++
				break
			}
		}
	}
	if hits == len(k.Blanks) {
		return 1, parts
	}
	return float64(hits) / float64(len(k.Blanks)), parts
}

// selectKeys returns the distinct non-empty keys of a choice response in
// order, normalized, and for each element of the response whether it is in
// right.
func selectKeys(response []string, right map[string]struct{}) ([]string, []bool) {
	if len(response) == 0 {
		return nil, nil
	}
	parts := make([]bool, len(response))
	var selected []string
	seen := make(map[string]struct{}, len(response))
	for i, raw := range response {
		key := NormalizeText(raw)
		if key == "" {
			continue
		}
		_, parts[i] = right[key]
		if _, dup := seen[key]; !dup {
			seen[key] = struct{}{}
			selected = append(selected, key)
		}
	}
	return selected, parts
}

// keySet returns the distinct non-empty keys, normalized.
func keySet(keys []string) map[string]struct{} {
	set := make(map[string]struct{}, len(keys))
	for _, raw := range keys {
		if key := NormalizeText(raw); key != "" {
			set[key] = struct{}{}
		}
	}
	return set
}

func hasNonEmpty(alts []string) bool {
	for _, alt := range alts {
		if NormalizeBlank(alt) != "" {
			return true
		}
	}
	return false
}

// possiblePoints returns the points a question is worth, treating nonsense
// as zero.
func possiblePoints(points float64) float64 {
	if points > 0 && !math.IsInf(points, 1) {
		return points
	}
	return 0 // negative, NaN or +Inf
}

// round2 rounds x to hundredths, half away from zero. Values too large to
// carry hundredths are returned as they are.
func round2(x float64) float64 {
	if math.IsNaN(x) || math.Abs(x) >= 1e15 {
		return x
	}
	return math.Round(x*100) / 100
}

// clamp limits x to [lo, hi]; NaN becomes lo.
func clamp(x, lo, hi float64) float64 {
	switch {
	case x > hi:
		return hi
	case x >= lo:
		return x
	default:
		return lo
	}
}
