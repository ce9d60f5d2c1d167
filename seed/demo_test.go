package seed

import (
	"context"
	"testing"
	"time"

	"gridskill"
)

func TestDemoFlagNeverWaitsOnAnotherCheck(t *testing.T) {
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	entered, release := make(chan struct{}), make(chan struct{})
	checks := 0
	f := &DemoFlag{clock: clock, check: func(context.Context) (bool, error) {
		checks++
		if checks > 1 {
			entered <- struct{}{}
			<-release
		}
		return true, nil
	}}
	ctx := context.Background()
	if !f.Active(ctx) || !f.Active(ctx) || checks != 1 {
		t.Fatalf("first answers: %d checks; want one, answering true", checks)
	}
	clock.Advance(2 * time.Minute)
	done := make(chan bool)
	go func() { done <- f.Active(ctx) }() // a stale flag: this one checks, and the check hangs
	<-entered
	answered := make(chan bool)
	go func() { answered <- f.Active(ctx) }()
	select {
	case v := <-answered:
		if !v {
			t.Fatal("a page during a check got false; want the last answer, true")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a page waited for another page's check of the database")
	}
	close(release)
	if !<-done {
		t.Fatal("the check answered false")
	}
}
