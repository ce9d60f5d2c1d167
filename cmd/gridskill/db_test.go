package main

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gridskill/seed"
)

// TestInstancesShareTheDatabaseThatDBServes runs `gridskill db` and two
// server instances pointed at its socket: what one loads, the other serves.
func TestInstancesShareTheDatabaseThatDBServes(t *testing.T) {
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("the embedded engine is served only without MONGODB_URI")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbCtx, stopDB := context.WithCancel(ctx)
	dbOut := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(dbCtx, []string{"db", "-data", t.TempDir()}, func(string) string { return "" }, dbOut)
	}()
	defer func() { stopDB(); <-done }()
	uri := waitFor(t, dbOut, regexp.MustCompile(`MONGODB_URI=(\S+)`))
	if !strings.Contains(uri, "engine.sock") {
		t.Fatalf("db serves at %s, want its Unix socket", uri)
	}

	start := func(demo string) string {
		env := map[string]string{"MONGODB_URI": uri, "GRIDSKILL_JWT_SECRET": strings.Repeat("k", 40), "GRIDSKILL_DEMO": demo}
		cfg, err := parseConfig("serve", []string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		out := &syncBuffer{}
		m := NewMain(cfg, out)
		if err := m.Run(ctx); err != nil {
			m.Close()
			t.Fatalf("instance: %v\n%s", err, out)
		}
		t.Cleanup(func() { m.Close() })
		return "http://" + m.Addr()
	}
	start("true")
	other := start("false")
	resp, err := http.Post(other+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"phone":"13900000004","password":"`+seed.DemoPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in on the second instance with the demo the first loaded: %s", resp.Status)
	}
}

// waitFor waits until the output holds a match of re and returns its first group.
func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	for range 300 {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s in output:\n%s", re, out)
	return ""
}
