package web

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

var paramPattern = regexp.MustCompile(`:(\w+)`)

// TestAPIDocsListEveryRoute keeps docs/api.md true: every route the app
// registers appears there as "METHOD /path", with :param written {param}.
func TestAPIDocsListEveryRoute(t *testing.T) {
	r := newRig(t)
	data, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	seen := map[string]bool{}
	for _, rt := range r.srv.App.GetRoutes(true) {
		if rt.Method == "HEAD" || rt.Method == "USE" || rt.Path == "/" && rt.Method != "GET" || strings.HasPrefix(rt.Path, "/static") {
			continue
		}
		if rt.Path == "/" && len(rt.Handlers) == 0 {
			continue
		}
		key := rt.Method + " " + paramPattern.ReplaceAllString(rt.Path, "{$1}")
		if seen[key] {
			continue
		}
		seen[key] = true
		if !regexp.MustCompile(regexp.QuoteMeta(key) + "(?:[\\s`|?]|$)").MatchString(doc) {
			t.Errorf("docs/api.md does not list %s", key)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("only %d routes found; the route listing is broken", len(seen))
	}
}
