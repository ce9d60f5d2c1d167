package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/cluster"
	"gridskill/store/storetest"
)

// ownedRoute is every route of one exam, one attempt or one contest: the
// instance holding its lease serves it.
var ownedRoute = regexp.MustCompile(`^(/api/v1)?/(quiz/exams|exams|attempts|contests|live)/:id(/|$)`)

// hasOwnership reports whether hs holds the ownership check.
func hasOwnership(s *Server, hs []fiber.Handler) bool {
	check := reflect.ValueOf(s.ownership(examLease, false)).Pointer()
	for _, h := range hs {
		if reflect.ValueOf(h).Pointer() == check {
			return true
		}
	}
	return false
}

// newClusterRig is the app as one of several instances: node "a" over the
// rig's database and clock.
// Stopping it (stop) halts its renewals, as a pause would.
func newClusterRig(t *testing.T) (r *rig, node *cluster.Node, stop context.CancelFunc) {
	t.Helper()
	r = newRigDeps(t, Config{}, func(d *Deps) {
		node = cluster.New(d.DB, cluster.Config{Name: "a", Addr: "http://127.0.0.1:1"}, d.Clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
		d.Cluster = node
	})
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	if err := node.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return r, node, stop
}

// A new route of an exam, attempt or contest that forgot byExam, byAttempt
// or byRound would be served by whichever instance it landed on, without
// the state its owner holds: this walks the route table.
func TestOwnedRoutesCarryTheOwnershipCheck(t *testing.T) {
	t.Run("NoneWithOneInstance", func(t *testing.T) {
		r := newRig(t)
		for _, rt := range r.srv.App.GetRoutes(true) {
			if hasOwnership(r.srv, rt.Handlers) {
				t.Errorf("%s %s checks ownership with one instance", rt.Method, rt.Path)
			}
		}
	})
	t.Run("EveryOwnedRouteWithSeveral", func(t *testing.T) {
		r, _, _ := newClusterRig(t)
		owned := 0
		for _, rt := range r.srv.App.GetRoutes(true) {
			if rt.Method == fiber.MethodHead {
				continue
			}
			want := ownedRoute.MatchString(rt.Path)
			if got := hasOwnership(r.srv, rt.Handlers); got != want {
				t.Errorf("%s %s: ownership check %v, want %v", rt.Method, rt.Path, got, want)
			}
			if want {
				owned++
			}
		}
		if owned < 50 {
			t.Fatalf("only %d owned routes found: the route table changed shape", owned)
		}
	})
}

// fakeOwner is another instance holding a lease: it answers every request
// and counts them.
type fakeOwner struct {
	mu   sync.Mutex
	seen []http.Header
	addr string
	app  *fiber.App
}

func newFakeOwner(t *testing.T) *fakeOwner {
	t.Helper()
	f := &fakeOwner{app: fiber.New(fiber.Config{DisableStartupMessage: true})}
	f.app.All("/*", func(c *fiber.Ctx) error {
		h := http.Header{}
		c.Request().Header.VisitAll(func(k, v []byte) { h.Add(string(k), string(v)) })
		f.mu.Lock()
		f.seen = append(f.seen, h)
		f.mu.Unlock()
		return c.SendString("served by b: " + c.OriginalURL())
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.app.Listener(ln) }()
	t.Cleanup(func() { _ = f.app.Shutdown() })
	f.addr = "http://" + ln.Addr().String()
	return f
}

func (f *fakeOwner) requests() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.seen...)
}

func TestARequestForAnExamHeldElsewhereIsForwarded(t *testing.T) {
	r, a, _ := newClusterRig(t)
	ctx := storetest.Context(t)
	owner := newFakeOwner(t)
	b := cluster.New(r.db, cluster.Config{Name: "b", Addr: owner.addr}, r.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	bctx, stopB := context.WithCancel(context.Background())
	t.Cleanup(stopB)
	if err := b.Start(bctx); err != nil {
		t.Fatal(err)
	}
	if _, mine, err := b.Owner(ctx, "exam:exam-held-by-b"); err != nil || !mine {
		t.Fatalf("b.Owner: %v %v", mine, err)
	}
	tok := r.token("13900000003")

	t.Run("ToItsHolderWithTheCallersCredentials", func(t *testing.T) {
		resp, body := r.do(jsonReq("GET", "/api/v1/exams/exam-held-by-b/analysis?x=1", tok, nil))
		if resp.StatusCode != 200 || body != "served by b: /api/v1/exams/exam-held-by-b/analysis?x=1" {
			t.Fatalf("answer: %d %q, want b's", resp.StatusCode, body)
		}
		seen := owner.requests()
		if len(seen) != 1 || seen[0].Get(cluster.ForwardedHeader) != "a" || seen[0].Get("Authorization") != "Bearer "+tok {
			t.Fatalf("b saw %v, want one request marked forwarded by a with the caller's token", seen)
		}
	})
	t.Run("NeverTwice", func(t *testing.T) {
		req := jsonReq("GET", "/api/v1/exams/exam-held-by-b/analysis", tok, nil)
		req.Header.Set(cluster.ForwardedHeader, "c")
		resp, _ := r.do(req)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("a forwarded request for a lease a does not hold: %d, Retry-After %q; want 503 and 1", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if n := len(owner.requests()); n != 1 {
			t.Fatalf("b got %d requests, want the forwarded one refused, not forwarded again", n)
		}
	})
	t.Run("AFreeLeaseIsClaimedAndServedHere", func(t *testing.T) {
		resp, body := r.do(jsonReq("GET", "/api/v1/exams/exam-nobody-holds/analysis", tok, nil))
		if resp.StatusCode != http.StatusNotFound || len(owner.requests()) != 1 {
			t.Fatalf("a request for a free lease: %d %q, b got %d requests; want a's own 404", resp.StatusCode, body, len(owner.requests()))
		}
		if !a.Holds("exam:exam-nobody-holds") {
			t.Fatal("a did not claim the free lease it served")
		}
	})
	t.Run("ADeadHolderIsAnswered503", func(t *testing.T) {
		if err := owner.app.Shutdown(); err != nil {
			t.Fatal(err)
		}
		resp, body := r.do(jsonReq("PUT", "/api/v1/exams/exam-held-by-b", tok, map[string]any{"title": "x"}))
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("a request for a dead holder's exam: %d %s, Retry-After %q; want 503 and 1", resp.StatusCode, body, resp.Header.Get("Retry-After"))
		}
	})
}

func TestAnAttemptGoesToItsExamsHolder(t *testing.T) {
	r, a, pauseA := newClusterRig(t)
	ctx := storetest.Context(t)
	worker := r.token("13900000004")
	status, list, body := r.apiJSON("GET", "/api/v1/exams", worker, nil)
	exams, _ := list["exams"].([]any)
	if status != 200 || len(exams) == 0 {
		t.Fatalf("exams: %d %s", status, body)
	}
	examID := exams[0].(map[string]any)["id"].(string)
	status, att, body := r.apiJSON("POST", "/api/v1/exams/"+examID+"/attempts", worker, nil)
	if status != http.StatusCreated || !a.Holds("exam:"+examID) {
		t.Fatalf("start through a: %d %s, a holds %v", status, body, a.Held())
	}
	// a is paused past its lease, and b takes the exam over.
	pauseA()
	owner := newFakeOwner(t)
	b := cluster.New(r.db, cluster.Config{Name: "b", Addr: owner.addr}, r.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	bctx, stopB := context.WithCancel(context.Background())
	t.Cleanup(stopB)
	if err := b.Start(bctx); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		r.clock.Advance(time.Second)
	}
	if _, mine, err := b.Owner(ctx, "exam:"+examID); err != nil || !mine {
		t.Fatalf("b.Owner: %v %v", mine, err)
	}
	attemptID := att["id"].(string)
	resp, got := r.do(jsonReq("GET", "/api/v1/attempts/"+attemptID, worker, nil))
	if resp.StatusCode != 200 || got != "served by b: /api/v1/attempts/"+attemptID {
		t.Fatalf("the attempt through a after b took its exam: %d %q, want b's answer", resp.StatusCode, got)
	}
}
