package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// syncBuffer collects the program's output for assertions.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startMain runs the whole program, as `gridskill` would, on port 0 over dir
// (a fresh folder when empty), and stops it when the test ends.
func startMain(t *testing.T, dir string) (*Main, string, *syncBuffer) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	getenv := func(k string) string {
		if k == "MONGODB_URI" {
			return os.Getenv(k)
		}
		return ""
	}
	cfg, err := parseConfig("serve", []string{"-addr", "127.0.0.1:0", "-data", dir}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	m := NewMain(cfg, out)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		m.Close()
		t.Fatalf("run: %v\n%s", err, out)
	}
	t.Cleanup(func() { m.Close() })
	return m, "http://" + m.Addr(), out
}

func TestFirstStartLoadsDemoOnceAndKeepsSecret(t *testing.T) {
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("the embedded-engine start is tested without MONGODB_URI")
	}
	dir := t.TempDir()
	m, base, out := startMain(t, dir)
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	for _, l := range seed.DemoLogins() {
		if !strings.Contains(out.String(), l.Phone) {
			t.Errorf("first start does not print demo login %s", l.Phone)
		}
	}
	info, err := os.Stat(filepath.Join(dir, "jwt-secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v, mode %v; want mode 0600", err, info)
	}
	secret, _ := os.ReadFile(filepath.Join(dir, "jwt-secret"))
	m.Close()

	_, _, out2 := startMain(t, dir)
	if strings.Contains(out2.String(), "Demo data loaded") {
		t.Fatal("second start loaded the demo data again")
	}
	again, _ := os.ReadFile(filepath.Join(dir, "jwt-secret"))
	if string(again) != string(secret) {
		t.Fatal("second start replaced the secret, ending every session")
	}
}

func TestConfigRequiresSecretWithMongoDB(t *testing.T) {
	cfg, err := parseConfig("serve", []string{"-mongodb-uri", "mongodb://127.0.0.1:1"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Demo {
		t.Error("demo data is on by default with MongoDB; want off")
	}
	m := NewMain(cfg, io.Discard)
	if _, err := m.secret(); err == nil || !strings.Contains(err.Error(), "GRIDSKILL_JWT_SECRET") {
		t.Fatalf("secret with MongoDB and none configured: %v", err)
	}
}

func TestBrowserSignInOnAPhone(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	phone := b.Phone(t, time.Minute)
	err := chromedp.Do(phone,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#my-learning`),
	)
	if err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(phone, chromedp.Text(`main h1`))
	if err != nil || !strings.Contains(h1, "张晓婷") {
		t.Fatalf("after sign-in the page says %q (%v)", h1, err)
	}
	browsertest.Screenshot(t, phone, "worker-home")
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}
}
