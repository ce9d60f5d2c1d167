package cluster

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// backend is a stand-in instance that answers with its name and echoes a body.
func backend(t *testing.T, name string, healthy *atomic.Bool) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			if healthy != nil && !healthy.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			_, _ = io.WriteString(w, `{"status":"ok"}`)
		case "/live/c1/events":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: %s\n\n", name)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		default:
			body, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%s %s %s %s", name, r.URL.Path, body, r.Header.Get("X-Real-IP"))
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func newTestBalancer(t *testing.T, backends ...string) *Balancer {
	t.Helper()
	b, err := NewBalancer(backends, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func get(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, strings.NewReader(body)))
	return w
}

func TestBalancerSendsEachKeyToItsBackendOnTheRing(t *testing.T) {
	names := map[string]string{}
	var urls []string
	for _, n := range []string{"a", "b", "c"} {
		s := backend(t, n, nil)
		names[s.URL] = n
		urls = append(urls, s.URL)
	}
	b := newTestBalancer(t, urls...)
	used := map[string]bool{}
	for i := range 30 {
		path := fmt.Sprintf("/api/v1/exams/e%d/attempts", i)
		w := get(t, b, "POST", path, "x")
		want := names[b.Ring().Get(fmt.Sprintf("exam:e%d", i))]
		if got := w.Body.String(); w.Code != 200 || !strings.HasPrefix(got, want+" "+path+" x 192.0.2.1") {
			t.Fatalf("%s answered %d %q, want %s's answer with the client's address", path, w.Code, got, want)
		}
		used[want] = true
	}
	if len(used) != 3 {
		t.Fatalf("30 exams all went to %v", used)
	}
}

func TestBalancerSkipsABackendThatRefusesConnections(t *testing.T) {
	a, c := backend(t, "a", nil), backend(t, "c", nil)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	b := newTestBalancer(t, a.URL, deadURL, c.URL)
	// A key of the dead backend's, with a body that must reach the next one whole.
	var path, next string
	for i := 0; path == ""; i++ {
		if o := b.Ring().Order(fmt.Sprintf("attempt:t%d", i)); o[0] == deadURL {
			path, next = fmt.Sprintf("/api/v1/attempts/t%d/answers/q1", i), o[1]
		}
	}
	want := map[string]string{a.URL: "a", c.URL: "c"}[next]
	w := get(t, b, "PUT", path, `{"answer":"B","seq":3}`)
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), want+" "+path+` {"answer":"B","seq":3}`) {
		t.Fatalf("refused backend: answered %d %q, want %s with the whole body", w.Code, w.Body.String(), want)
	}
	if b.Up(deadURL) {
		t.Fatal("a backend that refused a connection is still taken as up")
	}
	if b.Pick(b.Ring().Order("x")[0]) == "" {
		t.Fatal("no pick")
	}
}

func TestBalancerAnswers503WhenNoBackendIsReachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	b := newTestBalancer(t, dead.URL)
	w := get(t, b, "GET", "/live/c1", "")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("every backend down: %d Retry-After %q, want 503 with Retry-After 1 so clients retry", w.Code, w.Header().Get("Retry-After"))
	}
}

func TestBalancerHealthChecksTakeABackendOutAndBack(t *testing.T) {
	var healthy atomic.Bool
	healthy.Store(true)
	a, c := backend(t, "a", &healthy), backend(t, "c", nil)
	b := newTestBalancer(t, a.URL, c.URL)
	b.HealthEvery = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Start(ctx)
	key := ""
	for i := 0; key == ""; i++ {
		if k := fmt.Sprintf("round:%d", i); b.Ring().Get(k) == a.URL {
			key = k
		}
	}
	waitUntil := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}
	waitUntil("a healthy backend is not picked", func() bool { return b.Pick(key) == a.URL })
	healthy.Store(false)
	waitUntil("a backend failing /healthz is still picked", func() bool { return b.Pick(key) == c.URL })
	if w := get(t, b, "GET", "/live/"+strings.TrimPrefix(key, "round:"), ""); !strings.HasPrefix(w.Body.String(), "c ") {
		t.Fatalf("with a unhealthy, its round went to %q", w.Body.String())
	}
	healthy.Store(true)
	waitUntil("a backend that recovered is not picked again", func() bool { return b.Pick(key) == a.URL })
}

func TestBalancerStreamsEventsAsTheyCome(t *testing.T) {
	a := backend(t, "a", nil)
	front := httptest.NewServer(newTestBalancer(t, a.URL))
	defer front.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", front.URL+"/live/c1/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "data: a\n" {
		t.Fatalf("first event: %q %v; want it while the stream is still open", line, err)
	}
}

func TestNewBalancerRefusesBadBackends(t *testing.T) {
	for _, bad := range [][]string{nil, {"127.0.0.1:8080"}, {"https://x:1"}, {"http://x:1/app"}, {"http://"}} {
		if _, err := NewBalancer(bad, slog.New(slog.DiscardHandler)); err == nil {
			t.Errorf("NewBalancer(%q) accepted", bad)
		}
	}
}
