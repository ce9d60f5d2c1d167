package web

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serveTCP serves the rig's app on a real listener, so the HTTP server's own
// refusals (which app.Test never reaches) can be tried with raw bytes.
func serveTCP(t *testing.T, r *rig) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.srv.App.Listener(ln) }()
	t.Cleanup(func() {
		_ = r.srv.App.Shutdown()
		<-done
	})
	return ln.Addr().String()
}

// rawExchange writes raw onto a new connection and reads the response.
func rawExchange(t *testing.T, addr, raw string, pause time.Duration) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(pause)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response to %.60q: %v", raw, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
	return resp, b.String()
}

func TestProtocolErrorsAnswerTheirStatus(t *testing.T) {
	r := newRigConfig(t, Config{ReadTimeout: 300 * time.Millisecond})
	addr := serveTCP(t, r)
	big := strings.Repeat("a", 20<<10)
	cases := []struct {
		name   string
		raw    string
		status int
		text   string
	}{
		{"HeadersTooLarge", "GET /login HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", 431, "请求头过大"},
		{"CookieTooLarge", "GET / HTTP/1.1\r\nHost: x\r\nCookie: a=" + big + "\r\n\r\n", 431, "请求头过大"},
		{"URITooLong", "GET /login?next=" + strings.Repeat("a", 3<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "网址过长"},
		// Longer than the whole read buffer: the server cannot tell the address from the headers.
		{"RequestLineOverTheBuffer", "GET /login?next=" + big + " HTTP/1.1\r\nHost: x\r\n\r\n", 431, "网址或请求头过大"},
		{"StallsMidHeaders", "GET /login HTTP/1.1\r\nHost: x\r\nX-Half: ", 408, "请求发送超时"},
		{"GarbageRequestLine", "\x00\x01garbage\r\n\r\n", 400, "无法读取该请求"},
		{"BodyTooLarge", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999\r\n\r\n", 413, "请求内容过大"},
		{"APIURITooLong", "GET /api/v1/me?x=" + strings.Repeat("a", 3<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, `"code":"too_large"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := rawExchange(t, addr, tc.raw, 0)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.text) {
				t.Fatalf("answered %d %q, want %d with %q", resp.StatusCode, body, tc.status, tc.text)
			}
			// The server goes on serving.
			next, _ := rawExchange(t, addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 0)
			if next.StatusCode != http.StatusOK {
				t.Fatalf("the next request answered %d", next.StatusCode)
			}
		})
	}
}
