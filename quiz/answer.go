package quiz

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"gridskill"
	"gridskill/scoring"
)

// MaxBlankAnswer bounds the text typed into one blank.
const MaxBlankAnswer = 200

// DecodeAnswer reads a response as the API sends it and checks it against
// the question as the paper shows it (options options, blanks blanks): "B"
// for single choice, "T" or "F" for true/false, ["A","C"] for multiple
// choice, ["text", ...] for blanks. An empty string or list clears the
// answer and gives nil. Anything else (another JSON type, an option the
// question does not have, a key twice, too many blanks, text too long) is
// refused. It never panics. Errors: invalid.
func DecodeAnswer(t scoring.QuestionType, raw []byte, options, blanks int) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	options = max(0, min(options, len(optionKeys)))
	blanks = max(0, blanks)
	bad := func(f string, args ...any) ([]string, error) {
		return nil, gridskill.Errorf(gridskill.EINVALID, f, args...)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch t {
	case scoring.Single, scoring.TrueFalse:
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return bad("this question takes one option letter as a string, like \"B\"")
		}
		if v == "" {
			return nil, nil
		}
		valid := optionKeys[:options]
		if t == scoring.TrueFalse {
			valid = []string{"T", "F"}
		}
		if !slices.Contains(valid, v) {
			return bad("%q is not an option of this question", v)
		}
		return []string{v}, nil
	case scoring.Multiple:
		var v []string
		if err := json.Unmarshal(raw, &v); err != nil {
			return bad("this question takes a list of option letters, like [\"A\",\"C\"]")
		}
		valid := optionKeys[:options]
		seen := map[string]bool{}
		for _, k := range v {
			if !slices.Contains(valid, k) {
				return bad("%q is not an option of this question", k)
			}
			if seen[k] {
				return bad("option %s is given twice", k)
			}
			seen[k] = true
		}
		if len(v) == 0 {
			return nil, nil
		}
		slices.Sort(v)
		return v, nil
	case scoring.Blank:
		var v []string
		if err := json.Unmarshal(raw, &v); err != nil {
			return bad("this question takes a list of texts, one per blank")
		}
		if len(v) > blanks {
			return bad("this question has %d blanks", blanks)
		}
		empty := true
		for _, s := range v {
			if utf8.RuneCountInString(s) > MaxBlankAnswer || !utf8.ValidString(s) {
				return bad("an answer to a blank has at most %d characters", MaxBlankAnswer)
			}
			if strings.TrimSpace(s) != "" {
				empty = false
			}
		}
		if empty {
			return nil, nil
		}
		return v, nil
	}
	return bad("unknown question type")
}

// answerValue is a stored response in the API's shape.
func answerValue(t scoring.QuestionType, a []string) any {
	if t == scoring.Single || t == scoring.TrueFalse {
		if len(a) == 0 {
			return ""
		}
		return a[0]
	}
	if a == nil {
		return []string{}
	}
	return a
}
