package quiz

import "sync"

// recentAttempts is how many finished attempts the service keeps whole in
// memory: about the workers of a district sitting one exam together.
const recentAttempts = 2000

// finishedCache holds the latest finished attempts whole. A worker looks at
// their review right after submitting, and a window's close ends a whole
// street's attempts at once; reading each back would scan every finished
// attempt on the embedded engine. The oldest entry leaves first. Documents
// here are stored already and never change.
type finishedCache struct {
	mu    sync.Mutex
	max   int
	docs  map[string]finishedDoc
	order []string // ids, oldest first
}

func newFinishedCache(max int) *finishedCache {
	return &finishedCache{max: max, docs: map[string]finishedDoc{}}
}

func (c *finishedCache) add(f finishedDoc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.docs[f.Open.ID]; ok {
		return
	}
	if len(c.order) >= c.max {
		delete(c.docs, c.order[0])
		c.order = c.order[1:]
	}
	c.docs[f.Open.ID] = f
	c.order = append(c.order, f.Open.ID)
}

func (c *finishedCache) get(id string) (finishedDoc, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.docs[id]
	return f, ok
}
