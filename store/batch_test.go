package store_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridskill/store"
)

func TestBatchRunsConcurrentCallersTogetherAndAnswersEachItsOwn(t *testing.T) {
	var runs atomic.Int64
	release := make(chan struct{})
	b := &store.Batch[int]{Run: func(ctx context.Context, items []int) []error {
		if runs.Add(1) == 1 {
			<-release // hold the first batch so that the others gather behind it
		}
		errs := make([]error, len(items))
		for i, v := range items {
			if v%2 == 1 {
				errs[i] = errors.New("odd")
			}
		}
		return errs
	}}
	ctx := context.Background()
	first := make(chan error)
	go func() { first <- b.Do(ctx, 0) }()
	for runs.Load() == 0 {
		runtime.Gosched()
	}
	const n = 100
	var wg sync.WaitGroup
	errs := make([]error, n)
	var started sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			errs[i-1] = b.Do(ctx, i)
		}()
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let the callers queue behind the held batch
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatalf("first caller: %v", err)
	}
	for i, err := range errs {
		if odd := (i+1)%2 == 1; odd != (err != nil) {
			t.Fatalf("caller %d got %v", i+1, err)
		}
	}
	if r := runs.Load(); r > 10 {
		t.Fatalf("%d runs for %d callers; want them batched", r, n+1)
	}
}
