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

// A caller is answered once its own batch has run, however many batches
// queue behind it: batches run on the Batch's goroutine, not the caller's.
func TestBatchAnswersACallerWithoutRunningTheBatchesBehindIt(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	var runs atomic.Int64
	entered := make(chan struct{}, 10)
	b := &store.Batch[int]{Max: 1, Run: func(ctx context.Context, items []int) []error {
		entered <- struct{}{}
		if runs.Add(1) > 1 {
			<-hold // every batch after the first is held
		}
		return make([]error, len(items))
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	first := make(chan error, 1)
	go func() { first <- b.Do(ctx, 1) }()
	<-entered
	for i := 2; i <= 4; i++ {
		if err := b.Queue(nil, i); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-first:
		if err != nil {
			t.Fatalf("first caller: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the first caller is still waiting while later batches run")
	}
}

func TestBatchRefusesWhenFullAndWritesNothing(t *testing.T) {
	hold := make(chan struct{})
	var ran atomic.Int64
	entered := make(chan struct{}, 1)
	b := &store.Batch[int]{Max: 1, Capacity: 2, Run: func(ctx context.Context, items []int) []error {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-hold
		ran.Add(int64(len(items)))
		return make([]error, len(items))
	}}
	if err := b.Queue(nil, 1); err != nil {
		t.Fatal(err)
	}
	<-entered // item 1 is at the database; two more may wait
	if err := b.Queue(nil, 2, 3); err != nil {
		t.Fatalf("queue within capacity: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Do(ctx, 4); !errors.Is(err, store.ErrFull) {
		t.Fatalf("queue past capacity: %v; want ErrFull", err)
	}
	if n := b.Len(); n != 2 {
		t.Fatalf("%d items wait; want 2 (the refused one not queued)", n)
	}
	close(hold)
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := ran.Load(); n != 3 {
		t.Fatalf("%d items written; want 3", n)
	}
}

func TestBatchBoundsEachRunAndLingersToGather(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	b := &store.Batch[int]{Max: 4, Linger: time.Hour, Run: func(ctx context.Context, items []int) []error {
		mu.Lock()
		sizes = append(sizes, len(items))
		mu.Unlock()
		return make([]error, len(items))
	}}
	for i := range 10 {
		if err := b.Queue(nil, i); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, n := range sizes {
		if n > 4 {
			t.Fatalf("a run of %d items; want at most 4 (%v)", n, sizes)
		}
		total += n
	}
	if total != 10 || len(sizes) != 3 {
		t.Fatalf("runs %v; want 10 items in 3 runs (4, 4, then the 2 left at the flush)", sizes)
	}
}

func TestBatchCloseRunsWhatIsQueuedAndRefusesMore(t *testing.T) {
	var ran atomic.Int64
	b := &store.Batch[int]{Linger: time.Hour, Run: func(ctx context.Context, items []int) []error {
		ran.Add(int64(len(items)))
		return make([]error, len(items))
	}}
	var done atomic.Int64
	for i := range 3 {
		if err := b.Queue(func(error) { done.Add(1) }, i); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	if ran.Load() != 3 || done.Load() != 3 {
		t.Fatalf("after Close %d ran, %d answered; want 3 and 3", ran.Load(), done.Load())
	}
	if err := b.Queue(nil, 4); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("queue after Close: %v; want ErrClosed", err)
	}
}

// Flush is a barrier: it waits for the items queued before it, not for a
// queue that sustained load never lets empty (a live round's close waits
// for its own answers while other rounds keep answering).
func TestBatchFlushWaitsOnlyForWhatWasQueuedBeforeIt(t *testing.T) {
	var stop atomic.Bool
	var ran atomic.Int64
	var b *store.Batch[int]
	b = &store.Batch[int]{Max: 1, Run: func(ctx context.Context, items []int) []error {
		ran.Add(int64(len(items)))
		if !stop.Load() {
			_ = b.Queue(nil, items[0]+1) // the queue is never empty while this runs
		}
		return make([]error, len(items))
	}}
	defer b.Close()
	defer stop.Store(true)
	for i := range 3 {
		if err := b.Queue(nil, i*1000); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Flush(ctx); err != nil {
		t.Fatalf("flush under sustained load: %v; want it back once the first 3 have run", err)
	}
	if ran.Load() < 3 {
		t.Fatalf("flush returned after %d items; want the 3 queued before it", ran.Load())
	}
}
