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

func TestConfigForSeveralInstances(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	const uri = "mongodb://mongo1,mongo2,mongo3/?replicaSet=rs0"
	t.Run("BothWithMongoDBRunClustered", func(t *testing.T) {
		cfg, err := parseConfig("serve", nil, env("MONGODB_URI", uri, "GRIDSKILL_INSTANCE", "app1", "GRIDSKILL_ADVERTISE", "http://10.0.0.5:8080"))
		if err != nil || !cfg.Clustered() || cfg.Instance != "app1" || cfg.Advertise != "http://10.0.0.5:8080" {
			t.Fatalf("%+v %v", cfg, err)
		}
	})
	t.Run("FlagsSetThemToo", func(t *testing.T) {
		cfg, err := parseConfig("serve", []string{"-instance", "b", "-advertise", "http://127.0.0.1:8082"}, env("MONGODB_URI", uri))
		if err != nil || !cfg.Clustered() || cfg.Advertise != "http://127.0.0.1:8082" {
			t.Fatalf("%+v %v", cfg, err)
		}
	})
	t.Run("NeitherRunsAlone", func(t *testing.T) {
		cfg, err := parseConfig("serve", nil, env("MONGODB_URI", uri))
		if err != nil || cfg.Clustered() {
			t.Fatalf("%+v %v", cfg, err)
		}
	})
	for _, c := range []struct {
		name string
		env  []string
		want string
	}{
		{"RefusesANameWithoutAnAddress", []string{"MONGODB_URI", uri, "GRIDSKILL_INSTANCE", "app1"}, "go together"},
		{"RefusesAnAddressWithoutAName", []string{"MONGODB_URI", uri, "GRIDSKILL_ADVERTISE", "http://10.0.0.5:8080"}, "go together"},
		{"RefusesALongName", []string{"MONGODB_URI", uri, "GRIDSKILL_INSTANCE", strings.Repeat("a", 33), "GRIDSKILL_ADVERTISE", "http://10.0.0.5:8080"}, "short name"},
		{"RefusesANameWithSpaces", []string{"MONGODB_URI", uri, "GRIDSKILL_INSTANCE", "app 1", "GRIDSKILL_ADVERTISE", "http://10.0.0.5:8080"}, "short name"},
		{"RefusesHTTPS", []string{"MONGODB_URI", uri, "GRIDSKILL_INSTANCE", "app1", "GRIDSKILL_ADVERTISE", "https://10.0.0.5:8443"}, "plain http address"},
		{"RefusesAnAddressWithoutAPort", []string{"MONGODB_URI", uri, "GRIDSKILL_INSTANCE", "app1", "GRIDSKILL_ADVERTISE", "http://10.0.0.5"}, "with its port"},
		{"RefusesAnAddressWithAPath", []string{"MONGODB_URI", uri, "GRIDSKILL_INSTANCE", "app1", "GRIDSKILL_ADVERTISE", "http://10.0.0.5:8080/app"}, "plain http address"},
		{"RefusesAHostAlone", []string{"MONGODB_URI", uri, "GRIDSKILL_INSTANCE", "app1", "GRIDSKILL_ADVERTISE", "10.0.0.5:8080"}, "plain http address"},
		{"RefusesTheEmbeddedDatabase", []string{"GRIDSKILL_INSTANCE", "app1", "GRIDSKILL_ADVERTISE", "http://10.0.0.5:8080"}, "MONGODB_URI"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseConfig("serve", nil, env(c.env...))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}
