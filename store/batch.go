package store

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Batch runs the writes of concurrent callers together (group commit):
// while one batch is at the database the next gathers, so the engine sees a
// few large writes instead of many small ones. Batches run on the Batch's own
// goroutine, never on a caller's, so a caller waits for at most the batches
// queued ahead of it (Capacity / Max of them), and each caller is answered as
// soon as its own items are done. Not for reads on the embedded engine: a
// filter other than one _id is decoded document by document there, and costs
// more in one $in than in single finds by _id.
//
// The zero value, with Run set, has no bound on waiting items. The runner
// goroutine starts with the first item and ends when nothing waits; Close
// refuses new items and waits for the queued ones.
type Batch[T any] struct {
	// Run does one batch and returns one error per item.
	Run func(ctx context.Context, batch []T) []error
	// Max is the most items one Run gets (MaxBatch when 0).
	Max int
	// Capacity is the most items that may wait; past it Do and Queue refuse
	// with ErrFull at once, writing nothing. 0 means no bound.
	Capacity int
	// Linger, when set, lets items gather for that long after the first of
	// a batch arrives (unless Max are waiting), for writes whose cost is per
	// command rather than per item: a long one for writes nobody waits for,
	// a few milliseconds for writes each caller waits for.
	Linger time.Duration
	// Timeout bounds one Run (30 seconds when 0).
	Timeout time.Duration

	mu      sync.Mutex
	pending []*batched[T]
	running bool
	closed  bool
	wake    chan struct{} // nudges a lingering runner
	runs    int
	// Items are counted as they are queued, taken into a batch and done, so
	// that Flush can wait for what was queued before it and no more.
	queued, taken, finished int
	flushTo                 int           // run without lingering until taken reaches it
	progress                chan struct{} // closed when a batch is done; nil while nobody waits
}

type batched[T any] struct {
	item T
	done func(error)
}

// MaxBatch is the most items one Run gets unless Max says otherwise.
const MaxBatch = 500

// Errors of Do and Queue.
var (
	ErrFull   = errors.New("store: batch queue is full")
	ErrClosed = errors.New("store: batch is closed")
)

// Do runs items in the coming batches and waits for them, or for ctx. It
// returns the first item's error, if any, or ErrFull (nothing queued) when
// the queue has no room. Items stay queued when ctx ends first.
func (b *Batch[T]) Do(ctx context.Context, items ...T) error {
	if len(items) == 0 {
		return nil
	}
	done := make(chan error, 1)
	if err := b.Queue(func(err error) { done <- err }, items...); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Queue queues items without waiting; once all of them have run, done (when
// not nil) is called with the first item's error, on the runner's goroutine:
// it must not block. It refuses with ErrFull or ErrClosed, queueing nothing.
func (b *Batch[T]) Queue(done func(error), items ...T) error {
	if len(items) == 0 {
		if done != nil {
			done(nil)
		}
		return nil
	}
	all := &completion{left: len(items), done: done}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if b.Capacity > 0 && len(b.pending)+len(items) > b.Capacity {
		return ErrFull
	}
	for _, it := range items {
		b.pending = append(b.pending, &batched[T]{item: it, done: all.one})
	}
	b.queued += len(items)
	b.startLocked()
	if b.Linger > 0 && len(b.pending) >= b.max() {
		b.nudgeLocked()
	}
	return nil
}

// completion calls done once every item of one Queue call has run.
type completion struct {
	mu    sync.Mutex
	left  int
	first error
	done  func(error)
}

func (c *completion) one(err error) {
	c.mu.Lock()
	if err != nil && c.first == nil {
		c.first = err
	}
	c.left--
	last := c.left == 0
	c.mu.Unlock()
	if last && c.done != nil {
		c.done(c.first)
	}
}

// Len returns how many items wait for a batch.
func (b *Batch[T]) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// Runs returns how many batches have run.
func (b *Batch[T]) Runs() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.runs
}

// Flush runs the items queued before it now, lingering or not, and returns
// once they have run (each answered), or when ctx ends. Items queued after
// it do not hold it up, so it returns under sustained load too.
func (b *Batch[T]) Flush(ctx context.Context) error {
	b.mu.Lock()
	target := b.queued
	b.flushTo = max(b.flushTo, target)
	b.nudgeLocked()
	for b.finished < target {
		if b.progress == nil {
			b.progress = make(chan struct{})
		}
		progress := b.progress
		b.mu.Unlock()
		select {
		case <-progress:
		case <-ctx.Done():
			return ctx.Err()
		}
		b.mu.Lock()
	}
	b.mu.Unlock()
	return nil
}

// Close refuses new items and waits until the queued ones have run.
func (b *Batch[T]) Close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	_ = b.Flush(context.Background())
}

func (b *Batch[T]) max() int {
	if b.Max > 0 {
		return b.Max
	}
	return MaxBatch
}

// startLocked starts the runner unless it runs; b.mu must be held.
func (b *Batch[T]) startLocked() {
	if b.running {
		return
	}
	b.running = true
	b.wake = make(chan struct{}, 1)
	go b.loop(b.wake)
}

func (b *Batch[T]) nudgeLocked() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// loop runs batches until nothing waits.
func (b *Batch[T]) loop(wake chan struct{}) {
	for {
		b.mu.Lock()
		if b.Linger > 0 && b.taken >= b.flushTo && len(b.pending) > 0 && len(b.pending) < b.max() {
			b.mu.Unlock()
			t := time.NewTimer(b.Linger)
			select {
			case <-t.C:
			case <-wake:
			}
			t.Stop()
			b.mu.Lock()
		}
		if len(b.pending) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		n := min(len(b.pending), b.max())
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.taken += n
		b.runs++
		b.mu.Unlock()
		b.run(batch)
		b.done(n)
	}
}

// done counts n items as run and wakes the flushes waiting for them.
func (b *Batch[T]) done(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.finished += n
	if b.progress != nil {
		close(b.progress)
		b.progress = nil
	}
}

func (b *Batch[T]) run(batch []*batched[T]) {
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	// A batch outlives the requests of the callers whose items it holds.
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	items := make([]T, len(batch))
	for i, r := range batch {
		items[i] = r.item
	}
	errs := b.Run(ctx, items)
	for i, r := range batch {
		var err error
		if i < len(errs) {
			err = errs[i]
		}
		r.done(err)
	}
}
