package gridskill

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Clock is the server's only source of time. Deadlines, answer times and expiry
// are decided through it, and so are the timers that move a timed phase on
// (a question's time running out), so tests control both.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed on this clock,
	// unless the returned timer is stopped first.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending call of a Clock's AfterFunc.
type Timer interface {
	// Stop prevents the call and reports whether it did; false means the
	// call had already started or the timer was stopped before.
	Stop() bool
}

// SystemClock reads the machine's clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (SystemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// FakeClock is a clock for tests that moves only when told. Its timers fire
// when Advance or Set moves the clock to or past their time: in the order of
// their times (then of their setting), in the goroutine that moved the clock,
// after the clock has moved and outside its lock, so a timer's function may
// read the clock, set timers and stop them. Advance returns once they have run.
type FakeClock struct {
	mu     sync.Mutex
	t      time.Time
	seq    uint64
	timers []*fakeTimer
}

type fakeTimer struct {
	c   *FakeClock
	at  time.Time
	seq uint64
	f   func()
}

// NewFakeClock returns a clock stopped at t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{t: t} }

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// AfterFunc sets a timer that calls f when the clock reaches now+d. A timer
// already due (d ≤ 0) calls f at once in its own goroutine, as time.AfterFunc
// does, since the caller may hold locks that f takes.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{c: c, at: c.t.Add(d), seq: c.seq, f: f}
	if d <= 0 {
		go f()
		return t
	}
	c.timers = append(c.timers, t)
	return t
}

// Stop removes the timer if it has not fired.
func (t *fakeTimer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.Index(c.timers, t)
	if i < 0 {
		return false
	}
	c.timers = slices.Delete(c.timers, i, i+1)
	return true
}

// Pending is how many timers wait to fire.
func (c *FakeClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock forward by d and fires the timers that fall due.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	c.fire()
}

// Set moves the clock to t and fires the timers that fall due.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
	c.fire()
}

// fire runs the due timers one at a time, earliest first.
func (c *FakeClock) fire() {
	for {
		t := c.nextDue()
		if t == nil {
			return
		}
		t.f()
	}
}

// nextDue takes the earliest due timer off the list, or returns nil.
func (c *FakeClock) nextDue() *fakeTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	var next *fakeTimer
	for _, t := range c.timers {
		if t.at.After(c.t) {
			continue
		}
		if next == nil || cmp.Or(t.at.Compare(next.at), cmp.Compare(t.seq, next.seq)) < 0 {
			next = t
		}
	}
	if next != nil {
		c.timers = slices.DeleteFunc(c.timers, func(t *fakeTimer) bool { return t == next })
	}
	return next
}
