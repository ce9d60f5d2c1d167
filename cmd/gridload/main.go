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
// Then each examinee starts an attempt (all at once, or each at a random
// moment within -start-within), saves an answer every -every (±-jitter of
// it, the first at a random moment within the first period), until
// -duration after the last possible start, and submits: -submit-parallel at
// a time (0: all at once), or each at a random moment within -submit-within.
// A share -switch of the examinees changes phones once mid-exam: signs in
// again and resumes the attempt (GET /api/v1/attempts/{id}) on the new
// token. With -at-close nobody submits: the window closes when saving ends
// and the server's sweeper submits every attempt. A 503 is honoured: the
// examinee waits its Retry-After and tries again.
//
// Afterwards every attempt is read back (GET /api/v1/attempts/{id}) until it
// is finished, and each acknowledged save is checked to be there: an
// acknowledged save whose sequence number is above the stored one is counted
// as lost. The report gives start, resume, save and submit percentiles
// (a submit's time runs from its first request to its answer, retries after
// 503 included), errors, 5xx answers, 503 answers, lost saves, how long after
// the submits (or the window's close) every attempt was finished, and the
// slowest second of the run. The last line is
//
//	exam: examinees=N saves=S rate=R/s p50=Xms p95=Yms p99=Zms errors=E lost=L
//
// (save latencies), as before. The server's own view of the same run comes
// from its access log (one line per request with "ms"):
//
//	go run ./cmd/gridload logstats -log server.log
//
// prints p50/p95/p99 per route and the slowest second.
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
	"strings"
	"sync"
	"time"
)

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "pages" {
		if err := runPages(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "gridload:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "live" {
		if err := runLive(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "gridload:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "cluster" {
		if err := runCluster(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "gridload:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "logstats" {
		if err := runLogStats(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "gridload:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 2 || os.Args[1] != "exam" {
		fmt.Fprintln(os.Stderr, "usage: gridload exam -target URL -n N -every D -duration D [-start-within D -jitter F -switch F -submit-within D | -submit-parallel N | -at-close]")
		fmt.Fprintln(os.Stderr, "       gridload live -target URL -n N -questions Q")
		fmt.Fprintln(os.Stderr, "       gridload cluster -trials 20 -examinees 300 -phones 300 [-nginx]")
		fmt.Fprintln(os.Stderr, "       gridload logstats -log server.log")
		fmt.Fprintln(os.Stderr, "       gridload pages -target URL -n 50")
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
	fs.DurationVar(&cfg.startWithin, "start-within", 0, "each examinee starts at a random moment within this (0: all at once)")
	fs.Float64Var(&cfg.jitter, "jitter", 0, "each save interval varies by up to this share of -every (0.5: ±50 %)")
	fs.Float64Var(&cfg.switchShare, "switch", 0, "share of examinees who change phones once mid-exam (0.05: 5 %)")
	fs.DurationVar(&cfg.submitWithin, "submit-within", 0, "each examinee submits at a random moment within this after saving ends (0: see -submit-parallel)")
	fs.IntVar(&cfg.submitParallel, "submit-parallel", 32, "submits at once when -submit-within is 0 (0: all at once)")
	fs.BoolVar(&cfg.atClose, "at-close", false, "nobody submits: the window closes when saving ends and the server submits every attempt")
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

	startWithin, submitWithin time.Duration
	jitter, switchShare       float64
	submitParallel            int
	atClose                   bool
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
	code, _, err := c.send(ctx, method, path, token, body, out)
	return code, err
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
