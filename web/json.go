package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
)

// maxJSONBody bounds API request bodies; uploads have their own limits.
const maxJSONBody = 64 << 10

// decodeJSON reads the request body into v. Wrong types (a Mongo operator
// object where a string belongs, say), malformed or trailing data and
// oversized bodies are refused with a message naming the problem.
func decodeJSON(c *fiber.Ctx, v any) error {
	// Refused before c.Body(), which copies the body (the app is Immutable).
	if len(c.Request().Body()) > maxJSONBody {
		return gridskill.Errorf(gridskill.ETOOLARGE, "the request is too large")
	}
	body := c.Body()
	if len(body) > maxJSONBody {
		return gridskill.Errorf(gridskill.ETOOLARGE, "the request is too large")
	}
	if ct := c.Get(fiber.HeaderContentType); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return gridskill.Errorf(gridskill.EINVALID, "send the request body as JSON (Content-Type: application/json)")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return gridskill.Errorf(gridskill.EINVALID, "the field %s has the wrong type", typeErr.Field)
	case err == io.EOF:
		return gridskill.Errorf(gridskill.EINVALID, "the request body is empty")
	case err != nil:
		return gridskill.Errorf(gridskill.EINVALID, "the request body is not valid JSON")
	}
	if dec.More() {
		return gridskill.Errorf(gridskill.EINVALID, "the request body is not valid JSON")
	}
	return nil
}

func errMissing(field string) error {
	return gridskill.Errorf(gridskill.EINVALID, "the field %s is required", field)
}
