package main

// The live scenario: N phones play a live speed round driven through the
// host API.
//
//	go run ./cmd/gridload live -target http://127.0.0.1:8080 -n 1000 -questions 5
//
// against a server started with `go run ./cmd/gridskill -data <fresh dir>`
// (the demo district loaded). It prepares what it needs through the API:
//
//  1. it signs in as the demo district admin (13900000001);
//  2. it imports N players (东湖街道 / 决赛压测社区 / 决赛网格NN, phones
//     1360000xxxx) with one roster import, signs each in and changes the
//     issued password (a rerun signs in with the changed one);
//  3. it creates a contest whose participants are 决赛压测社区's workers, with
//     one live speed round of -questions typed-in questions.
//
// Then every player joins and opens the event stream
// (GET /live/{contest}/events, Bearer), the host starts the round, and for
// each question: the host opens it, every phone answers at a random moment
// within -spread of the options reaching it (echoing the server's time, so
// the server can take its delay off), the host closes it once all answers
// are acknowledged (or at the deadline), and each phone waits for the
// results. Afterwards the stored answers are read back
// (GET /api/v1/contests/{id}/rounds/{round}/answers) and every acknowledged
// answer missing there is lost. The last line is
//
//	live: players=N answers=A acked=K p50=Xms p95=Yms p99=Zms fanout_p99=Fms errors=E lost=L
//
// p50–p99 are the answer acknowledgement times; fanout is from a question's
// close (the server's closedAt) to the results event reaching each phone.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type liveConfig struct {
	target, admin, password string
	n, questions, signins   int
	spread                  time.Duration
	limit                   int
}

func runLive(args []string) error {
	fs := flag.NewFlagSet("gridload live", flag.ExitOnError)
	cfg := liveConfig{}
	fs.StringVar(&cfg.target, "target", "http://127.0.0.1:8080", "base URL of the server")
	fs.IntVar(&cfg.n, "n", 1000, "phones")
	fs.IntVar(&cfg.questions, "questions", 5, "questions in the speed round")
	fs.DurationVar(&cfg.spread, "spread", 2*time.Second, "phones answer at a random moment within this time of the options")
	fs.IntVar(&cfg.limit, "limit", 10, "seconds to answer each question")
	fs.StringVar(&cfg.admin, "admin", "13900000001", "phone of the district admin who hosts")
	fs.StringVar(&cfg.password, "password", "Demo@2026", "the admin's password")
	fs.IntVar(&cfg.signins, "signin-workers", 8, "parallel sign-ins while preparing")
	_ = fs.Parse(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return playLive(ctx, cfg)
}

// frame is what the load generator reads of a live event.
type frame struct {
	Now int64 `json:"now"`
	S   struct {
		Phase    string `json:"phase"`
		Item     int    `json:"item"`
		ClosedAt int64  `json:"closedAt"`
		Q        *struct {
			Options []struct {
				Key string `json:"key"`
			} `json:"options"`
		} `json:"q"`
	} `json:"s"`
	Me *struct {
		Answer []string `json:"answer"`
	} `json:"me"`
}

type phone struct {
	examinee
	mu      sync.Mutex
	acked   map[int]string // item → acknowledged answer key
	seenRes map[int]bool
	opened  map[int]bool
}

type liveRun struct {
	cfg       liveConfig
	c         *client
	contestID string
	roundID   string

	mu         sync.Mutex
	latencies  []time.Duration
	fanouts    []time.Duration
	answers    atomic.Int64
	ackedN     atomic.Int64
	errs       atomic.Int64
	connected  atomic.Int64
	ackedItem  []atomic.Int64
	resultItem []atomic.Int64
	errSample  atomic.Value
}

func playLive(ctx context.Context, cfg liveConfig) error {
	c := newClient(cfg.target, cfg.n)
	admin, err := c.login(ctx, cfg.admin, cfg.password)
	if err != nil {
		return fmt.Errorf("sign in as the admin: %w", err)
	}
	phones := make([]*phone, cfg.n)
	people := make([]*examinee, cfg.n)
	var roster bytes.Buffer
	roster.WriteString("姓名,手机号,街道,社区,网格,角色\n")
	for i := range phones {
		phones[i] = &phone{examinee: examinee{phone: fmt.Sprintf("1360%07d", i+1)}, acked: map[int]string{}, seenRes: map[int]bool{}, opened: map[int]bool{}}
		people[i] = &phones[i].examinee
		fmt.Fprintf(&roster, "选手%d,%s,东湖街道,决赛压测社区,决赛网格%02d,网格员\n", i+1, phones[i].phone, i/200+1)
	}
	start := time.Now()
	created, err := importRoster(ctx, c, admin, roster.Bytes())
	if err != nil {
		return err
	}
	fmt.Printf("prepare: imported %d players in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := parallel(ctx, cfg.signins, people, func(e *examinee) error { return signIn(ctx, c, e, created == cfg.n) }); err != nil {
		return err
	}
	fmt.Printf("prepare: signed in %d players in %s\n", cfg.n, time.Since(start).Round(time.Millisecond))

	run := &liveRun{cfg: cfg, c: c, ackedItem: make([]atomic.Int64, cfg.questions), resultItem: make([]atomic.Int64, cfg.questions)}
	if err := run.prepareContest(ctx, admin); err != nil {
		return err
	}
	if err := parallel(ctx, 32, people, func(e *examinee) error {
		_, err := c.call(ctx, "POST", "/api/v1/live/"+run.contestID+"/join", e.token, nil, nil)
		return err
	}); err != nil {
		return err
	}

	streamCtx, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	sse := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.n + 10, DisableCompression: true}}
	var wg sync.WaitGroup
	for _, p := range phones {
		wg.Add(1)
		go func(p *phone) {
			defer wg.Done()
			run.stream(streamCtx, sse, p)
		}(p)
	}
	for run.connected.Load() < int64(cfg.n) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("prepare: %d phones on the event stream\n", cfg.n)

	host := func(action string) error {
		_, err := c.call(ctx, "POST", "/api/v1/live/"+run.contestID+"/host", admin, map[string]string{"action": action, "round": run.roundID}, nil)
		return err
	}
	if err := host("start"); err != nil {
		return err
	}
	runStart := time.Now()
	for q := range cfg.questions {
		if err := host("next"); err != nil {
			return err
		}
		deadline := time.Now().Add(time.Duration(cfg.limit) * time.Second)
		for run.ackedItem[q].Load() < int64(cfg.n) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if err := host("close"); err != nil && !strings.Contains(err.Error(), "409") {
			return err
		}
		wait := time.Now().Add(10 * time.Second)
		for run.resultItem[q].Load() < int64(cfg.n) && time.Now().Before(wait) {
			time.Sleep(20 * time.Millisecond)
		}
		fmt.Printf("question %d: %d answers acknowledged, %d phones saw the results\n", q+1, run.ackedItem[q].Load(), run.resultItem[q].Load())
	}
	if err := host("finish"); err != nil {
		return err
	}
	fmt.Printf("run: %d questions in %s\n", cfg.questions, time.Since(runStart).Round(time.Millisecond))
	stopStreams()
	wg.Wait()

	var stored struct {
		Answers []struct {
			Worker string   `json:"worker"`
			Item   int      `json:"item"`
			Answer []string `json:"answer"`
		} `json:"answers"`
	}
	if _, err := c.call(ctx, "GET", "/api/v1/contests/"+run.contestID+"/rounds/"+run.roundID+"/answers", admin, nil, &stored); err != nil {
		return err
	}
	var me struct {
		ID string `json:"id"`
	}
	byPhone := map[string]map[int]string{}
	for _, p := range phones {
		if _, err := c.call(ctx, "GET", "/api/v1/me", p.token, nil, &me); err != nil {
			return err
		}
		byPhone[me.ID] = p.acked
	}
	found := map[string]bool{}
	for _, a := range stored.Answers {
		if acked, ok := byPhone[a.Worker]; ok && len(a.Answer) == 1 && acked[a.Item] == a.Answer[0] {
			found[fmt.Sprintf("%s:%d", a.Worker, a.Item)] = true
		}
	}
	lost := 0
	for id, acked := range byPhone {
		for item := range acked {
			if !found[fmt.Sprintf("%s:%d", id, item)] {
				lost++
			}
		}
	}
	if e, ok := run.errSample.Load().(string); ok {
		fmt.Println("first error:", e)
	}
	fmt.Printf("live: players=%d answers=%d acked=%d p50=%sms p95=%sms p99=%sms fanout_p99=%sms errors=%d lost=%d\n",
		cfg.n, run.answers.Load(), run.ackedN.Load(), pct(run.latencies, 0.50), pct(run.latencies, 0.95), pct(run.latencies, 0.99),
		pct(run.fanouts, 0.99), run.errs.Load(), lost)
	return nil
}

func pct(ds []time.Duration, p float64) string {
	if len(ds) == 0 {
		return "0"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, int(float64(len(s))*p))
	return fmt.Sprintf("%.1f", float64(s[i].Microseconds())/1000)
}

// prepareContest creates the contest, its participants and the speed round.
func (r *liveRun) prepareContest(ctx context.Context, admin string) error {
	var tree unitTree
	if _, err := r.c.call(ctx, "GET", "/api/v1/units", admin, nil, &tree); err != nil {
		return err
	}
	community := tree.find("决赛压测社区")
	if community == "" {
		return fmt.Errorf("the imported community 决赛压测社区 is not in the admin's tree")
	}
	var ct struct {
		ID     string `json:"id"`
		Rounds []struct {
			ID string `json:"id"`
		} `json:"rounds"`
	}
	title := "压测技能大比武 " + time.Now().Format("01-02 15:04:05")
	if _, err := r.c.call(ctx, "POST", "/api/v1/contests", admin, map[string]any{"title": title, "streak": true}, &ct); err != nil {
		return err
	}
	r.contestID = ct.ID
	if _, err := r.c.call(ctx, "POST", "/api/v1/contests/"+ct.ID+"/participants", admin, map[string]any{"units": []string{community}}, nil); err != nil {
		return err
	}
	if _, err := r.c.call(ctx, "POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, map[string]any{"title": "必答题", "kind": "speed"}, &ct); err != nil {
		return err
	}
	r.roundID = ct.Rounds[0].ID
	for i := range r.cfg.questions {
		q := map[string]any{"stem": fmt.Sprintf("压测第%d题：发现电信网络诈骗线索，网格员首先应当怎么做？", i+1), "type": "single",
			"options": []map[string]string{{"key": "A", "text": "立即报告并劝阻"}, {"key": "B", "text": "不予理会"}, {"key": "C", "text": "转发提醒后不再跟进"}, {"key": "D", "text": "等群众自己报警"}},
			"correct": []string{"A"}, "points": 1000, "limitSec": r.cfg.limit}
		if _, err := r.c.call(ctx, "POST", "/api/v1/contests/"+ct.ID+"/rounds/"+r.roundID+"/questions", admin, q, nil); err != nil {
			return err
		}
	}
	return nil
}

type unitTree struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Children []unitTree `json:"children"`
}

func (t unitTree) find(name string) string {
	if t.Name == name {
		return t.ID
	}
	for _, ch := range t.Children {
		if id := ch.find(name); id != "" {
			return id
		}
	}
	return ""
}

// stream is one phone: it reads the event stream and reacts to each state,
// reconnecting when the stream drops.
func (r *liveRun) stream(ctx context.Context, h *http.Client, p *phone) {
	first := true
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", r.c.base+"/live/"+r.contestID+"/events", nil)
		req.Header.Set("Authorization", "Bearer "+p.token)
		req.Header.Set("Accept", "text/event-stream")
		resp, err := h.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				r.fail("stream: " + err.Error())
				time.Sleep(time.Second)
			}
			continue
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if !bytes.HasPrefix(line, []byte("data: ")) {
				continue
			}
			recv := time.Now()
			var f frame
			if err := json.Unmarshal(line[6:], &f); err != nil {
				r.fail("frame: " + err.Error())
				continue
			}
			if first {
				first = false
				r.connected.Add(1)
			}
			r.react(ctx, p, f, recv)
		}
		resp.Body.Close()
	}
}

func (r *liveRun) react(ctx context.Context, p *phone, f frame, recv time.Time) {
	item := f.S.Item
	if item < 0 || item >= r.cfg.questions {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch f.S.Phase {
	case "open":
		if p.opened[item] || f.S.Q == nil || len(f.S.Q.Options) == 0 {
			return
		}
		p.opened[item] = true
		key := f.S.Q.Options[rand.IntN(len(f.S.Q.Options))].Key
		delay := time.Duration(rand.Int64N(int64(r.cfg.spread)))
		go r.answer(ctx, p, item, key, f.Now, recv, delay)
	case "results":
		if p.seenRes[item] || f.S.ClosedAt == 0 {
			return
		}
		p.seenRes[item] = true
		d := time.Duration(recv.UnixMilli()-f.S.ClosedAt) * time.Millisecond
		r.mu.Lock()
		r.fanouts = append(r.fanouts, d)
		r.mu.Unlock()
		r.resultItem[item].Add(1)
	}
}

func (r *liveRun) answer(ctx context.Context, p *phone, item int, key string, echo int64, recv time.Time, delay time.Duration) {
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return
	}
	r.answers.Add(1)
	body := map[string]any{"item": item, "answer": []string{key}, "echo": echo, "held": time.Since(recv).Milliseconds()}
	t0 := time.Now()
	_, err := r.c.call(ctx, "POST", "/api/v1/live/"+r.contestID+"/answer", p.token, body, nil)
	d := time.Since(t0)
	if err != nil {
		r.fail("answer: " + err.Error())
		return
	}
	r.mu.Lock()
	r.latencies = append(r.latencies, d)
	r.mu.Unlock()
	r.ackedN.Add(1)
	r.ackedItem[item].Add(1)
	p.mu.Lock()
	p.acked[item] = key
	p.mu.Unlock()
}

func (r *liveRun) fail(msg string) {
	r.errs.Add(1)
	r.errSample.CompareAndSwap(nil, msg)
}
