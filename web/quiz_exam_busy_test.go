package web

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/quiz"
)

// A submit the server cannot take now answers 503 with Retry-After in whole
// seconds and the API's error shape with a message the worker reads.
func TestUnavailableSubmitAnswers503WithRetryAfter(t *testing.T) {
	r := newRig(t)
	busy := &gridskill.Error{Code: gridskill.EUNAVAILABLE, Format: "many papers are being submitted at once; your answers are kept, and the paper will be submitted when you try again",
		Message: "many papers are being submitted at once; your answers are kept, and the paper will be submitted when you try again", Err: &quiz.Busy{RetryAfter: 2500 * time.Millisecond}}
	// The app's own error handler, on a route that fails as a saturated submit does.
	app := fiber.New(fiber.Config{ErrorHandler: r.srv.handleError})
	app.Post("/api/v1/attempts/:id/submit", func(c *fiber.Ctx) error { return retryLater(c, busy) })
	resp, err := app.Test(httptest.NewRequest("POST", "/api/v1/attempts/a-1/submit", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	body := string(raw)
	if resp.StatusCode != 503 {
		t.Fatalf("status %d; want 503", resp.StatusCode)
	}
	if got := resp.Header.Get("Retry-After"); got != "3" {
		t.Fatalf("Retry-After %q; want 3 (seconds, rounded up)", got)
	}
	var out struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Error.Code != "unavailable" || out.Error.Message != "同时交卷的人很多，您的答案都已保存，请稍候再试，试卷会在重试时交上" {
		t.Fatalf("body %s (%v); want the unavailable code and the Chinese message", body, err)
	}
}
