package cluster

import (
	"net/textproto"
	"strings"
)

// sessionCookies are the names the session cookie goes by: plain, and with the
// __Host- prefix that secure cookies get (web.Server.cookieName).
var sessionCookies = [...]string{"gs_session", "__Host-gs_session"}

// RouteKey is the key a load balancer hashes to choose an instance for a
// request, the same as deploy/nginx.conf's `map $uri $route_key`: everything
// of one live round (`/live/{id}…`, `/api/v1/live/{id}…`, `/contests/{id}…`,
// `/api/v1/contests/{id}…`) is `round:{id}`, everything of one exam (staff's
// `/quiz/exams/{id}…`, the worker's `/exams/{id}…`, `/api/v1/exams/{id}…`) is
// `exam:{id}`, an attempt (`/quiz/attempts/{id}…`, `/attempts/{id}…`,
// `/api/v1/attempts/{id}…`) is `attempt:{id}`; any
// other request is keyed by the caller's session cookie, else its
// Authorization header, else "" (the balancer then uses the client's
// address). header reads a request header by its canonical name.
//
// An attempt is keyed by its own id, not its exam's, because the balancer
// cannot know the exam: the instance it lands on forwards it to the exam's
// owner when that is another instance.
func RouteKey(path string, header func(string) string) string {
	if k := pathKey(path); k != "" {
		return k
	}
	if v := cookieValue(header("Cookie")); v != "" {
		return v
	}
	return header("Authorization")
}

// pathKey is the owned unit a path belongs to, or "".
func pathKey(path string) string {
	p := strings.TrimPrefix(path, "/api/v1")
	api := len(p) < len(path)
	for _, r := range routePrefixes {
		if r.api != api {
			continue
		}
		rest, ok := strings.CutPrefix(p, r.prefix)
		if !ok {
			continue
		}
		id, _, _ := strings.Cut(rest, "/")
		if id == "" {
			return ""
		}
		return r.kind + ":" + id
	}
	return ""
}

var routePrefixes = []struct {
	api          bool
	prefix, kind string
}{
	{false, "/live/", "round"},
	{true, "/live/", "round"},
	{false, "/contests/", "round"},
	{true, "/contests/", "round"},
	{false, "/quiz/exams/", "exam"},
	{false, "/exams/", "exam"},
	{true, "/exams/", "exam"},
	{false, "/quiz/attempts/", "attempt"},
	{false, "/attempts/", "attempt"},
	{true, "/attempts/", "attempt"},
}

// cookieValue is the session cookie's value in a Cookie header, or "".
func cookieValue(h string) string {
	for h != "" {
		var part string
		part, h, _ = strings.Cut(h, ";")
		name, value, ok := strings.Cut(textproto.TrimString(part), "=")
		if !ok {
			continue
		}
		for _, n := range sessionCookies {
			if name == n && value != "" {
				return value
			}
		}
	}
	return ""
}
