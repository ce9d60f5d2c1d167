package clustertest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// ExamRun says how to run one exam through the cluster.
type ExamRun struct {
	// Trial numbers the run (in the exam's title); every run of a cluster
	// has the same examinees, each sitting a new exam.
	Trial int
	// Examinees start an attempt each and save every Every.
	Examinees int
	Every     time.Duration
	// Before the kill and after it, how long everyone saves.
	Before, After time.Duration
}

// ExamFigures is what one exam run saw.
type ExamFigures struct {
	Examinees int
	// Killed is the instance killed, Held whether it held the exam's lease
	// (false: nobody held it, and the instance the balancer chose was killed).
	Killed string
	Held   bool
	// NewHolder is who held the exam's lease after the kill, and Takeover
	// how long after the kill it was seen there.
	NewHolder string
	Takeover  time.Duration
	// Saves sent, acknowledged, and acknowledged but not stored after submit.
	Saves, Acked, Lost int
	// Failed requests (no answer or 5xx) between the kill and each
	// examinee's next acknowledged save.
	FailedDuringTakeover int
	// Resume is, per examinee, from the kill to its first acknowledged save
	// sent after it; NotResumed counts those who never saved again.
	Resume     []time.Duration
	NotResumed int
	// Finished attempts stored for the exam, and examinees with more than one.
	Stored, Twice int
	// Unsubmitted counts examinees whose submit never succeeded.
	Unsubmitted int
}

func (f ExamFigures) String() string {
	return fmt.Sprintf("exam: examinees=%d killed=%s held=%v new_holder=%s takeover=%s saves=%d acked=%d lost=%d failed_during_takeover=%d resume_p50=%s resume_p99=%s not_resumed=%d stored=%d twice=%d unsubmitted=%d",
		f.Examinees, f.Killed, f.Held, f.NewHolder, f.Takeover.Round(time.Millisecond), f.Saves, f.Acked, f.Lost, f.FailedDuringTakeover,
		Percentile(f.Resume, 0.5), Percentile(f.Resume, 0.99), f.NotResumed, f.Stored, f.Twice, f.Unsubmitted)
}

type examinee struct {
	*person
	attempt struct {
		ID        string `json:"id"`
		Questions []struct {
			ID      string `json:"id"`
			Type    string `json:"type"`
			Options []struct {
				Key string `json:"key"`
			} `json:"options"`
		} `json:"questions"`
	}
	acked   map[string]int64
	resumed time.Duration
	failed  int
}

func (e *examinee) answer(i int) any {
	q := e.attempt.Questions[i%len(e.attempt.Questions)]
	switch {
	case q.Type == "blank" || len(q.Options) == 0:
		return []string{fmt.Sprintf("答案%d", i)}
	case q.Type == "multiple":
		return []string{q.Options[i%len(q.Options)].Key}
	}
	return q.Options[i%len(q.Options)].Key
}

// RunExam prepares the examinees and an exam, has them save through the
// front, SIGKILLs the instance that owns the exam mid-way, keeps them saving,
// submits, and checks every acknowledged save against what is stored. The
// killed instance is started again before it returns.
func (c *Cluster) RunExam(ctx context.Context, run ExamRun) (ExamFigures, error) {
	f := ExamFigures{Examinees: run.Examinees}
	admin, err := c.login(ctx, c.Front, DemoAdmin, DemoPassword)
	if err != nil {
		return f, err
	}
	people, _, err := c.people(ctx, admin, "集群考试社区", "137", run.Examinees)
	if err != nil {
		return f, err
	}
	now := time.Now().UTC()
	var exam struct {
		ID string `json:"id"`
	}
	if err := c.must(ctx, "POST", "/api/v1/exams", admin, map[string]any{
		"title": fmt.Sprintf("集群考试 %d %s", run.Trial, now.Format("15:04:05")), "unitIds": []string{"unit-s1"},
		"opensAt": now.Add(-time.Minute), "closesAt": now.Add(2 * time.Hour), "durationSec": 3600,
		"passMark": 60, "maxAttempts": 1, "counts": "highest", "review": "after_submit", "shuffle": true,
		"rules": []map[string]any{{"tag": "", "count": 20}},
	}, &exam); err != nil {
		return f, fmt.Errorf("create the exam: %w", err)
	}
	ex := make([]*examinee, len(people))
	var wg sync.WaitGroup
	errs := make(chan error, len(people))
	for i, p := range people {
		ex[i] = &examinee{person: p, acked: map[string]int64{}, resumed: -1}
		wg.Add(1)
		go func(e *examinee) {
			defer wg.Done()
			if err := c.must(ctx, "POST", "/api/v1/exams/"+exam.ID+"/attempts", e.token, nil, &e.attempt); err != nil {
				errs <- err
			} else if len(e.attempt.Questions) == 0 {
				errs <- fmt.Errorf("attempt %s has no questions", e.attempt.ID)
			}
		}(ex[i])
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return f, fmt.Errorf("start attempts: %w", err)
	}

	var killedAt atomic.Int64 // unix nanoseconds; 0 before the kill
	var saves, acked atomic.Int64
	stop := time.Now().Add(run.Before + run.After)
	for _, e := range ex {
		wg.Add(1)
		go func(e *examinee) {
			defer wg.Done()
			seq := int64(0)
			for i := 0; time.Now().Before(stop) && ctx.Err() == nil; {
				q := e.attempt.Questions[i%len(e.attempt.Questions)]
				seq++
				sent := time.Now()
				var out struct {
					Saved bool  `json:"saved"`
					Seq   int64 `json:"seq"`
				}
				saves.Add(1)
				r := c.call(ctx, "PUT", c.Front+"/api/v1/attempts/"+e.attempt.ID+"/answers/"+q.ID, e.token, map[string]any{"answer": e.answer(i), "seq": seq}, &out)
				k := killedAt.Load()
				if r.ok() && out.Saved {
					acked.Add(1)
					e.acked[q.ID] = max(e.acked[q.ID], out.Seq)
					if k != 0 && e.resumed < 0 && sent.UnixNano() > k {
						e.resumed = time.Since(time.Unix(0, k))
					}
					i++
					time.Sleep(run.Every)
					continue
				}
				if k != 0 && e.resumed < 0 {
					e.failed++
				}
				time.Sleep(max(r.after, 200*time.Millisecond))
			}
		}(e)
	}
	time.Sleep(run.Before)
	victim, held, err := c.Owner(ctx, "exam:"+exam.ID)
	if err != nil {
		return f, err
	}
	f.Killed, f.Held = victim.Name, held
	if err := c.Kill(victim); err != nil {
		return f, err
	}
	at := time.Now()
	killedAt.Store(at.UnixNano())
	// Watch the lease move.
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for time.Now().Before(stop) {
			if l, err := c.Lease(ctx, "exam:"+exam.ID); err == nil && l.Holder != "" && l.Holder != victim.Name && l.Until.After(time.Now()) {
				f.NewHolder, f.Takeover = l.Holder, time.Since(at)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	wg.Wait()
	<-watched
	f.Saves, f.Acked = int(saves.Load()), int(acked.Load())
	for _, e := range ex {
		f.FailedDuringTakeover += e.failed
		if e.resumed < 0 {
			f.NotResumed++
		} else {
			f.Resume = append(f.Resume, e.resumed)
		}
	}

	// Submit, then read every attempt back.
	for _, e := range ex {
		wg.Add(1)
		go func(e *examinee) {
			defer wg.Done()
			if err := c.must(ctx, "POST", "/api/v1/attempts/"+e.attempt.ID+"/submit", e.token, nil, nil); err != nil {
				e.failed = -1
			}
		}(e)
	}
	wg.Wait()
	for _, e := range ex {
		if e.failed < 0 {
			f.Unsubmitted++
		}
		var fin struct {
			State string           `json:"state"`
			Seqs  map[string]int64 `json:"seqs"`
		}
		if err := c.must(ctx, "GET", "/api/v1/attempts/"+e.attempt.ID, e.token, nil, &fin); err != nil {
			return f, err
		}
		for q, seq := range e.acked {
			if fin.Seqs[q] < seq {
				f.Lost++
			}
		}
	}
	var docs []struct {
		User string `bson:"user"`
	}
	cur, err := c.db.Collection("attempts").Find(ctx, bson.M{"exam": exam.ID})
	if err != nil {
		return f, err
	}
	if err := cur.All(ctx, &docs); err != nil {
		return f, err
	}
	per := map[string]int{}
	for _, d := range docs {
		per[d.User]++
	}
	f.Stored = len(docs)
	for _, n := range per {
		if n > 1 {
			f.Twice++
		}
	}
	return f, c.Restart(ctx, victim)
}

// Percentile is the p-th (0–1) of ds, rounded to the millisecond ("-" when empty).
func Percentile(ds []time.Duration, p float64) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))].Round(time.Millisecond).String()
}

// Slowest is the largest of ds (0 when empty).
func Slowest(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return slices.Max(ds)
}
