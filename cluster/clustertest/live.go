package clustertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// LiveRun says how to run one live round through the cluster.
type LiveRun struct {
	// Trial numbers the run (in the contest's title); every run of a
	// cluster has the same phones, each time in a new contest.
	Trial  int
	Phones int
	// Spread is how long the phones take to answer the question; the kill
	// comes half-way through it.
	Spread time.Duration
}

// LiveFigures is what one live round saw.
type LiveFigures struct {
	Phones    int
	Killed    string
	Held      bool
	NewHolder string
	// Takeover runs from the kill to the host's resume being accepted by
	// another instance; Paused says the round was found paused there.
	Takeover time.Duration
	Paused   bool
	// Answers sent (each phone answers once, retrying until acknowledged),
	// acknowledged, and acknowledged but not stored; Twice counts answers
	// stored more than once.
	Answers, Acked, Lost, Twice int
	// Failed answer requests (no answer, 5xx or 409 while paused) after the kill.
	FailedDuringTakeover int
	// Reconnects counts event streams opened again after they dropped;
	// SawResults the phones whose stream showed the question's results
	// within 10 s of the host's close.
	Reconnects, SawResults int
}

func (f LiveFigures) String() string {
	return fmt.Sprintf("live: phones=%d killed=%s held=%v new_holder=%s takeover=%s paused=%v answers=%d acked=%d lost=%d twice=%d failed_during_takeover=%d reconnects=%d saw_results=%d",
		f.Phones, f.Killed, f.Held, f.NewHolder, f.Takeover.Round(time.Millisecond), f.Paused, f.Answers, f.Acked, f.Lost, f.Twice, f.FailedDuringTakeover, f.Reconnects, f.SawResults)
}

// RunLive prepares the phones and a contest with a speed round, opens a
// question, SIGKILLs the round's owner while the phones answer, has the host
// resume it through the front until another instance does, lets every phone
// finish answering, and checks the stored answers. The killed instance is
// started again before it returns.
func (c *Cluster) RunLive(ctx context.Context, run LiveRun) (LiveFigures, error) {
	f := LiveFigures{Phones: run.Phones}
	admin, err := c.login(ctx, c.Front, DemoAdmin, DemoPassword)
	if err != nil {
		return f, err
	}
	people, community, err := c.people(ctx, admin, "集群决赛社区", "136", run.Phones)
	if err != nil {
		return f, err
	}
	var ct struct {
		ID     string `json:"id"`
		Rounds []struct {
			ID string `json:"id"`
		} `json:"rounds"`
	}
	if err := c.must(ctx, "POST", "/api/v1/contests", admin, map[string]any{"title": fmt.Sprintf("集群大比武 %d %s", run.Trial, time.Now().Format("15:04:05"))}, &ct); err != nil {
		return f, err
	}
	base := "/api/v1/contests/" + ct.ID
	if err := c.must(ctx, "POST", base+"/participants", admin, map[string]any{"units": []string{community}}, nil); err != nil {
		return f, err
	}
	if err := c.must(ctx, "POST", base+"/rounds", admin, map[string]any{"title": "必答题", "kind": "speed"}, &ct); err != nil {
		return f, err
	}
	round := ct.Rounds[0].ID
	q := map[string]any{"stem": "集群测试：发现电信网络诈骗线索，网格员首先应当怎么做？", "type": "single", "points": 1000, "limitSec": 120, "correct": []string{"A"},
		"options": []map[string]string{{"key": "A", "text": "立即报告并劝阻"}, {"key": "B", "text": "不予理会"}}}
	if err := c.must(ctx, "POST", base+"/rounds/"+round+"/questions", admin, q, nil); err != nil {
		return f, err
	}
	live := "/api/v1/live/" + ct.ID
	for _, p := range people {
		if err := c.must(ctx, "POST", live+"/join", p.token, nil, nil); err != nil {
			return f, err
		}
	}
	host := func(action string) reply {
		return c.call(ctx, "POST", c.Front+live+"/host", admin, map[string]string{"action": action, "round": round}, nil)
	}

	// Every phone on the event stream; an "open" frame of the question sets
	// it answering (once; a retry repeats the same answer).
	streams, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	var connected, reconnects atomic.Int64
	opened := make([]chan struct{}, len(people))
	var results atomic.Int64
	var wg sync.WaitGroup
	for i, p := range people {
		opened[i] = make(chan struct{})
		wg.Add(1)
		go func(p *person, open chan struct{}) {
			defer wg.Done()
			c.stream(streams, ct.ID, p, open, &connected, &reconnects, &results)
		}(p, opened[i])
	}
	for deadline := time.Now().Add(time.Minute); connected.Load() < int64(len(people)); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			return f, fmt.Errorf("%d of %d phones on the event stream", connected.Load(), len(people))
		}
	}
	if err := c.must(ctx, "POST", live+"/host", admin, map[string]string{"action": "start", "round": round}, nil); err != nil {
		return f, err
	}
	if err := c.must(ctx, "POST", live+"/host", admin, map[string]string{"action": "next", "round": round}, nil); err != nil {
		return f, err
	}

	var killedAt atomic.Int64
	var answers, failed atomic.Int64
	acked := make([]atomic.Bool, len(people))
	answerEnd := time.Now().Add(run.Spread + 30*time.Second)
	var answering sync.WaitGroup
	for i, p := range people {
		answering.Add(1)
		go func(i int, p *person) {
			defer answering.Done()
			select {
			case <-opened[i]:
			case <-time.After(run.Spread + 20*time.Second):
				return
			}
			time.Sleep(time.Duration(rand.Int64N(int64(run.Spread))))
			answers.Add(1)
			for time.Now().Before(answerEnd) && ctx.Err() == nil {
				r := c.call(ctx, "POST", c.Front+live+"/answer", p.token, map[string]any{"item": 0, "answer": []string{"A"}}, nil)
				if r.ok() {
					acked[i].Store(true)
					return
				}
				if killedAt.Load() != 0 {
					failed.Add(1)
				}
				time.Sleep(max(r.after, 300*time.Millisecond))
			}
		}(i, p)
	}

	time.Sleep(run.Spread / 2)
	victim, held, err := c.Owner(ctx, "round:"+ct.ID)
	if err != nil {
		return f, err
	}
	f.Killed, f.Held = victim.Name, held
	if err := c.Kill(victim); err != nil {
		return f, err
	}
	at := time.Now()
	killedAt.Store(at.UnixNano())
	// The host's next action, on another instance, finds the round paused and resumes it.
	for time.Since(at) < 30*time.Second {
		r := host("resume")
		if r.ok() {
			f.Takeover, f.Paused = time.Since(at), true
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if l, err := c.Lease(ctx, "round:"+ct.ID); err == nil {
		f.NewHolder = l.Holder
	}
	answering.Wait()
	if err := c.must(ctx, "POST", live+"/host", admin, map[string]string{"action": "close", "round": round}, nil); err != nil {
		return f, err
	}
	for deadline := time.Now().Add(10 * time.Second); results.Load() < int64(len(people)) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	f.SawResults = int(results.Load())
	if err := c.must(ctx, "POST", live+"/host", admin, map[string]string{"action": "finish", "round": round}, nil); err != nil {
		return f, err
	}
	stopStreams()
	wg.Wait()
	f.Answers, f.FailedDuringTakeover, f.Reconnects = int(answers.Load()), int(failed.Load()), int(reconnects.Load())

	var stored struct {
		Answers []struct {
			Worker string `json:"worker"`
			Item   int    `json:"item"`
		} `json:"answers"`
	}
	if err := c.must(ctx, "GET", base+"/rounds/"+round+"/answers", admin, nil, &stored); err != nil {
		return f, err
	}
	count := map[string]int{}
	for _, a := range stored.Answers {
		if a.Item == 0 {
			count[a.Worker]++
		}
	}
	for i, p := range people {
		if !acked[i].Load() {
			continue
		}
		f.Acked++
		switch n := count[p.id]; {
		case n == 0:
			f.Lost++
		case n > 1:
			f.Twice++
		}
	}
	return f, c.Restart(ctx, victim)
}

// stream is one phone's event stream through the front, opened again
// whenever it drops; open is closed at the first frame showing question 0
// open, and results counts the phone once it shows question 0's results.
func (c *Cluster) stream(ctx context.Context, contest string, p *person, open chan struct{}, connected, reconnects, results *atomic.Int64) {
	first, isOpen, sawResults := true, false, false
	h := &http.Client{Transport: c.http.Transport}
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", c.Front+"/live/"+contest+"/events", nil)
		req.Header.Set("Authorization", "Bearer "+p.token)
		req.Header.Set("Accept", "text/event-stream")
		resp, err := h.Do(req)
		if err != nil || resp.StatusCode != 200 {
			if resp != nil {
				resp.Body.Close()
			}
			time.Sleep(500 * time.Millisecond)
			continue
		}
		if !first {
			reconnects.Add(1)
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if !bytes.HasPrefix(line, []byte("data: ")) {
				continue
			}
			if first {
				first = false
				connected.Add(1)
			}
			var fr struct {
				S struct {
					Phase string `json:"phase"`
					Item  int    `json:"item"`
				} `json:"s"`
			}
			if json.Unmarshal(line[6:], &fr) != nil || fr.S.Item != 0 {
				continue
			}
			if !isOpen && fr.S.Phase == "open" {
				isOpen = true
				close(open)
			}
			if !sawResults && fr.S.Phase == "results" {
				sawResults = true
				results.Add(1)
			}
		}
		resp.Body.Close()
		if ctx.Err() == nil {
			time.Sleep(200 * time.Millisecond)
		}
	}
}
