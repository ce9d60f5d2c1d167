package contest

import (
	"slices"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/seed"
)

// timedRound makes a contest of grid 1-1-1's workers with one round r of n
// questions (1000 points, 20 s, B is right), starts it and returns the
// contest, the round's id and the grid's workers (the demo worker first).
func timedRound(f *fixture, r Round, n int) (Contest, string, []people.User) {
	f.t.Helper()
	c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "计时测试", TeamRule: scoring.TeamRule{Method: scoring.TeamMean}})
	f.must(err)
	c, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
	f.must(err)
	c, err = f.s.AddRound(f.ctx, f.admin, c.ID, r)
	f.must(err)
	round := c.Rounds[0].ID
	for range n {
		c, err = f.s.AddQuestion(f.ctx, f.admin, c.ID, round, Question{Stem: "发现电信诈骗线索应当？", Type: scoring.Single, Points: 1000, LimitSec: 20,
			Options: []Option{{Key: "A", Text: "不管"}, {Key: "B", Text: "报告"}}, Correct: []string{"B"}})
		f.must(err)
	}
	workers := []people.User{f.user(seed.WorkerID)}
	for _, p := range c.Participants {
		if p.ID != seed.WorkerID {
			workers = append(workers, f.user(p.ID))
		}
	}
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, round))
	return c, round, workers
}

func (f *fixture) host(c Contest, round, action string) {
	f.t.Helper()
	f.must(f.s.Host(f.ctx, f.admin, c.ID, action, round))
}

func (f *fixture) answer(c Contest, w people.User, req AnswerRequest) (AnswerResult, error) {
	f.t.Helper()
	return f.s.Answer(f.ctx, w, c.ID, req)
}

// phase reports the live round's phase, item and stored phase times.
func (f *fixture) phase(c Contest) liveDoc {
	f.t.Helper()
	l := f.s.liveOf(c.ID)
	if l == nil {
		f.t.Fatal("no live round")
	}
	return l.snapshotState()
}

func (f *fixture) wantPhase(c Contest, item int, phase, when string) liveDoc {
	f.t.Helper()
	st := f.phase(c)
	if st.Item != item || st.Phase != phase {
		f.t.Fatalf("%s: item %d %s, want item %d %s", when, st.Item, st.Phase, item, phase)
	}
	return st
}

func isLate(err error) bool {
	return gridskill.ErrorCode(err) == gridskill.ECONFLICT && gridskill.ErrorMessage(err) == "time is up: answers for this question are closed"
}

// points returns each participant's points in the round.
func (f *fixture) points(c Contest, round string) map[string]float64 {
	f.t.Helper()
	st, err := f.s.Standings(f.ctx, f.admin, c.ID)
	f.must(err)
	rs, ok := st.byRound(round)
	if !ok {
		f.t.Fatalf("no standings of round %s", round)
	}
	out := map[string]float64{}
	for _, r := range rs.People {
		out[r.ID] = r.Points
	}
	return out
}

// TestLiveReadingAndAnswerTimeEndOnTheClock: the stem shows alone for the
// reading time, then the options; answers close at the deadline, by the
// round's clock and with no host action. A host who shows the options early
// is not overtaken by the reading timer.
func TestLiveReadingAndAnswerTimeEndOnTheClock(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答题", Kind: Speed, ReadSec: 5}, 2)
	f.host(c, round, ActNext)
	read := f.wantPhase(c, 0, phaseReading, "after next")
	f.clock.Advance(5*time.Second - time.Millisecond)
	f.wantPhase(c, 0, phaseReading, "a millisecond before the reading time is up")
	f.clock.Advance(time.Millisecond)
	open := f.wantPhase(c, 0, phaseOpen, "when the reading time is up")
	if !open.ShownAt.Equal(read.ReadUntil) || !open.Deadline.Equal(read.ReadUntil.Add(20*time.Second)) {
		t.Fatalf("options shown at %v until %v, want %v until 20 s later", open.ShownAt, open.Deadline, read.ReadUntil)
	}
	f.clock.Advance(20*time.Second - time.Millisecond)
	if _, err := f.answer(c, w[0], AnswerRequest{Item: 0, Answer: []string{"B"}}); err != nil {
		t.Fatalf("an answer a millisecond before the deadline: %v", err)
	}
	f.clock.Advance(time.Millisecond)
	closed := f.wantPhase(c, 0, phaseResults, "at the deadline")
	if !closed.ClosedAt.Equal(open.Deadline) {
		t.Errorf("closed at %v, want the deadline %v", closed.ClosedAt, open.Deadline)
	}
	if _, err := f.answer(c, w[1], AnswerRequest{Item: 0, Answer: []string{"B"}}); !isLate(err) {
		t.Fatalf("an answer after the time-out: %v, want the late refusal", err)
	}

	f.host(c, round, ActNext)
	f.clock.Advance(2 * time.Second)
	f.host(c, round, ActShow) // early
	early := f.wantPhase(c, 1, phaseOpen, "after an early show")
	f.clock.Advance(3 * time.Second) // the reading timer's time passes
	if st := f.wantPhase(c, 1, phaseOpen, "when the reading time would have ended"); !st.ShownAt.Equal(early.ShownAt) {
		t.Fatalf("the stale reading timer re-opened the question: shown %v, was %v", st.ShownAt, early.ShownAt)
	}
	f.clock.Advance(17 * time.Second)
	f.wantPhase(c, 1, phaseResults, "at the deadline of an early shown question")
	if n := f.clock.Pending(); n != 0 {
		t.Errorf("%d timers still set with nothing timed running", n)
	}
	f.host(c, round, ActFinish)
	if got := f.points(c, round)[seed.WorkerID]; got != 500 { // 1000 × (1 − 19.999/40), at the last millisecond
		t.Errorf("the demo worker's points %v, want 500", got)
	}
}

// TestLiveBuzzerTimeout: a buzzer winner who does not answer within the
// answer time is counted wrong (the penalty); with pass-on the next buzzer
// answers with a fresh answer time, without it the question closes.
func TestLiveBuzzerTimeout(t *testing.T) {
	for _, passOn := range []bool{true, false} {
		f := newFixture(t)
		c, round, w := timedRound(f, Round{Title: "抢答题", Kind: Buzzer, AnswerSec: 10, Penalty: 50, PassOn: passOn}, 1)
		f.host(c, round, ActNext) // no reading time: the buzzers open at once
		f.must(f.s.Buzz(f.ctx, w[0], c.ID, BuzzRequest{}))
		first := f.wantPhase(c, 0, phaseAnswering, "after the first buzz")
		if !first.Deadline.Equal(f.clock.Now().Add(10 * time.Second)) {
			t.Fatalf("answer deadline %v, want 10 s from the buzz", first.Deadline)
		}
		f.clock.Advance(time.Second)
		f.must(f.s.Buzz(f.ctx, w[1], c.ID, BuzzRequest{}))
		f.clock.Advance(9*time.Second - time.Millisecond)
		f.wantPhase(c, 0, phaseAnswering, "a millisecond before the answer time is up")
		f.clock.Advance(time.Millisecond)
		if _, err := f.answer(c, w[0], AnswerRequest{Item: 0, Answer: []string{"B"}}); !isLate(err) {
			t.Fatalf("passOn=%v: the timed-out winner answers: %v, want the late refusal", passOn, err)
		}
		if !passOn {
			f.wantPhase(c, 0, phaseResults, "without pass-on, when the winner's time is up")
			f.host(c, round, ActFinish)
			if got := f.points(c, round); got[w[0].ID] != -50 || got[w[1].ID] != 0 {
				t.Fatalf("without pass-on: %v, want −50 for the timed-out winner and 0 for the second", got)
			}
			continue
		}
		second := f.wantPhase(c, 0, phaseAnswering, "with pass-on, when the winner's time is up")
		if second.Answerer != 1 || !second.Deadline.Equal(f.clock.Now().Add(10*time.Second)) {
			t.Fatalf("passed to answerer %d until %v, want the second buzzer with 10 s from now", second.Answerer, second.Deadline)
		}
		f.clock.Advance(10 * time.Second)
		again := f.wantPhase(c, 0, phaseOpen, "when the second buzzer's time is up too: the others get the buzzer back")
		if !again.Deadline.Equal(f.clock.Now().Add(20 * time.Second)) {
			t.Fatalf("re-opened until %v, want the question's 20 s from now", again.Deadline)
		}
		if err := f.s.Buzz(f.ctx, w[0], c.ID, BuzzRequest{}); err != nil {
			t.Fatalf("a buzzer who answered buzzes again: %v, want it answered as the stored buzz", err)
		}
		f.wantPhase(c, 0, phaseOpen, "after a buzz by one who has answered")
		f.clock.Advance(20 * time.Second)
		f.wantPhase(c, 0, phaseResults, "when no one else buzzed in time")
		f.host(c, round, ActFinish)
		if got := f.points(c, round); got[w[0].ID] != -50 || got[w[1].ID] != -50 {
			t.Fatalf("with pass-on: %v, want −50 for both timed-out buzzers", got)
		}
	}
}

// TestLiveNetworkDelayIsTakenOffTheAnswerTime: a phone's measured round trip
// (the median of its samples, from pings and answers) is taken off its answer
// time, at most MaxDelay, so a slow line costs no points and a phone that lies
// about its delay gains at most a second.
func TestLiveNetworkDelayIsTakenOffTheAnswerTime(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答题", Kind: Speed}, 1)
	f.host(c, round, ActNext)
	shown := f.wantPhase(c, 0, phaseOpen, "after next").ShownAt.UnixMilli()
	slow, liar, plain := w[0], w[1], w[2]
	// The slow phone's ping took 400 ms there and back; one sample of 3 s is
	// a bad moment that the median ignores.
	f.must(f.s.Ping(slow, c.ID, shown-400, 0))
	f.must(f.s.Ping(slow, c.ID, shown-3000, 0))
	f.clock.Advance(4 * time.Second)
	// Each answers 4 s after the options were shown, by the server's clock.
	// The slow phone held the event 3.6 s: its answer's round trip is 400 ms.
	answers := map[string]AnswerRequest{
		slow.ID:  {Item: 0, Answer: []string{"B"}, Echo: shown, HeldMS: 3600},
		liar.ID:  {Item: 0, Answer: []string{"B"}, Echo: shown - 6000}, // claims 10 s
		plain.ID: {Item: 0, Answer: []string{"B"}},
	}
	for _, u := range []people.User{slow, liar, plain} {
		if _, err := f.answer(c, u, answers[u.ID]); err != nil {
			t.Fatal(err)
		}
	}
	f.host(c, round, ActClose)
	f.host(c, round, ActFinish)
	got := f.points(c, round)
	want := map[string]float64{
		slow.ID:  910, // 1000 × (1 − 3.6/40)
		liar.ID:  925, // 1000 × (1 − 3/40): the delay is bounded to 1 s
		plain.ID: 900, // 1000 × (1 − 4/40)
	}
	for id, p := range want {
		if got[id] != p {
			t.Errorf("%s: %v points, want %v", id, got[id], p)
		}
	}
}

// TestLiveRetriesAreAnsweredAsStoredAndNeverCountedTwice: a phone that did
// not hear back retries; the answer it sent is answered the same way while
// the question is open, after it closed, on the next question and after a
// restart, and counts once. An answer that was never stored is refused as
// late once its question closed. The same buzz or stake sent again is
// answered as stored and keeps its place.
func TestLiveRetriesAreAnsweredAsStoredAndNeverCountedTwice(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答题", Kind: Speed}, 2)
	f.host(c, round, ActNext)
	first, err := f.answer(c, w[0], AnswerRequest{Round: round, Item: 0, Answer: []string{"b"}})
	f.must(err)
	retry := func(s *Service, when string) {
		t.Helper()
		got, err := s.Answer(f.ctx, w[0], c.ID, AnswerRequest{Round: round, Item: 0, Answer: []string{"B"}})
		if err != nil || !slices.Equal(got.Answer, first.Answer) || got.Item != first.Item || !got.Received {
			t.Fatalf("%s: a retry of the stored answer got %+v, %v; want %+v", when, got, err, first)
		}
		if _, err := s.Answer(f.ctx, w[0], c.ID, AnswerRequest{Round: round, Item: 0, Answer: []string{"A"}}); gridskill.ErrorCode(err) != gridskill.ECONFLICT || isLate(err) {
			t.Fatalf("%s: a different answer: %v, want already answered", when, err)
		}
	}
	retry(f.s, "while open")
	if l := f.s.liveOf(c.ID); l.answered != 1 {
		t.Fatalf("%d answers counted after a retry, want 1", l.answered)
	}
	f.host(c, round, ActClose)
	retry(f.s, "after the question closed")
	if _, err := f.answer(c, w[1], AnswerRequest{Round: round, Item: 0, Answer: []string{"B"}}); !isLate(err) {
		t.Fatalf("an unstored answer after the close: %v, want the late refusal", err)
	}
	f.host(c, round, ActNext)
	retry(f.s, "on the next question")
	if _, err := f.answer(c, w[1], AnswerRequest{Round: round, Item: 0, Answer: []string{"B"}}); !isLate(err) {
		t.Fatalf("an unstored answer to the last question: %v, want the late refusal", err)
	}
	if _, err := f.answer(c, w[1], AnswerRequest{Round: "r-nope", Item: 0, Answer: []string{"B"}}); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("an answer to an unknown round: %v, want invalid", err)
	}
	s := f.restart()
	retry(s, "after a restart")
	f.s = s
	f.host(c, round, ActClose)
	f.host(c, round, ActFinish)
	if got := f.points(c, round)[w[0].ID]; got != 1000 {
		t.Fatalf("the retried answer counts %v points, want 1000 once", got)
	}

	// Buzzes and stakes.
	f = newFixture(t)
	c, round, w = timedRound(f, Round{Title: "抢答题", Kind: Buzzer, AnswerSec: 10}, 1)
	f.host(c, round, ActNext)
	f.must(f.s.Buzz(f.ctx, w[0], c.ID, BuzzRequest{}))
	f.must(f.s.Buzz(f.ctx, w[1], c.ID, BuzzRequest{}))
	f.must(f.s.Buzz(f.ctx, w[0], c.ID, BuzzRequest{}))
	if l := f.s.liveOf(c.ID); len(l.buzzes) != 2 || l.answererID() != w[0].ID {
		t.Fatalf("after a retried buzz: %d buzzes, answerer %s; want 2 with %s first", len(l.buzzes), l.answererID(), w[0].ID)
	}
	f = newFixture(t)
	c, round, w = timedRound(f, Round{Title: "风险题", Kind: Wager, Stakes: []int{100, 200}}, 1)
	f.host(c, round, ActNext)
	f.must(f.s.Stake(f.ctx, w[0], c.ID, 0, 200))
	f.must(f.s.Stake(f.ctx, w[0], c.ID, 0, 200))
	if err := f.s.Stake(f.ctx, w[0], c.ID, 0, 100); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a different stake: %v, want conflict", err)
	}
	f.host(c, round, ActShow)
	f.must(f.s.Stake(f.ctx, w[0], c.ID, 0, 200)) // heard back late: still the stored stake
	if err := f.s.Stake(f.ctx, w[1], c.ID, 0, 100); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a first stake after the question was shown: %v, want conflict", err)
	}
}
