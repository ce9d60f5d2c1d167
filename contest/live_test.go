package contest

import (
	"context"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fixture struct {
	t     *testing.T
	ctx   context.Context
	ps    *people.Service
	clock *gridskill.FakeClock
	s     *Service
	admin people.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	admin, err := ps.User(ctx, seed.StreetAdminID)
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(db, ps, nil, clock, nil)
	t.Cleanup(s.Close)
	return &fixture{t: t, ctx: ctx, ps: ps, clock: clock, s: s, admin: admin}
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// restart is a new process over the same database.
func (f *fixture) restart() *Service {
	f.t.Helper()
	f.s.Close()
	s := NewService(f.s.repo.db, f.ps, nil, f.clock, nil)
	f.must(s.Load(f.ctx))
	f.t.Cleanup(s.Close)
	return s
}

func TestRestartRebuildsStreaksAndTheInterruptedQuestion(t *testing.T) {
	f := newFixture(t)
	c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "重启测试", Streak: true, TeamRule: scoring.TeamRule{Method: scoring.TeamMean}})
	f.must(err)
	c, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
	f.must(err)
	c, err = f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "必答题", Kind: Speed})
	f.must(err)
	round := c.Rounds[0].ID
	for range 3 {
		_, err = f.s.AddQuestion(f.ctx, f.admin, c.ID, round, Question{Stem: "题", Type: scoring.Single, Points: 1000, LimitSec: 20,
			Options: []Option{{Key: "A", Text: "对"}, {Key: "B", Text: "错"}}, Correct: []string{"A"}})
		f.must(err)
	}
	worker, err := f.ps.User(f.ctx, seed.WorkerID)
	f.must(err)
	host := func(s *Service, action string) { f.t.Helper(); f.must(s.Host(f.ctx, f.admin, c.ID, action, round)) }
	answer := func(s *Service, item int, key string) error {
		_, err := s.Answer(f.ctx, worker, c.ID, AnswerRequest{Item: item, Answer: []string{key}})
		return err
	}
	host(f.s, ActStart)
	for item := range 2 { // two right answers within the full-points window: 1000, then 1000 + 100 streak
		host(f.s, ActNext)
		f.must(answer(f.s, item, "A"))
		host(f.s, ActClose)
	}
	host(f.s, ActNext)
	f.clock.Advance(5 * time.Second)
	f.must(answer(f.s, 2, "A"))
	f.clock.Advance(3 * time.Second)

	s := f.restart()
	if _, phase, _ := s.LiveRound(c.ID); phase != phasePaused {
		t.Fatalf("after the restart the round is %q, want paused", phase)
	}
	if err := answer(s, 2, "B"); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a changed answer after the restart: %v, want conflict", err)
	}
	l := s.liveOf(c.ID)
	if l.remaining != 15*time.Second {
		t.Errorf("remaining time %v, want 15s (the deadline less the last answer)", l.remaining)
	}
	host(s, ActResume)
	f.clock.Advance(15*time.Second - time.Millisecond)
	if _, phase, _ := s.LiveRound(c.ID); phase != phaseOpen {
		t.Fatalf("a millisecond before the resumed question's time is up it is %q, want open", phase)
	}
	// The stopped process's timer (its deadline has passed) must not write over the new owner's phase.
	stored, err := s.repo.live(f.ctx)
	f.must(err)
	for _, ld := range stored {
		if ld.ID == c.ID && ld.Phase != phaseOpen {
			t.Fatalf("the stored phase is %q while the resumed question is open: the old process's timer wrote it", ld.Phase)
		}
	}
	f.clock.Advance(time.Millisecond) // the remaining time runs out: it closes by itself
	if _, phase, _ := s.LiveRound(c.ID); phase != phaseResults {
		t.Fatalf("when the resumed question's time is up it is %q, want results", phase)
	}
	host(s, ActFinish)
	st, err := s.Standings(f.ctx, f.admin, c.ID)
	f.must(err)
	// Third answer at 5 s of 20: 1000 × (1 − 5/40) = 875, streak of 3 adds 200.
	if want := 1000.0 + 1100 + 1075; st.Overall[0].ID != seed.WorkerID || st.Overall[0].Points != want {
		t.Fatalf("overall after the restart: %+v, want %s with %v", st.Overall[0], seed.WorkerID, want)
	}
}
