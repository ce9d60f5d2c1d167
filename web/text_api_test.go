package web

import (
	"strings"
	"testing"
)

// TestJSONBodiesKeepTheTextRule: the API refuses what forms and imports
// refuse, since every path calls the same Validate.
func TestJSONBodiesKeepTheTextRule(t *testing.T) {
	r := contestRig(t)
	admin := r.token(streetPhone)
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "文本规则测试"}, 201, &ct)
	before := r.snapshot()
	const control, tooLong = "含有不允许的控制字符", "最多 100 个字"
	for name, tc := range map[string]struct{ title, want string }{
		"NUL": {"大比武\x00", control}, "Escape": {"大比武\x1b[2J", control}, "LineBreak": {"大比\n武", control}, "TooLong": {strings.Repeat("武", 101), tooLong},
	} {
		t.Run("ContestTitle"+name, func(t *testing.T) {
			if body := r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: tc.title}, 400, nil); !strings.Contains(body, tc.want) {
				t.Fatalf("refused with %s, want %q", body, tc.want)
			}
		})
	}
	for name, tc := range map[string]struct{ team, want string }{
		"NUL": {"红\x00队", control}, "TooLong": {strings.Repeat("队", 3000), tooLong}, "Bidi": {"红\u202e队", control},
	} {
		t.Run("TeamName"+name, func(t *testing.T) {
			body := map[string]any{"teams": []map[string]any{{"name": tc.team, "phones": []string{workerPhone}}}}
			if got := r.call("POST", "/api/v1/contests/"+ct.ID+"/teams", admin, body, 400, nil); !strings.Contains(got, tc.want) {
				t.Fatalf("refused with %s, want %q", got, tc.want)
			}
		})
	}
	if r.snapshot() != before {
		t.Fatal("a refused body wrote documents")
	}
}
