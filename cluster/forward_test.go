package cluster_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/cluster"
	"gridskill/store/storetest"
)

// serve runs app on a port of its own and returns its address.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func TestForwardReachesTheOwner(t *testing.T) {
	db := storetest.DB(t)
	node, _ := start(t, db, gridskill.SystemClock{}, "front", nil)

	owner := fiber.New(fiber.Config{DisableStartupMessage: true})
	owner.All("/*", func(c *fiber.Ctx) error {
		c.Set("X-Seen-Forwarded", c.Get(cluster.ForwardedHeader))
		c.Set("X-Seen-Auth", c.Get(fiber.HeaderAuthorization))
		c.Set("X-Seen-Cookie", c.Cookies("session"))
		c.Set("X-Seen-Host", c.Hostname())
		c.Cookie(&fiber.Cookie{Name: "set", Value: "by-owner"})
		return c.Status(http.StatusCreated).SendString(c.Method() + " " + c.OriginalURL() + " " + string(c.Body()))
	})
	ownerAddr := serve(t, owner)

	front := fiber.New(fiber.Config{DisableStartupMessage: true})
	front.All("/dead/*", func(c *fiber.Ctx) error {
		err := node.Forward(c, "http://127.0.0.1:1")
		if !errors.Is(err, cluster.ErrUnreachable) {
			t.Errorf("forward to a dead owner: %v, want ErrUnreachable", err)
		}
		return c.Status(http.StatusServiceUnavailable).SendString("unreachable")
	})
	front.All("/*", func(c *fiber.Ctx) error { return node.Forward(c, ownerAddr) })
	frontAddr := serve(t, front)

	t.Run("CopiesTheRequestAndTheAnswer", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, frontAddr+"/api/v1/attempts/a1/answers/q1?x=1&y=%E4%B8%AD", strings.NewReader(`{"answer":"B","seq":3}`))
		req.Header.Set("Authorization", "Bearer token-1")
		req.AddCookie(&http.Cookie{Name: "session", Value: "s-1"})
		req.Host = "exam.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		want := `PUT /api/v1/attempts/a1/answers/q1?x=1&y=%E4%B8%AD {"answer":"B","seq":3}`
		if resp.StatusCode != http.StatusCreated || string(body) != want {
			t.Fatalf("answer: %d %q, want 201 %q", resp.StatusCode, body, want)
		}
		for h, v := range map[string]string{"X-Seen-Forwarded": "front", "X-Seen-Auth": "Bearer token-1", "X-Seen-Cookie": "s-1", "X-Seen-Host": "exam.example"} {
			if got := resp.Header.Get(h); got != v {
				t.Errorf("%s: %q, want %q", h, got, v)
			}
		}
		if c := resp.Header.Get("Set-Cookie"); !strings.Contains(c, "set=by-owner") {
			t.Errorf("the owner's cookie did not come back: %q", c)
		}
	})
	t.Run("ADeadOwnerIsUnreachable", func(t *testing.T) {
		resp, err := http.Get(frontAddr + "/dead/x")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

func TestPipeStreamsEventsFromTheOwner(t *testing.T) {
	db := storetest.DB(t)
	node, _ := start(t, db, gridskill.SystemClock{}, "front", nil)
	end := make(chan struct{})
	seen := make(chan string, 1)
	owner := fiber.New(fiber.Config{DisableStartupMessage: true})
	owner.Get("/live/:id/events", func(c *fiber.Ctx) error {
		seen <- c.Get(cluster.ForwardedHeader) + " " + c.Cookies("session")
		rc := c.Context()
		rc.HijackSetNoResponse(true)
		rc.Hijack(func(conn net.Conn) {
			_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"))
			_, _ = conn.Write([]byte("10\r\ndata: {\"n\":1}\n\n\r\n"))
			<-end // the round moves: the owner ends the stream
		})
		return nil
	})
	ownerAddr := serve(t, owner)
	front := fiber.New(fiber.Config{DisableStartupMessage: true})
	front.Get("/live/:id/events", func(c *fiber.Ctx) error { return node.Pipe(c, ownerAddr) })
	front.Get("/dead/events", func(c *fiber.Ctx) error { return node.Pipe(c, "http://127.0.0.1:1") })
	frontAddr := serve(t, front)

	req, _ := http.NewRequest(http.MethodGet, frontAddr+"/live/c1/events", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: "phone-1"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := <-seen; got != "front phone-1" {
		t.Fatalf("the owner saw %q, want the forward mark and the phone's cookie", got)
	}
	r := bufio.NewReader(resp.Body)
	line, err := r.ReadString('\n')
	if err != nil || line != "data: {\"n\":1}\n" {
		t.Fatalf("first event: %q %v", line, err)
	}
	close(end)
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(r); done <- err }()
	select {
	case <-done: // the phone's connection ended with the owner's
	case <-time.After(5 * time.Second):
		t.Fatal("the piped stream outlived the owner's")
	}

	t.Run("ADeadOwnerHangsUp", func(t *testing.T) {
		resp, err := http.Get(frontAddr + "/dead/events")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("a stream to a dead owner was answered %d; want the connection closed so EventSource reconnects", resp.StatusCode)
		}
	})
}
