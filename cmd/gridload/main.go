// Command gridload drives simulated examinees against a running Gridskill
// server over HTTP and prints what they saw. It is a benchmark, not a test:
// it reports figures and asserts nothing.
//
//	go run ./cmd/gridload exam -target http://127.0.0.1:8080 -n 2000 -every 10s -duration 60s
//
// against a server started with `go run ./cmd/gridskill` on a fresh data
// folder (the demo district loaded). The exam scenario prepares everything it
// needs through the public API:
//
//  1. it signs in as the demo district admin (13900000001, -admin and
//     -password to change);
//  2. it imports N examinees with one roster import (POST /api/v1/roster/import,
//     a CSV of workers in 东湖街道 / 压测社区 / 压测网格NN, with a common initial
//     password), signs each in and changes the issued password as the product
//     requires (a rerun finds the accounts and signs in with the changed one);
//  3. it creates an exam for 东湖街道 (unit-s1) through POST /api/v1/exams: 20
//     questions from the whole bank, open now, long enough for the run.
//
// Then each examinee starts an attempt, saves an answer every -every (the
// first at a random moment within the first period, so the load is spread),
// for -duration, and submits. Afterwards every finished attempt is read back
// (GET /api/v1/attempts/{id}) and each acknowledged save is checked to be
// there: an acknowledged save whose sequence number is above the stored one
// is counted as lost. The last line is
//
//	exam: examinees=N saves=S rate=R/s p50=Xms p95=Yms p99=Zms errors=E lost=L
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "live" {
		if err := runLive(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "gridload:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 2 || os.Args[1] != "exam" {
		fmt.Fprintln(os.Stderr, "usage: gridload exam -target URL -n N -every D -duration D")
		fmt.Fprintln(os.Stderr, "       gridload live -target URL -n N -questions Q")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("gridload exam", flag.ExitOnError)
	cfg := config{}
	fs.StringVar(&cfg.target, "target", "http://127.0.0.1:8080", "base URL of the server")
	fs.IntVar(&cfg.n, "n", 2000, "examinees")
	fs.DurationVar(&cfg.every, "every", 10*time.Second, "time between one examinee's saves")
	fs.DurationVar(&cfg.duration, "duration", 60*time.Second, "how long examinees keep saving")
	fs.StringVar(&cfg.admin, "admin", "13900000001", "phone of the district admin who prepares the run")
	fs.StringVar(&cfg.password, "password", "Demo@2026", "the admin's password")
	fs.IntVar(&cfg.signins, "signin-workers", 8, "parallel sign-ins while preparing (password hashing is slow on purpose)")
	_ = fs.Parse(os.Args[2:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runExam(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "gridload:", err)
		os.Exit(1)
	}
}

type config struct {
	target, admin, password string
	n, signins              int
	every, duration         time.Duration
}

const (
	initialPassword = "Load2026start"
	examineePass    = "Load2026ready"
)

type client struct {
	base string
	http *http.Client
}

// newClient talks to target keeping a connection open for each of n simulated people.
func newClient(target string, n int) *client {
	return &client{base: strings.TrimRight(target, "/"), http: &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{MaxIdleConns: n + 10, MaxIdleConnsPerHost: n + 10, IdleConnTimeout: 5 * time.Minute},
	}}
}

// call sends a JSON request and decodes a JSON answer into out (when not nil).
func (c *client) call(ctx context.Context, method, path, token string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

type loginAnswer struct {
	Token string `json:"token"`
}

func (c *client) login(ctx context.Context, phone, password string) (string, error) {
	var out loginAnswer
	_, err := c.call(ctx, "POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password}, &out)
	return out.Token, err
}

type question struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Options []struct {
		Key string `json:"key"`
	} `json:"options"`
	Blanks int `json:"blanks"`
}

type attempt struct {
	ID        string     `json:"id"`
	Questions []question `json:"questions"`
	Seqs      map[string]int64
}

type examinee struct {
	phone, token string
	attempt      attempt
	acked        map[string]int64
}

func runExam(ctx context.Context, cfg config) error {
	c := newClient(cfg.target, cfg.n)
	admin, err := c.login(ctx, cfg.admin, cfg.password)
	if err != nil {
		return fmt.Errorf("sign in as the admin: %w", err)
	}
	people := make([]*examinee, cfg.n)
	var roster bytes.Buffer
	roster.WriteString("姓名,手机号,街道,社区,网格,角色\n")
	for i := range people {
		people[i] = &examinee{phone: fmt.Sprintf("1370%07d", i+1), acked: map[string]int64{}}
		fmt.Fprintf(&roster, "考生%d,%s,东湖街道,压测社区,压测网格%02d,网格员\n", i+1, people[i].phone, i/200+1)
	}
	start := time.Now()
	created, err := importRoster(ctx, c, admin, roster.Bytes())
	if err != nil {
		return err
	}
	fresh := created == cfg.n
	fmt.Printf("prepare: imported %d examinees in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	if err := parallel(ctx, cfg.signins, people, func(e *examinee) error { return signIn(ctx, c, e, fresh) }); err != nil {
		return err
	}
	fmt.Printf("prepare: signed in %d examinees in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))

	now := time.Now().UTC()
	var exam struct {
		ID string `json:"id"`
	}
	_, err = c.call(ctx, "POST", "/api/v1/exams", admin, map[string]any{
		"title": "压测考试 " + now.Format("01-02 15:04:05"), "unitIds": []string{"unit-s1"},
		"opensAt": now.Add(-time.Minute), "closesAt": now.Add(cfg.duration + time.Hour), "durationSec": int((cfg.duration + 10*time.Minute).Seconds()),
		"passMark": 60, "maxAttempts": 1, "counts": "highest", "review": "after_submit", "shuffle": true,
		"rules": []map[string]any{{"tag": "", "count": 20}},
	}, &exam)
	if err != nil {
		return fmt.Errorf("create the exam: %w", err)
	}

	start = time.Now()
	if err := parallel(ctx, 64, people, func(e *examinee) error {
		_, err := c.call(ctx, "POST", "/api/v1/exams/"+exam.ID+"/attempts", e.token, nil, &e.attempt)
		return err
	}); err != nil {
		return err
	}
	fmt.Printf("prepare: %d attempts started in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))

	var (
		mu        sync.Mutex
		latencies []time.Duration
		saves     atomic.Int64
		errs      atomic.Int64
		wg        sync.WaitGroup
	)
	runStart := time.Now()
	end := runStart.Add(cfg.duration)
	for _, e := range people {
		wg.Add(1)
		go func(e *examinee) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(len(e.phone)), uint64(time.Now().UnixNano())))
			next := runStart.Add(time.Duration(rng.Int64N(int64(cfg.every))))
			var seq int64
			for i := 0; ; i++ {
				if next.After(end) {
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Until(next)):
				}
				next = next.Add(cfg.every)
				q := e.attempt.Questions[i%len(e.attempt.Questions)]
				seq++
				var out struct {
					Saved bool  `json:"saved"`
					Seq   int64 `json:"seq"`
				}
				t0 := time.Now()
				_, err := c.call(ctx, "PUT", "/api/v1/attempts/"+e.attempt.ID+"/answers/"+q.ID, e.token, map[string]any{"answer": randomAnswer(rng, q), "seq": seq}, &out)
				d := time.Since(t0)
				if err != nil || !out.Saved {
					errs.Add(1)
					continue
				}
				saves.Add(1)
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
				e.acked[q.ID] = max(e.acked[q.ID], out.Seq)
			}
		}(e)
	}
	wg.Wait()
	elapsed := time.Since(runStart)
	fmt.Printf("run: %d saves in %s\n", saves.Load(), elapsed.Round(time.Millisecond))

	start = time.Now()
	var lost atomic.Int64
	if err := parallel(ctx, 32, people, func(e *examinee) error {
		if _, err := c.call(ctx, "POST", "/api/v1/attempts/"+e.attempt.ID+"/submit", e.token, nil, nil); err != nil {
			errs.Add(1)
			return nil
		}
		var fin struct {
			Seqs map[string]int64 `json:"seqs"`
		}
		if _, err := c.call(ctx, "GET", "/api/v1/attempts/"+e.attempt.ID, e.token, nil, &fin); err != nil {
			errs.Add(1)
			return nil
		}
		for q, s := range e.acked {
			if fin.Seqs[q] < s {
				lost.Add(1)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	fmt.Printf("submit: %d attempts submitted and read back in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))

	slices.Sort(latencies)
	pct := func(p float64) string {
		if len(latencies) == 0 {
			return "0"
		}
		i := min(len(latencies)-1, int(float64(len(latencies))*p))
		return fmt.Sprintf("%.1f", float64(latencies[i].Microseconds())/1000)
	}
	fmt.Printf("exam: examinees=%d saves=%d rate=%.1f/s p50=%sms p95=%sms p99=%sms errors=%d lost=%d\n",
		cfg.n, saves.Load(), float64(saves.Load())/elapsed.Seconds(), pct(0.50), pct(0.95), pct(0.99), errs.Load(), lost.Load())
	return nil
}

func randomAnswer(rng *rand.Rand, q question) any {
	keys := make([]string, len(q.Options))
	for i, o := range q.Options {
		keys[i] = o.Key
	}
	switch q.Type {
	case "single", "truefalse":
		return keys[rng.IntN(len(keys))]
	case "multiple":
		var out []string
		for _, k := range keys {
			if rng.IntN(2) == 0 {
				out = append(out, k)
			}
		}
		if out == nil {
			out = keys[:1]
		}
		return out
	}
	out := make([]string, max(1, q.Blanks))
	for i := range out {
		out[i] = fmt.Sprintf("答案%d", rng.IntN(100))
	}
	return out
}

// importRoster imports the examinees and returns how many accounts it created.
func importRoster(ctx context.Context, c *client, token string, csv []byte) (int, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("password", initialPassword)
	fw, _ := w.CreateFormFile("file", "examinees.csv")
	_, _ = fw.Write(csv)
	_ = w.Close()
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/api/v1/roster/import", &body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("roster import: %d %s", resp.StatusCode, data)
	}
	var out struct {
		Created int `json:"created"`
	}
	err = json.Unmarshal(data, &out)
	return out.Created, err
}

// signIn signs an examinee in, changing the issued password on the first run
// (a failed sign-in counts against the address, so each password is tried
// only where it is the right one).
func signIn(ctx context.Context, c *client, e *examinee, fresh bool) error {
	if !fresh {
		token, err := c.login(ctx, e.phone, examineePass)
		e.token = token
		return err
	}
	token, err := c.login(ctx, e.phone, initialPassword)
	if err != nil {
		return fmt.Errorf("sign in %s: %w", e.phone, err)
	}
	var out loginAnswer
	if _, err := c.call(ctx, "POST", "/api/v1/auth/password", token, map[string]string{"current": initialPassword, "new": examineePass}, &out); err != nil {
		return fmt.Errorf("change password of %s: %w", e.phone, err)
	}
	e.token = out.Token
	return nil
}

// parallel runs fn for every examinee with at most n at once and returns the first error.
func parallel(ctx context.Context, n int, people []*examinee, fn func(*examinee) error) error {
	var wg sync.WaitGroup
	var first error
	var once sync.Once
	sem := make(chan struct{}, n)
	for _, e := range people {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(e *examinee) {
			defer func() { <-sem; wg.Done() }()
			if err := fn(e); err != nil {
				once.Do(func() { first = err })
			}
		}(e)
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		return errors.New("interrupted")
	}
	return first
}
