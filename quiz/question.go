// Package quiz is the question bank, its spreadsheet import and export,
// timed exams with attempts that never lose an acknowledged answer, practice,
// the wrong-answer book and the daily drill. Points are decided by scoring.
package quiz

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gridskill"
	"gridskill/scoring"
)

// Status is where a question is in its life.
type Status string

// Question statuses. Only active questions are drawn into papers and practice.
const (
	Draft   Status = "draft"
	Active  Status = "active"
	Retired Status = "retired"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Draft || s == Active || s == Retired }

// Types returns the question types in the order pages show them, a new
// slice on each call.
func Types() []scoring.QuestionType {
	return []scoring.QuestionType{scoring.Single, scoring.Multiple, scoring.TrueFalse, scoring.Blank}
}

// optionKeys are the keys of the up to eight options of a choice question;
// an array, so that no slice of it handed out can change it.
var optionKeys = [...]string{"A", "B", "C", "D", "E", "F", "G", "H"}

// optionKeys returns the keys of the up to eight options of a choice
// question, in order, a new slice on each call.
func OptionKeys() []string { return slices.Clone(optionKeys[:]) }

// BlankMark marks a blank in the stem of a fill-in-the-blank question.
const BlankMark = "____"

// Limits on a question's text.
const (
	MaxStem        = 1000
	MaxOption      = 300
	MaxExplanation = 2000
	MaxTags        = 8
	MaxTag         = 30
	MaxSource      = 200
)

// Option is one choice of a choice question.
type Option struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// Question is one question of the bank, at one version.
type Question struct {
	ID      string
	Version int
	Type    scoring.QuestionType
	Stem    string
	// Options of a single or multiple choice question, keyed A, B, C... in order.
	Options []Option
	// Correct lists the right option keys of a choice question, "T" or "F"
	// for a true/false one.
	Correct []string
	// Blanks lists, for each blank of the stem, its accepted answers.
	Blanks      [][]string
	Explanation string
	// Tags: the first is the module category tag, free tags follow.
	Tags       []string
	Difficulty int
	// Source is the policy the question rests on (法规/文件 and article).
	Source      string
	EffectiveOn string // YYYY-MM-DD, optional
	RetireOn    string // YYYY-MM-DD, optional
	UnitID      string
	UnitPath    []string
	Status      Status
	AuthorID    string
	// Used is set once a paper holds this version; editing it then makes a new version.
	Used      bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ref names one version of a question: "qid:vN".
func (q Question) Ref() string { return ref(q.ID, q.Version) }

func ref(id string, version int) string { return id + ":v" + strconv.Itoa(version) }

// Category is the module category tag, the first tag.
func (q Question) Category() string {
	if len(q.Tags) == 0 {
		return ""
	}
	return q.Tags[0]
}

// HasTag reports whether the question carries tag.
func (q Question) HasTag(tag string) bool { return slices.Contains(q.Tags, tag) }

// Key is the answer key for scoring.
func (q Question) Key() scoring.Key {
	k := scoring.Key{Type: q.Type, Correct: q.Correct, Blanks: q.Blanks}
	if q.Type == scoring.TrueFalse {
		k.Options = []string{"T", "F"}
	}
	for _, o := range q.Options {
		k.Options = append(k.Options, o.Key)
	}
	return k
}

// BlankCount is how many blanks the stem has.
func (q Question) BlankCount() int { return strings.Count(q.Stem, BlankMark) }

// Drawable reports whether the question may be put on a new paper or in
// practice on day (YYYY-MM-DD): active, in force and not past its retire date.
func (q Question) Drawable(day string) bool {
	if q.Status != Active {
		return false
	}
	if q.EffectiveOn != "" && day < q.EffectiveOn {
		return false
	}
	return q.RetireOn == "" || day < q.RetireOn
}

// Validate checks a question before it is stored. Each problem is reported
// with the template column it concerns. Errors: invalid.
func (q Question) Validate() error {
	if p := q.problems(); len(p) > 0 {
		return &gridskill.Error{Code: gridskill.EINVALID, Message: "the question has problems", Format: "the question has problems", Fields: p}
	}
	return nil
}

func (q Question) problems() []gridskill.FieldError {
	var out []gridskill.FieldError
	bad := func(field, reason string, args ...any) {
		out = append(out, gridskill.FieldError{Field: field, Reason: reason, Args: args})
	}
	stem := strings.TrimSpace(q.Stem)
	switch {
	case stem == "":
		bad(ColStem, "the stem is required")
	case utf8.RuneCountInString(stem) > MaxStem:
		bad(ColStem, "the stem is longer than %d characters", MaxStem)
	}
	switch q.Type {
	case scoring.Single, scoring.Multiple:
		if len(q.Options) < 2 {
			bad(ColAnswer, "a choice question needs at least two options")
		}
		for i, o := range q.Options {
			if i >= len(optionKeys) || o.Key != optionKeys[i] {
				bad(optionCol(i), "options must be filled in order from A without gaps")
				break
			}
			if strings.TrimSpace(o.Text) == "" {
				bad(optionCol(i), "options must be filled in order from A without gaps")
				break
			}
			if utf8.RuneCountInString(o.Text) > MaxOption {
				bad(optionCol(i), "the option is longer than %d characters", MaxOption)
			}
		}
		if len(q.Blanks) > 0 {
			bad(ColAnswer, "only a fill-in-the-blank question has blanks")
		}
	case scoring.TrueFalse, scoring.Blank:
		if len(q.Options) > 0 {
			bad(optionCol(0), "a true/false or fill-in-the-blank question has no options")
		}
	default:
		bad(ColType, "unknown question type; use 单选, 多选, 判断 or 填空")
		return out
	}
	if q.Type == scoring.Blank {
		n := q.BlankCount()
		switch {
		case n == 0:
			bad(ColStem, "mark each blank in the stem with ____")
		case n != len(q.Blanks):
			bad(ColAnswer, "the stem has %d blanks but the answer gives %d", n, len(q.Blanks))
		}
		for _, alts := range q.Blanks {
			for _, a := range alts {
				if utf8.RuneCountInString(a) > MaxOption {
					bad(ColAnswer, "an answer is longer than %d characters", MaxOption)
				}
			}
		}
	}
	if err := q.Key().Validate(); err != nil && len(out) == 0 {
		bad(ColAnswer, answerHint(q.Type))
	}
	switch e := strings.TrimSpace(q.Explanation); {
	case e == "":
		bad(ColExplanation, "the explanation is required")
	case utf8.RuneCountInString(e) > MaxExplanation:
		bad(ColExplanation, "the explanation is longer than %d characters", MaxExplanation)
	}
	switch {
	case len(q.Tags) == 0:
		bad(ColTags, "at least one tag is required, the module tag first")
	case len(q.Tags) > MaxTags:
		bad(ColTags, "at most %d tags", MaxTags)
	}
	for _, t := range q.Tags {
		if t == "" || utf8.RuneCountInString(t) > MaxTag {
			bad(ColTags, "each tag has 1 to %d characters", MaxTag)
			break
		}
	}
	if q.Difficulty < 1 || q.Difficulty > 5 {
		bad(ColDifficulty, "the difficulty is a whole number from 1 to 5")
	}
	if utf8.RuneCountInString(q.Source) > MaxSource {
		bad(ColSource, "the source is longer than %d characters", MaxSource)
	}
	for _, d := range []string{q.EffectiveOn, q.RetireOn} {
		if d != "" {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				bad(ColEffective, "dates are written YYYY-MM-DD")
			}
		}
	}
	if !q.Status.Valid() {
		bad("status", "unknown status")
	}
	return append(out, q.textProblems()...)
}

// textProblems applies the text rule to every field; lengths are checked
// above with messages of their own.
func (q Question) textProblems() []gridskill.FieldError {
	var out []gridskill.FieldError
	check := func(field, s string, multiline bool) {
		if reason, args := (gridskill.Text{Multiline: multiline}).Problem(s); reason != "" {
			out = append(out, gridskill.FieldError{Field: field, Reason: reason, Args: args})
		}
	}
	check(ColStem, q.Stem, true)
	check(ColExplanation, q.Explanation, true)
	check(ColSource, q.Source, false)
	for i, o := range q.Options {
		check(optionCol(i), o.Text, false)
	}
	for _, alts := range q.Blanks {
		for _, a := range alts {
			check(ColAnswer, a, false)
		}
	}
	for _, t := range q.Tags {
		check(ColTags, t, false)
	}
	return out
}

func answerHint(t scoring.QuestionType) string {
	switch t {
	case scoring.Single:
		return "a single choice answer is one of the option letters, like B"
	case scoring.Multiple:
		return "a multiple choice answer lists option letters, like ABD"
	case scoring.TrueFalse:
		return "a true/false answer is 对 or 错"
	}
	return "give each blank an answer, blanks separated by | and alternatives by /"
}

// sameContent reports whether two questions say the same thing (ignoring
// ids, versions, times and ownership), so a repeated import changes nothing.
func sameContent(a, b Question) bool {
	return a.Type == b.Type && a.Stem == b.Stem && slices.Equal(a.Options, b.Options) &&
		slices.Equal(a.Correct, b.Correct) && slices.EqualFunc(a.Blanks, b.Blanks, slices.Equal[[]string]) &&
		a.Explanation == b.Explanation && slices.Equal(a.Tags, b.Tags) && a.Difficulty == b.Difficulty &&
		a.Source == b.Source && a.EffectiveOn == b.EffectiveOn && a.RetireOn == b.RetireOn
}
