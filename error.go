// Package gridskill holds what every part of Gridskill shares: the application
// error type with its codes, the text rule, the clock and China's time zone.
// Features live in their own packages (people, courses, quiz, scoring, ...);
// adapters (store, web) depend on them.
package gridskill

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each code to an HTTP status; the code and
// the message are safe to show to users, the wrapped cause never is.
const (
	EINVALID      = "invalid"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	ETOOMANY      = "too_many_requests"
	ETOOLARGE     = "too_large"
	EUNAVAILABLE  = "unavailable" // overloaded for now: try again later
	EINTERNAL     = "internal"
)

// Error is the application error. Message is written for the person using the
// product, in English; Format and Args let the web layer translate it through
// the message catalogue. Err, when set, is the internal cause for the log.
type Error struct {
	Code    string
	Message string
	Format  string
	Args    []any
	// Fields holds per-field or per-row problems, e.g. the rows of a rejected import.
	Fields []FieldError
	Err    error
}

// FieldError names one problem with one part of the input. Reason is an
// English format with Args, translated where it is shown.
type FieldError struct {
	Row    int    `json:"row,omitempty"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Args   []any  `json:"-"`
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an application error with a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Internal wraps an unexpected failure. Its message is generic; cause goes to the log only.
func Internal(cause error) *Error {
	return &Error{Code: EINTERNAL, Message: "internal error", Format: "internal error", Err: cause}
}

// ErrorCode returns the code of an application error, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-safe message of an error.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e) && e.Code != EINTERNAL:
		return e.Message
	default:
		return "internal error"
	}
}

// RowProblem turns a validation error into the problem of one row and
// column of an import, keeping its format and arguments for translation.
func RowProblem(err error, row int, field string) FieldError {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		if e.Format == "" {
			return FieldError{Row: row, Field: field, Reason: e.Message}
		}
		return FieldError{Row: row, Field: field, Reason: e.Format, Args: e.Args}
	}
	return FieldError{Row: row, Field: field, Reason: "internal error"}
}
