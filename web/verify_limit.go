package web

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
)

// slidingWindow limits how many requests each client address makes in a
// window, so that verification codes cannot be enumerated. It lives in this
// process's memory: with several instances each allows the limit, which
// still makes guessing 31^10 codes hopeless.
type slidingWindow struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   map[string][]time.Time
	swept  time.Time
}

func newSlidingWindow(limit int, window time.Duration) *slidingWindow {
	return &slidingWindow{limit: limit, window: window, hits: map[string][]time.Time{}}
}

// allow records a request from key at now and reports whether it is within the limit.
func (w *slidingWindow) allow(key string, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	cut := now.Add(-w.window)
	if now.Sub(w.swept) > w.window {
		// Forget clients that went quiet, so the map does not grow without bound.
		for k, ts := range w.hits {
			if len(ts) == 0 || !ts[len(ts)-1].After(cut) {
				delete(w.hits, k)
			}
		}
		w.swept = now
	}
	ts := w.hits[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) >= w.limit {
		w.hits[key] = ts
		return false
	}
	w.hits[key] = append(ts, now)
	return true
}

// verifyLimiter returns the rate limit of the public verification routes:
// 30 requests a minute per client address.
func (s *Server) verifyLimiter() fiber.Handler {
	w := newSlidingWindow(30, time.Minute)
	return func(c *fiber.Ctx) error {
		if !w.allow(c.IP(), s.clock.Now()) {
			c.Set(fiber.HeaderRetryAfter, "60")
			return gridskill.Errorf(gridskill.ETOOMANY, "too many certificate checks from your network; please wait a minute and try again")
		}
		return c.Next()
	}
}
