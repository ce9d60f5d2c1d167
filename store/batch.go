package store

import (
	"context"
	"sync"
	"time"
)

// Batch runs the writes of concurrent callers together (group commit):
// while one batch is at the database the next gathers, so the engine sees a
// few large inserts instead of many small ones. Each caller returns once its
// own items are done. Not for reads or deletes on the embedded engine: a
// filter other than one _id is decoded document by document there, and
// costs more in one $in than in single finds by _id.
type Batch[T any] struct {
	// Run does one batch and returns one error per item.
	Run func(ctx context.Context, batch []T) []error

	mu      sync.Mutex
	pending []*batched[T]
	running bool
}

type batched[T any] struct {
	item T
	done chan error
}

// MaxBatch is the most items one Run gets.
const MaxBatch = 500

// Do runs items in the next batch and waits for them, or for ctx. It
// returns the first item's error, if any.
func (b *Batch[T]) Do(ctx context.Context, items ...T) error {
	reqs := make([]*batched[T], len(items))
	for i, it := range items {
		reqs[i] = &batched[T]{item: it, done: make(chan error, 1)}
	}
	b.mu.Lock()
	b.pending = append(b.pending, reqs...)
	if !b.running {
		// This caller runs batches until none is waiting; the others wait.
		b.running = true
		for len(b.pending) > 0 {
			n := min(len(b.pending), MaxBatch)
			batch := b.pending[:n:n]
			b.pending = b.pending[n:]
			b.mu.Unlock()
			b.run(batch)
			b.mu.Lock()
		}
		b.running = false
	}
	b.mu.Unlock()
	var first error
	for _, r := range reqs {
		select {
		case err := <-r.done:
			if first == nil {
				first = err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return first
}

func (b *Batch[T]) run(batch []*batched[T]) {
	// A batch outlives the request of the caller that happens to run it.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	items := make([]T, len(batch))
	for i, r := range batch {
		items[i] = r.item
	}
	errs := b.Run(ctx, items)
	for i, r := range batch {
		r.done <- errs[i]
	}
}
