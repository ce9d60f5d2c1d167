package cluster

import (
	"net/http"
	"testing"
)

func TestRouteKey(t *testing.T) {
	for _, c := range []struct {
		name, path, cookie, auth, want string
	}{
		{"LivePhonePage", "/live/c1", "", "", "round:c1"},
		{"LiveEvents", "/live/c1/events", "gs_session=tok", "", "round:c1"},
		{"LiveAPI", "/api/v1/live/c1/answer", "", "Bearer x", "round:c1"},
		{"ContestPage", "/contests/c2/rounds/r1/edit", "", "", "round:c2"},
		{"ContestAPI", "/api/v1/contests/c2/standings", "", "", "round:c2"},
		{"ExamPage", "/quiz/exams/e1/extend", "", "", "exam:e1"},
		{"ExamAPI", "/api/v1/exams/e1/attempts", "", "", "exam:e1"},
		{"AttemptPage", "/quiz/attempts/a1", "", "", "attempt:a1"},
		{"AttemptAPI", "/api/v1/attempts/a1/answers/q1", "", "", "attempt:a1"},
		{"ListIsNotAUnit", "/api/v1/exams", "", "Bearer x", "Bearer x"},
		{"EmptyIDIsNotAUnit", "/live/", "", "", ""},
		{"WorkersExamPage", "/exams/e1/sit", "", "", "exam:e1"},
		{"WorkersAttemptPage", "/attempts/a1", "", "", "attempt:a1"},
		{"PagePrefixNotUnderAPI", "/api/v1/quiz/exams/e1", "", "", ""},
		{"SessionCookie", "/home", "gs_lang=zh; gs_session=tok1; gs_csrf=c", "Bearer x", "tok1"},
		{"SecureSessionCookie", "/home", "__Host-gs_session=tok2", "", "tok2"},
		{"OtherCookiesOnly", "/home", "gs_lang=zh", "Bearer y", "Bearer y"},
		{"Nothing", "/home", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			if c.cookie != "" {
				h.Set("Cookie", c.cookie)
			}
			if c.auth != "" {
				h.Set("Authorization", c.auth)
			}
			if got := RouteKey(c.path, h.Get); got != c.want {
				t.Fatalf("RouteKey(%q) = %q, want %q", c.path, got, c.want)
			}
		})
	}
}
