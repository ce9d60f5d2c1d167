package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"gridskill"
)

// statusOf maps application error codes to HTTP statuses.
var statusOf = map[string]int{
	gridskill.EINVALID:      http.StatusBadRequest,
	gridskill.EUNAUTHORIZED: http.StatusUnauthorized,
	gridskill.EFORBIDDEN:    http.StatusForbidden,
	gridskill.ENOTFOUND:     http.StatusNotFound,
	gridskill.ECONFLICT:     http.StatusConflict,
	gridskill.ETOOMANY:      http.StatusTooManyRequests,
	gridskill.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	gridskill.EUNAVAILABLE:  http.StatusServiceUnavailable,
	gridskill.EINTERNAL:     http.StatusInternalServerError,
}

// frameworkError is how one of Fiber's own errors is answered.
type frameworkError struct {
	status  int
	code    string
	message string
}

// frameworkErrors answers the errors Fiber raises itself, by their status:
// no route, an address over maxURI (limitURI), and the refusals of the HTTP
// server beneath it, which Fiber's serverErrorHandler turns into these
// statuses before calling the error handler: a request line plus headers
// larger than the read buffer 431 (fasthttp forgets the request line when it
// gives up, so an address longer than the whole buffer is answered 431 too),
// a read timeout 408, a body over the limit 413, a request it cannot parse
// 400, a connection that failed mid-read 502.
var frameworkErrors = map[int]frameworkError{
	http.StatusNotFound:                    {http.StatusNotFound, gridskill.ENOTFOUND, "page not found"},
	http.StatusMethodNotAllowed:            {http.StatusNotFound, gridskill.ENOTFOUND, "page not found"},
	http.StatusRequestEntityTooLarge:       {http.StatusRequestEntityTooLarge, gridskill.ETOOLARGE, "the request is too large"},
	http.StatusRequestHeaderFieldsTooLarge: {http.StatusRequestHeaderFieldsTooLarge, gridskill.ETOOLARGE, "the address or the request headers are too large"},
	http.StatusRequestURITooLong:           {http.StatusRequestURITooLong, gridskill.ETOOLARGE, "the address is too long"},
	http.StatusRequestTimeout:              {http.StatusRequestTimeout, gridskill.EINVALID, "the request took too long to arrive; please try again"},
	http.StatusBadRequest:                  {http.StatusBadRequest, gridskill.EINVALID, "the request could not be read"},
	http.StatusBadGateway:                  {http.StatusBadRequest, gridskill.EINVALID, "the request could not be read"},
	http.StatusTooManyRequests:             {http.StatusTooManyRequests, gridskill.ETOOMANY, "too many requests, please slow down"},
}

// asAppError turns any error into an application error, with the status to answer.
func asAppError(err error) (*gridskill.Error, int) {
	var e *gridskill.Error
	if errors.As(err, &e) {
		return e, statusFor(e.Code)
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if f, ok := frameworkErrors[fe.Code]; ok {
			return &gridskill.Error{Code: f.code, Message: f.message, Format: f.message}, f.status
		}
	}
	return gridskill.Internal(err), http.StatusInternalServerError
}

func statusFor(code string) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// errorJSON is the API's error body.
type errorJSON struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Details []detailJSON `json:"details,omitempty"`
}

type detailJSON struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// errorPage is the HTML error page.
type errorPage struct {
	Page
	Status  int
	Message string
}

// handleError is the one place errors become responses: JSON under /api,
// an HTML page elsewhere. Users see only the safe message; internal causes go
// to the log with the request id.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	e, status := asAppError(err)
	e = capError(e)
	attrs := []any{"status", status, "code", e.Code, "method", c.Method(), "path", c.Path(), "request_id", requestID(c)}
	if status >= 500 {
		s.log.Error("request failed", append(attrs, "err", err)...)
	} else {
		s.log.Info("request refused", append(attrs, "reason", e.Message)...)
	}
	lang := s.lang(c)
	msg := s.cat.translate(lang, e.Format, e.Args...)
	if e.Format == "" {
		msg = s.cat.translate(lang, e.Message)
	}
	if isAPI(c) {
		body := errorJSON{Error: errorBody{Code: e.Code, Message: msg}}
		for _, f := range e.Fields {
			body.Error.Details = append(body.Error.Details, detailJSON{Row: f.Row, Field: f.Field, Message: s.cat.translate(lang, f.Reason, f.Args...)})
		}
		return c.Status(status).JSON(body)
	}
	if requestID(c) == "" {
		// The server refused the request before the app saw it (see
		// frameworkErrors): answer without the page, which reads the database
		// and sets cookies for a request that was never read.
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(msg)
	}
	if status == http.StatusUnauthorized && c.Method() == fiber.MethodGet {
		return c.Redirect("/login?next="+url.QueryEscape(safeNext(c.OriginalURL())), fiber.StatusSeeOther)
	}
	p := errorPage{Page: s.page(c, titleFor(status)), Status: status, Message: msg}
	c.Status(status)
	if rerr := c.Render("pages/error", p, "layouts/main"); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		return c.Status(status).SendString(msg)
	}
	return nil
}

func titleFor(status int) string {
	switch status {
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusNotFound:
		return "Not found"
	case http.StatusInternalServerError:
		return "Something went wrong"
	}
	return "Cannot do that"
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

// Echo limits: an error names what it refuses (a column, a value, a unit),
// but never sends back more than a few words of it, and lists at most
// maxEchoFields rows; a pasted essay or a 20,000-row file stays on the
// client's side.
const (
	maxEcho       = 40
	maxEchoFields = 100
)

// capEcho shortens a value typed or uploaded by someone to maxEcho
// characters, with an ellipsis, for showing it back.
func capEcho(s string) string {
	if utf8.RuneCountInString(s) <= maxEcho {
		return s
	}
	r := []rune(s)
	return string(r[:maxEcho]) + "…"
}

func capArgs(args []any) []any {
	if len(args) == 0 {
		return args
	}
	out := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok {
			a = capEcho(s)
		}
		out[i] = a
	}
	return out
}

// capError is a copy of e for showing: its arguments and the fields it
// names capped, and its list of problems cut at maxEchoFields with a last
// line saying how many more there are.
func capError(e *gridskill.Error) *gridskill.Error {
	c := *e
	c.Args = capArgs(e.Args)
	c.Fields = nil
	for i, f := range e.Fields {
		if i == maxEchoFields {
			c.Fields = append(c.Fields, gridskill.FieldError{Reason: "and %d more problems", Args: []any{len(e.Fields) - maxEchoFields}})
			break
		}
		f.Field, f.Args = capEcho(f.Field), capArgs(f.Args)
		c.Fields = append(c.Fields, f)
	}
	return &c
}
