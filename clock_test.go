package gridskill

import (
	"slices"
	"testing"
	"time"
)

func TestFakeClockFiresDueTimersInOrderWhenMoved(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	c := NewFakeClock(start)
	var fired []string
	at := map[string]time.Time{}
	timer := func(name string, d time.Duration) Timer {
		return c.AfterFunc(d, func() { fired = append(fired, name); at[name] = c.Now() })
	}
	timer("3s", 3*time.Second)
	timer("1s", time.Second)
	timer("1s-second", time.Second)
	stopped := timer("2s-stopped", 2*time.Second)
	timer("10s", 10*time.Second)
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop reports true once, for a timer that had not fired, then false")
	}
	c.Advance(999 * time.Millisecond)
	if len(fired) != 0 {
		t.Fatalf("fired before their time: %v", fired)
	}
	c.Advance(5 * time.Second)
	if want := []string{"1s", "1s-second", "3s"}; !slices.Equal(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	if got := at["1s"]; !got.Equal(start.Add(5999 * time.Millisecond)) {
		t.Errorf("a timer's function reads %v, want the moved clock", got)
	}
	if c.Pending() != 1 {
		t.Errorf("%d timers pending, want 1 (10s)", c.Pending())
	}
	// A timer's function may set another timer; Set fires what falls due.
	c.AfterFunc(time.Second, func() { c.AfterFunc(time.Second, func() { fired = append(fired, "chained") }) })
	c.Set(start.Add(20 * time.Second))
	if want := []string{"1s", "1s-second", "3s", "10s"}; !slices.Equal(fired, want) {
		t.Fatalf("after Set: %v, want %v", fired, want)
	}
	c.Advance(time.Second)
	if fired[len(fired)-1] != "chained" || c.Pending() != 0 {
		t.Fatalf("a timer set by a timer's function: %v, %d pending", fired, c.Pending())
	}
}

func TestFakeClockRunsADueTimerAtOnce(t *testing.T) {
	c := NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	done := make(chan struct{})
	c.AfterFunc(0, func() { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a timer due at once never ran")
	}
}
