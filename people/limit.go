package people

import (
	"strings"
	"sync"
	"time"
)

// Window limits events per key (a phone, a client address) in a sliding
// window of time: sign-in failures here, certificate checks in the web
// layer. It lives in this process's memory: with several instances each
// counts its own, which still bounds guessing to instances × limit.
type Window struct {
	mu     sync.Mutex
	limit  int
	length time.Duration
	keys   map[string]*events
	swept  time.Time
}

// events are one key's times inside the window, oldest first.
type events struct{ at []time.Time }

// NewWindow returns a window allowing limit events per key within length.
func NewWindow(limit int, length time.Duration) *Window {
	return &Window{limit: limit, length: length, keys: map[string]*events{}}
}

// Allow records an event of key at now and reports whether it is within the
// limit; an event over the limit is refused and not recorded.
func (w *Window) Allow(key string, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count(key, now) >= w.limit {
		return false
	}
	w.add(key, now)
	return true
}

// Full reports whether key has reached the limit inside the window at now.
func (w *Window) Full(key string, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.count(key, now) >= w.limit
}

// Add records an event of key at now, within the limit or not.
func (w *Window) Add(key string, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.count(key, now)
	w.add(key, now)
}

// Reset forgets the events of key.
func (w *Window) Reset(key string) {
	w.mu.Lock()
	delete(w.keys, key)
	w.mu.Unlock()
}

// count drops key's events that left the window and returns how many remain.
func (w *Window) count(key string, now time.Time) int {
	w.sweep(now)
	e, ok := w.keys[key]
	if !ok {
		return 0
	}
	i := 0
	for i < len(e.at) && now.Sub(e.at[i]) >= w.length {
		i++
	}
	e.at = e.at[i:]
	if len(e.at) == 0 {
		delete(w.keys, key)
	}
	return len(e.at)
}

// add records an event of key. The map keeps its own copy of a new key: a
// key may alias a request's buffer, which later requests overwrite.
func (w *Window) add(key string, now time.Time) {
	e, ok := w.keys[key]
	if !ok {
		e = &events{}
		w.keys[strings.Clone(key)] = e
	}
	e.at = append(e.at, now)
}

// sweep forgets, once a window, the keys that went quiet, so the map does
// not grow without bound under a spray of keys.
func (w *Window) sweep(now time.Time) {
	if now.Sub(w.swept) <= w.length {
		return
	}
	for k, e := range w.keys {
		if now.Sub(e.at[len(e.at)-1]) >= w.length {
			delete(w.keys, k)
		}
	}
	w.swept = now
}
