package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gridskill/seed"
)

// freeAddr returns a local address nothing listens on, to advertise.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestTwoInstancesServeAnExamThroughItsOwner runs `gridskill db` and two
// instances as a cluster: a save sent to the instance that does not hold the
// exam is forwarded to the one that does, and when that one shuts down the
// other takes the exam over at once, with the save.
func TestTwoInstancesServeAnExamThroughItsOwner(t *testing.T) {
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("the embedded engine is served only without MONGODB_URI")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dbCtx, stopDB := context.WithCancel(ctx)
	dbOut := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(dbCtx, []string{"db", "-data", t.TempDir()}, func(string) string { return "" }, dbOut)
	}()
	defer func() { stopDB(); <-done }()
	uri := waitFor(t, dbOut, regexp.MustCompile(`MONGODB_URI=(\S+)`))

	start := func(name, demo string) (*Main, string) {
		addr := freeAddr(t)
		env := map[string]string{"MONGODB_URI": uri, "GRIDSKILL_JWT_SECRET": strings.Repeat("k", 40), "GRIDSKILL_DEMO": demo,
			"GRIDSKILL_INSTANCE": name, "GRIDSKILL_ADVERTISE": "http://" + addr}
		cfg, err := parseConfig("serve", []string{"-addr", addr, "-data", t.TempDir()}, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		out := &syncBuffer{}
		m := NewMain(cfg, out)
		if err := m.Run(ctx); err != nil {
			m.Close()
			t.Fatalf("instance %s: %v\n%s", name, err, out)
		}
		t.Cleanup(func() { m.Close() })
		return m, "http://" + addr
	}
	a, atA := start("a", "true")
	_, atB := start("b", "false")

	call := func(method, url, token string, body any) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = strings.NewReader(string(b))
		}
		req, _ := http.NewRequest(method, url, rd)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	_, login := call("POST", atB+"/api/v1/auth/login", "", map[string]string{"phone": "13900000004", "password": seed.DemoPassword})
	token, _ := login["token"].(string)
	_, list := call("GET", atA+"/api/v1/exams", token, nil)
	exams, _ := list["exams"].([]any)
	if token == "" || len(exams) == 0 {
		t.Fatalf("sign-in %v, exams %v", login, list)
	}
	examID := exams[0].(map[string]any)["id"].(string)
	status, att := call("POST", atA+"/api/v1/exams/"+examID+"/attempts", token, nil)
	if status != http.StatusCreated {
		t.Fatalf("start on a: %d %v", status, att)
	}
	attemptID := att["id"].(string)
	q := att["questions"].([]any)[0].(map[string]any)
	var answer any = "T"
	if opts, _ := q["options"].([]any); len(opts) > 0 {
		answer = opts[0].(map[string]any)["key"].(string)
	}
	switch q["type"] {
	case "multiple":
		answer = []any{answer}
	case "blank":
		answer = []any{"社区"}
	}
	save := func(at string, seq int) (int, map[string]any) {
		return call("PUT", at+"/api/v1/attempts/"+attemptID+"/answers/"+q["id"].(string), token, map[string]any{"answer": answer, "seq": seq})
	}
	if status, out := save(atB, 1); status != http.StatusOK || out["saved"] != true {
		t.Fatalf("a save sent to b (forwarded to a): %d %v", status, out)
	}
	if !a.node.Holds("exam:" + examID) {
		t.Fatal("a does not hold the exam it started")
	}

	a.Close() // a clean shutdown hands the exam over at once
	began := time.Now()
	for {
		status, out := save(atB, 2)
		if status == http.StatusOK {
			break
		}
		if time.Since(began) > 3*time.Second {
			t.Fatalf("b did not take the exam over after a shut down: %d %v", status, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	status, got := call("GET", atB+"/api/v1/attempts/"+attemptID, token, nil)
	answers, _ := got["answers"].(map[string]any)
	if status != http.StatusOK || fmt.Sprint(answers[q["id"].(string)]) != fmt.Sprint(answer) {
		t.Fatalf("the attempt on b after the takeover: %d %v, want the answer saved through a", status, got)
	}
}
