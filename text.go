package gridskill

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Label is a catalogue id used as a message argument, e.g. a field's name:
// the web layer translates it before putting it in the message.
type Label string

// Text is the rule every field of text people type or import keeps: valid
// UTF-8, no NUL or other control characters (tab and line breaks only in a
// multi-line field), and at most Max characters. Each type's Validate method
// checks its fields with it, so forms, the API and imports cannot differ.
type Text struct {
	// Field names the field in messages, in English (e.g. "team name").
	Field     Label
	Max       int
	Multiline bool
}

// Check returns nil when s keeps the rule. Errors: invalid, naming the field.
func (t Text) Check(s string) error {
	reason, args := t.Problem(s)
	if reason == "" {
		return nil
	}
	format := "%s: " + reason
	all := append([]any{t.Field}, args...)
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, all...), Format: format, Args: all}
}

// Problem returns why s breaks the rule, as an English format with its
// arguments, or "" when it keeps it; importers put it on the row and column.
func (t Text) Problem(s string) (reason string, args []any) {
	if !utf8.ValidString(s) {
		return "not valid UTF-8 text", nil
	}
	if r, ok := badRune(s, t.Multiline); ok {
		return "contains a control character (%U) that is not allowed", []any{r}
	}
	if t.Max > 0 && utf8.RuneCountInString(s) > t.Max {
		return "longer than %d characters", []any{t.Max}
	}
	return "", nil
}

// badRune returns the first character of s that its kind of field does not
// allow: NUL and the other C0 and C1 controls, line breaks and tabs in a
// one-line field, and the bidirectional overrides, which make a name read as
// another.
func badRune(s string, multiline bool) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			if !multiline {
				return r, true
			}
		case unicode.IsControl(r), r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return r, true
		}
	}
	return 0, false
}
