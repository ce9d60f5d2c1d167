package contest

import (
	"context"
	"sync"
	"time"
)

// writer is the group commit of live facts: requests queue their documents,
// one goroutine writes whatever is waiting as one unordered insert every few
// milliseconds, and each request hears back only once its own document is
// written. A thousand phones answering within a second cost a handful of
// inserts instead of a thousand.
type writer struct {
	repo  repo
	queue chan pending
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

type pending struct {
	doc  *factDoc // nil for a barrier, which only waits for what is before it
	done chan error
}

// A batch gathers for batchWait of real time: the window paces writes and
// decides nothing about the round, so it is not on the round's clock (a
// stopped test clock would hold every answer).
const (
	batchMax  = 1000
	batchWait = 2 * time.Millisecond
)

func newWriter(r repo) *writer {
	w := &writer{repo: r, queue: make(chan pending, 8192), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// write queues doc and waits until it is stored, or ctx ends.
func (w *writer) write(ctx context.Context, doc factDoc) error {
	p := pending{doc: &doc, done: make(chan error, 1)}
	select {
	case w.queue <- p:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.stop:
		return context.Canceled
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush waits until everything queued before it is written.
func (w *writer) flush(ctx context.Context) error {
	p := pending{done: make(chan error, 1)}
	select {
	case w.queue <- p:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.stop:
		return nil
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops the writer; calling it again does nothing.
func (w *writer) close() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]pending, 0, batchMax)
	for {
		select {
		case p := <-w.queue:
			batch = append(batch[:0], p)
		case <-w.stop:
			return
		}
		timer := time.NewTimer(batchWait)
	collect:
		for len(batch) < batchMax {
			select {
			case p := <-w.queue:
				batch = append(batch, p)
			case <-timer.C:
				break collect
			}
		}
		timer.Stop()
		w.commit(batch)
	}
}

func (w *writer) commit(batch []pending) {
	docs := make([]any, 0, len(batch))
	owners := make([]int, 0, len(batch))
	for i, p := range batch {
		if p.doc != nil {
			docs = append(docs, *p.doc)
			owners = append(owners, i)
		}
	}
	errs := make([]error, len(batch))
	if len(docs) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		for i, err := range w.repo.insertFacts(ctx, docs) {
			errs[owners[i]] = err
		}
		cancel()
	}
	for i, p := range batch {
		p.done <- errs[i]
	}
}
