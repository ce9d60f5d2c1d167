package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

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
	gridskill.EINTERNAL:     http.StatusInternalServerError,
}

// fiberErrors turns the framework's own errors (no route, body too large) into application errors.
func asAppError(err error) *gridskill.Error {
	var e *gridskill.Error
	if errors.As(err, &e) {
		return e
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case http.StatusNotFound:
			return gridskill.Errorf(gridskill.ENOTFOUND, "page not found")
		case http.StatusMethodNotAllowed:
			return gridskill.Errorf(gridskill.ENOTFOUND, "page not found")
		case http.StatusRequestEntityTooLarge:
			return gridskill.Errorf(gridskill.ETOOLARGE, "the request is too large")
		case http.StatusBadRequest:
			return gridskill.Errorf(gridskill.EINVALID, "the request could not be read")
		case http.StatusTooManyRequests:
			return gridskill.Errorf(gridskill.ETOOMANY, "too many requests, please slow down")
		}
	}
	return gridskill.Internal(err)
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
	e := asAppError(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
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
