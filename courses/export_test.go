package courses

import (
	"context"
	"math/rand/v2"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill/people"
)

// SimulateYear writes a year of progress for each worker straight into the
// store, as if they had studied the published modules over the year: most
// finish most modules, some are midway, a few never start; each has a few
// offline sessions. It is for benchmarks, which need volume fast.
func (s *Service) SimulateYear(ctx context.Context, workers []people.User, seed uint64) error {
	c, err := s.catalogue(ctx)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	now := s.clock.Now()
	start := now.AddDate(-1, 0, 0)
	var progress, summaries, completions []any
	for _, w := range workers {
		p := progressDoc{ID: w.ID, Modules: map[string]moduleProgressDoc{}, Years: map[string]yearDoc{}}
		sum := summaryDoc{ID: w.ID, Entries: map[string]string{}}
		for _, id := range c.order {
			m := c.modules[id]
			if m.Published == nil || rng.IntN(10) == 0 {
				continue
			}
			mp := moduleProgressDoc{Lessons: map[string]lessonProgressDoc{}}
			sm := summaryModuleDoc{DoneMajor: m.Published.LastMajor}
			n := len(m.Published.Lessons)
			if rng.IntN(10) < 3 {
				n = rng.IntN(n)
			}
			for _, l := range m.Published.Lessons[:n] {
				at := start.Add(time.Duration(rng.Int64N(int64(now.Sub(start)))))
				secs := l.Minutes * 60 * (50 + rng.IntN(100)) / 100
				mp.Lessons[l.ID] = lessonProgressDoc{Seconds: secs}
				sm.Done = strings.TrimSpace(sm.Done + " " + lessonKey(l.ID))
				y := p.Years[yearOf(at)]
				y.Seconds += secs
				p.Years[yearOf(at)] = y
			}
			if n == len(m.Published.Lessons) {
				at := now.Add(-time.Duration(rng.Int64N(int64(180 * 24 * time.Hour))))
				sm.CompletedVersion, sm.CompletedAt = m.Published.Version, at
				key := id + ":" + itoa(m.Published.Version)
				p.History = append(p.History, completionRefDoc{Key: key, ModuleID: id, Version: m.Published.Version, Title: m.Published.Title, At: at})
				completions = append(completions, completionDoc{ID: w.ID + ":" + key, WorkerID: w.ID, UnitID: w.UnitID, UnitPath: w.UnitPath, ModuleID: id, Version: m.Published.Version, At: at})
			}
			p.Modules[id] = mp
			sum.Entries[id] = sm.entry()
		}
		for i := 0; i < rng.IntN(5); i++ {
			ref := sessionRefDoc{ID: "s-bench-" + itoa(i), Topic: "线下培训", Date: now.AddDate(0, -i*2, 0).Format("2006-01-02"), Hours: 2}
			p.Sessions = append(p.Sessions, ref)
			y := p.Years[yearOf(now.AddDate(0, -i*2, 0))]
			y.OfflineHours += ref.Hours
			p.Years[yearOf(now.AddDate(0, -i*2, 0))] = y
		}
		p.Beat = &beatDoc{Key: "x", At: now.Add(-time.Hour)}
		progress = append(progress, p)
		summaries = append(summaries, sum)
	}
	defer func() { // every document is new: past MirrorRereadMax, the next view reads them all
		s.repo.heldProgress.Changed(ctx, ids(progress)...)
		s.repo.heldSummaries.Changed(ctx, ids(progress)...)
	}()
	unordered := options.InsertMany().SetOrdered(false)
	for i := 0; i < len(progress); i += 500 {
		if _, err := s.repo.progress.InsertMany(ctx, progress[i:min(i+500, len(progress))], unordered); err != nil {
			return err
		}
		if _, err := s.repo.summaries.InsertMany(ctx, summaries[i:min(i+500, len(summaries))], unordered); err != nil {
			return err
		}
	}
	for i := 0; i < len(completions); i += 1000 {
		if _, err := s.repo.completions.InsertMany(ctx, completions[i:min(i+1000, len(completions))], unordered); err != nil {
			return err
		}
	}
	return nil
}

func ids(docs []any) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.(progressDoc).ID
	}
	return out
}
