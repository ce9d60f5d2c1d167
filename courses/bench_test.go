package courses_test

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gridskill/people"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// BenchmarkMyLearning measures a worker's "my learning" (the home page's
// list) over the demo district with its six assigned modules plus 2,000
// more workers who each have a simulated year of progress. It prints the
// p50 and p95 of the service call, the figure the home page waits for.
//
//	go test ./courses/ -run XXX -bench MyLearning -benchtime 2000x
func BenchmarkMyLearning(b *testing.B) {
	f := newFixture(b)
	ctx := storetest.Context(b)
	author := f.user(seed.TrainerID)
	dir, _ := fs.Sub(seed.Content, "content/modules")
	if err := seed.LoadModules(ctx, f.cs, author, dir); err != nil {
		b.Fatal(err)
	}
	if err := seed.AssignDemo(ctx, f.cs, author, f.clock, dir); err != nil {
		b.Fatal(err)
	}
	units, _ := seed.District()
	var grids []people.Unit
	for _, u := range units {
		if u.Kind == people.Grid {
			grids = append(grids, u)
		}
	}
	workers := make([]people.User, 2000)
	for i := range workers {
		g := grids[i%len(grids)]
		workers[i] = people.User{ID: fmt.Sprintf("bench-%04d", i), Phone: fmt.Sprintf("1370000%04d", i), Name: "测试", Role: people.Worker,
			UnitID: g.ID, UnitPath: g.Path, Active: true}
	}
	if err := f.ps.Seed(ctx, nil, workers, seed.DemoPassword); err != nil {
		b.Fatal(err)
	}
	if err := f.cs.SimulateYear(ctx, append(workers, f.user(seed.WorkerID)), 2026); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := workers[rng.IntN(len(workers))]
		start := time.Now()
		items, err := f.cs.MyLearning(ctx, w)
		times = append(times, time.Since(start))
		if err != nil || len(items) != 6 {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}
