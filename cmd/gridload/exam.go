package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// examRun is one exam scenario in progress: what every examinee saw.
type examRun struct {
	cfg    config
	c      *client
	examID string

	starts, resumes, saves, submits recorder
	requests                        recorder // every request, for the slowest second

	errs, fiveXX, shed, lost, savesOK atomic.Int64
}

// sample is one timed request.
type sample struct {
	at time.Time // when it was sent
	d  time.Duration
}

// recorder keeps the latencies of one kind of request.
type recorder struct {
	mu sync.Mutex
	s  []sample
}

func (r *recorder) add(at time.Time, d time.Duration) {
	r.mu.Lock()
	r.s = append(r.s, sample{at, d})
	r.mu.Unlock()
}

func (r *recorder) durations() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]time.Duration, len(r.s))
	for i, s := range r.s {
		out[i] = s.d
	}
	return out
}

// line reports count and percentiles, e.g. "n=2000 p50=3.1ms p95=40.2ms p99=120.0ms max=300.1ms".
func (r *recorder) line() string {
	ds := r.durations()
	if len(ds) == 0 {
		return "n=0"
	}
	return fmt.Sprintf("n=%d p50=%sms p95=%sms p99=%sms max=%sms", len(ds), pct(ds, 0.50), pct(ds, 0.95), pct(ds, 0.99), pct(ds, 1))
}

// slowestSecond finds the second (by when requests were sent) whose p99 was
// highest, among seconds with at least 5 requests.
func (r *recorder) slowestSecond(since time.Time) string {
	r.mu.Lock()
	by := map[int64][]time.Duration{}
	for _, s := range r.s {
		sec := int64(s.at.Sub(since) / time.Second)
		by[sec] = append(by[sec], s.d)
	}
	r.mu.Unlock()
	best, ds, ok := slowestSecond(by)
	if !ok {
		return "none (no second had 5 requests)"
	}
	return fmt.Sprintf("+%ds after the run began (%s): requests=%d p50=%sms p99=%sms max=%sms", best, since.Add(time.Duration(best)*time.Second).Format("15:04:05"),
		len(ds), pct(ds, 0.5), pct(ds, 0.99), pct(ds, 1))
}

// callTimed sends one request, honouring 503 with Retry-After until giveUp,
// and records each request and the whole (first try to answer) into rec.
func (r *examRun) callTimed(ctx context.Context, rec *recorder, method, path, token string, body, out any, giveUp time.Time) error {
	first := time.Now()
	for {
		t0 := time.Now()
		code, after, err := r.c.send(ctx, method, path, token, body, out)
		r.requests.add(t0, time.Since(t0))
		if code >= 500 {
			r.fiveXX.Add(1)
		}
		if code == http.StatusServiceUnavailable && after > 0 && time.Now().Add(after).Before(giveUp) {
			r.shed.Add(1)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(after + time.Duration(rand.Int64N(int64(after/2)+1))):
			}
			continue
		}
		if err == nil && rec != nil {
			rec.add(first, time.Since(first))
		}
		return err
	}
}

// send is one request; it returns the status, the Retry-After of a 503 and
// an error for any status from 300 on.
func (c *client) send(ctx context.Context, method, path, token string, body, out any) (int, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var after time.Duration
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		after = time.Duration(secs) * time.Second
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, after, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, 0, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, 0, nil
}

func runExam(ctx context.Context, cfg config) error {
	c := newClient(cfg.target, cfg.n)
	people, err := prepareExaminees(ctx, c, cfg)
	if err != nil {
		return err
	}
	r := &examRun{cfg: cfg, c: c}
	admin, err := c.login(ctx, cfg.admin, cfg.password)
	if err != nil {
		return fmt.Errorf("sign in as the admin: %w", err)
	}
	now := time.Now().UTC()
	saveEnd := now.Add(cfg.startWithin + cfg.duration)
	closes := saveEnd.Add(time.Hour)
	if cfg.atClose {
		closes = saveEnd
	}
	var exam struct {
		ID string `json:"id"`
	}
	_, err = c.call(ctx, "POST", "/api/v1/exams", admin, map[string]any{
		"title": "压测考试 " + now.Format("01-02 15:04:05"), "unitIds": []string{"unit-s1"},
		"opensAt": now.Add(-time.Minute), "closesAt": closes, "durationSec": int((cfg.startWithin + cfg.duration + 10*time.Minute).Seconds()),
		"passMark": 60, "maxAttempts": 1, "counts": "highest", "review": "after_submit", "shuffle": true,
		"rules": []map[string]any{{"tag": "", "count": 20}},
	}, &exam)
	if err != nil {
		return fmt.Errorf("create the exam: %w", err)
	}
	r.examID = exam.ID
	fmt.Printf("model: examinees=%d start-within=%s every=%s jitter=±%.0f%% switch=%.0f%% duration=%s submit=%s\n", cfg.n, cfg.startWithin, cfg.every,
		cfg.jitter*100, cfg.switchShare*100, cfg.duration, r.submitModel())

	runStart := time.Now()
	fmt.Printf("run: began %s; the server's view of the run: gridload logstats -log <server log> -since %s\n",
		runStart.UTC().Format(time.RFC3339), runStart.UTC().Truncate(time.Second).Format(time.RFC3339))
	var wg sync.WaitGroup
	for i, e := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(runStart.UnixNano())))
			r.sit(ctx, rng, e, runStart, saveEnd)
		}()
	}
	wg.Wait()
	fmt.Printf("run: %d started, %d saves in %s\n", len(r.starts.durations()), r.savesOK.Load(), time.Since(runStart).Round(time.Millisecond))

	submitStart := time.Now()
	if !cfg.atClose {
		r.submitAll(ctx, people, saveEnd)
	}
	finishedAfter, finishedMedian := r.readBack(ctx, people)
	ref, what := submitStart, "the first submit"
	if cfg.atClose {
		ref, what = saveEnd, "the window closed"
	}
	r.report(runStart, ref, what, finishedAfter, finishedMedian)
	return nil
}

func (r *examRun) submitModel() string {
	switch {
	case r.cfg.atClose:
		return "none (the window closes)"
	case r.cfg.submitWithin > 0:
		return "each within " + r.cfg.submitWithin.String()
	case r.cfg.submitParallel <= 0:
		return "all at once"
	}
	return fmt.Sprintf("%d at a time", r.cfg.submitParallel)
}

// prepareExaminees imports and signs in the examinees.
func prepareExaminees(ctx context.Context, c *client, cfg config) ([]*examinee, error) {
	admin, err := c.login(ctx, cfg.admin, cfg.password)
	if err != nil {
		return nil, fmt.Errorf("sign in as the admin: %w", err)
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
		return nil, err
	}
	fmt.Printf("prepare: imported %d examinees in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := parallel(ctx, cfg.signins, people, func(e *examinee) error { return signIn(ctx, c, e, created == cfg.n) }); err != nil {
		return nil, err
	}
	fmt.Printf("prepare: signed in %d examinees in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))
	return people, nil
}

// sit is one examinee's exam until saving ends: start, saves, perhaps a
// change of phone.
func (r *examRun) sit(ctx context.Context, rng *rand.Rand, e *examinee, runStart, saveEnd time.Time) {
	if r.cfg.startWithin > 0 && !sleepUntil(ctx, runStart.Add(time.Duration(rng.Int64N(int64(r.cfg.startWithin))))) {
		return
	}
	giveUp := time.Now().Add(5 * time.Minute)
	if err := r.callTimed(ctx, &r.starts, "POST", "/api/v1/exams/"+r.examID+"/attempts", e.token, nil, &e.attempt, giveUp); err != nil {
		r.errs.Add(1)
		return
	}
	switchAt := time.Time{}
	if rng.Float64() < r.cfg.switchShare {
		switchAt = time.Now().Add(time.Duration(rng.Int64N(int64(max(time.Second, time.Until(saveEnd))))))
	}
	var seq int64
	for _, s := range e.attempt.Seqs {
		seq = max(seq, s)
	}
	next := time.Now().Add(time.Duration(rng.Int64N(int64(r.cfg.every))))
	for i := 0; next.Before(saveEnd); i++ {
		if !switchAt.IsZero() && !switchAt.After(next) {
			if !sleepUntil(ctx, switchAt) {
				return
			}
			seq = max(seq, r.changePhone(ctx, e))
			switchAt = time.Time{}
		}
		if !sleepUntil(ctx, next) {
			return
		}
		next = next.Add(r.interval(rng))
		q := e.attempt.Questions[i%len(e.attempt.Questions)]
		seq++
		var out struct {
			Saved bool  `json:"saved"`
			Seq   int64 `json:"seq"`
		}
		err := r.callTimed(ctx, &r.saves, "PUT", "/api/v1/attempts/"+e.attempt.ID+"/answers/"+q.ID, e.token, map[string]any{"answer": randomAnswer(rng, q), "seq": seq}, &out, saveEnd)
		if err != nil || !out.Saved {
			r.errs.Add(1)
			continue
		}
		r.savesOK.Add(1)
		e.acked[q.ID] = max(e.acked[q.ID], out.Seq)
		seq = max(seq, out.Seq)
	}
}

// interval is the time to the next save: -every, ±-jitter of it.
func (r *examRun) interval(rng *rand.Rand) time.Duration {
	f := 1 + r.cfg.jitter*(2*rng.Float64()-1)
	return max(100*time.Millisecond, time.Duration(float64(r.cfg.every)*f))
}

// changePhone signs the examinee in again, as on a second phone, and resumes
// the attempt there; it returns the highest seq the server holds.
func (r *examRun) changePhone(ctx context.Context, e *examinee) int64 {
	token, err := r.c.login(ctx, e.phone, examineePass)
	if err != nil {
		r.errs.Add(1)
		return 0
	}
	var resumed attempt
	if err := r.callTimed(ctx, &r.resumes, "GET", "/api/v1/attempts/"+e.attempt.ID, token, nil, &resumed, time.Now().Add(time.Minute)); err != nil {
		r.errs.Add(1)
		return 0
	}
	e.token = token
	var seq int64
	for _, s := range resumed.Seqs {
		seq = max(seq, s)
	}
	return seq
}

// submitAll submits every started attempt as the model says.
func (r *examRun) submitAll(ctx context.Context, people []*examinee, saveEnd time.Time) {
	submit := func(e *examinee) error {
		if e.attempt.ID == "" {
			return nil
		}
		if err := r.callTimed(ctx, &r.submits, "POST", "/api/v1/attempts/"+e.attempt.ID+"/submit", e.token, nil, nil, time.Now().Add(5*time.Minute)); err != nil {
			r.errs.Add(1)
		}
		return nil
	}
	n := r.cfg.submitParallel
	if r.cfg.submitWithin > 0 || n <= 0 {
		n = len(people)
	}
	base := time.Now()
	_ = parallel(ctx, n, people, func(e *examinee) error {
		if r.cfg.submitWithin > 0 && !sleepUntil(ctx, base.Add(time.Duration(rand.Int64N(int64(r.cfg.submitWithin))))) {
			return nil
		}
		return submit(e)
	})
	fmt.Printf("submit: %d submits answered in %s\n", len(r.submits.durations()), time.Since(base).Round(time.Millisecond))
}

// readBack reads every attempt until it is finished (15 minutes at most),
// counts lost saves, and returns when the last and the median attempt were
// first seen finished.
func (r *examRun) readBack(ctx context.Context, people []*examinee) (last, median time.Time) {
	seen := make([]time.Time, len(people))
	deadline := time.Now().Add(15 * time.Minute)
	for round := 0; time.Now().Before(deadline); round++ {
		var left atomic.Int64
		idx := map[*examinee]int{}
		for i, e := range people {
			idx[e] = i
		}
		_ = parallel(ctx, 32, people, func(e *examinee) error {
			i := idx[e]
			if e.attempt.ID == "" || !seen[i].IsZero() {
				return nil
			}
			var fin struct {
				State string           `json:"state"`
				Seqs  map[string]int64 `json:"seqs"`
			}
			if _, err := r.c.call(ctx, "GET", "/api/v1/attempts/"+e.attempt.ID, e.token, nil, &fin); err != nil || fin.State != "finished" {
				left.Add(1)
				return nil
			}
			seen[i] = time.Now()
			for q, s := range e.acked {
				if fin.Seqs[q] < s {
					r.lost.Add(1)
				}
			}
			return nil
		})
		if left.Load() == 0 || ctx.Err() != nil {
			break
		}
		if round%10 == 0 {
			fmt.Printf("read back: %d attempts not finished yet\n", left.Load())
		}
		time.Sleep(time.Second)
	}
	var times []time.Time
	for _, t := range seen {
		if !t.IsZero() {
			times = append(times, t)
		}
	}
	if len(times) < len(people) {
		fmt.Printf("read back: %d of %d attempts never seen finished\n", len(people)-len(times), len(people))
	}
	if len(times) == 0 {
		return time.Time{}, time.Time{}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	return times[len(times)-1], times[len(times)/2]
}

func (r *examRun) report(runStart, ref time.Time, what string, last, median time.Time) {
	fmt.Println("--- client side (the server's own: gridload logstats -log <its log>) ---")
	fmt.Println("start:  ", r.starts.line())
	fmt.Println("resume: ", r.resumes.line(), "(phone changes: sign in again, GET the attempt)")
	fmt.Println("save:   ", r.saves.line())
	fmt.Println("submit: ", r.submits.line(), "(first request to answer, 503 retries included)")
	fmt.Printf("answers: 5xx=%d (of which 503 shed=%d, each retried after Retry-After) errors=%d lost=%d\n", r.fiveXX.Load(), r.shed.Load(), r.errs.Load(), r.lost.Load())
	if !last.IsZero() {
		fmt.Printf("finished: every attempt finished (read back) %s after %s; the median %s\n",
			last.Sub(ref).Round(100*time.Millisecond), what, median.Sub(ref).Round(100*time.Millisecond))
	}
	fmt.Println("slowest second:", r.requests.slowestSecond(runStart))
	ds := r.saves.durations()
	elapsed := r.cfg.startWithin + r.cfg.duration
	fmt.Printf("exam: examinees=%d saves=%d rate=%.1f/s p50=%sms p95=%sms p99=%sms errors=%d lost=%d\n",
		r.cfg.n, r.savesOK.Load(), float64(r.savesOK.Load())/elapsed.Seconds(), pct(ds, 0.50), pct(ds, 0.95), pct(ds, 0.99), r.errs.Load(), r.lost.Load())
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(t)):
		return true
	}
}
