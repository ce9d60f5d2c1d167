package contest

import (
	"context"
	"time"

	"gridskill/store"
)

// The live facts are group-committed: requests queue their documents, the
// batch writes whatever is waiting as one unordered insert every few
// milliseconds, and each request hears back only once its own document is
// written (a duplicate id is already written). A thousand phones answering
// within a second cost a handful of inserts instead of a thousand.
//
// A batch gathers for factLinger of real time: the window paces writes and
// decides nothing about the round, so it is not on the round's clock (a
// stopped test clock would hold every answer). The queue has no bound of its
// own: each waiting item is a request waiting for its answer.
const (
	factBatch   = 1000
	factLinger  = 2 * time.Millisecond
	factTimeout = 20 * time.Second
)

func newFactWriter(r repo) *store.Batch[factDoc] {
	return &store.Batch[factDoc]{Max: factBatch, Linger: factLinger, Timeout: factTimeout,
		Run: func(ctx context.Context, facts []factDoc) []error {
			docs := make([]any, len(facts))
			for i, f := range facts {
				docs[i] = f
			}
			return r.insertFacts(ctx, docs)
		}}
}
