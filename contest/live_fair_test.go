package contest

import (
	"encoding/json"
	"testing"
	"time"

	"gridskill"
	"gridskill/scoring"
	"gridskill/seed"
)

// meOf decodes a viewer's own part of the live state.
func (f *fixture) meOf(c Contest, worker string) meJSON {
	f.t.Helper()
	var m meJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).me(worker), &m))
	return m
}

// A phone used to see its points (and rank by them) the moment its answer
// was in, while the question was still open.
func TestNoScoreOfAnOpenQuestionIsShown(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答", Kind: Speed}, 2)
	f.host(c, round, ActNext)
	_, err := f.answer(c, w[0], AnswerRequest{Item: 0, Answer: []string{"B"}})
	f.must(err)
	if m := f.meOf(c, w[0].ID); m.Points != 0 || m.Streak != 0 {
		t.Fatalf("while open the phone shows %v points, streak %d; want 0, 0", m.Points, m.Streak)
	}
	f.host(c, round, ActClose)
	first := f.meOf(c, w[0].ID)
	if first.Points <= 0 || first.Streak != 1 {
		t.Fatalf("after the close the phone shows %v points, streak %d", first.Points, first.Streak)
	}
	f.host(c, round, ActNext)
	_, err = f.answer(c, w[0], AnswerRequest{Item: 1, Answer: []string{"B"}})
	f.must(err)
	if m := f.meOf(c, w[0].ID); m.Points != first.Points {
		t.Fatalf("while the second question is open the phone shows %v points, want %v", m.Points, first.Points)
	}

	t.Run("NotAfterARestartEither", func(t *testing.T) {
		f.s = f.restart()
		if m := f.meOf(c, w[0].ID); m.Points != first.Points {
			t.Fatalf("after a restart mid-question the phone shows %v points, want %v", m.Points, first.Points)
		}
	})
}

// A wrong answer and no answer both score 0; ranked by answer time, the
// one who answered (and so spent time) came after the one who stayed silent.
func TestWrongAnswerRanksAboveNoAnswer(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答", Kind: Speed}, 1)
	f.host(c, round, ActNext)
	f.clock.Advance(5 * time.Second)
	_, err := f.answer(c, w[1], AnswerRequest{Item: 0, Answer: []string{"A"}}) // wrong
	f.must(err)
	f.host(c, round, ActClose)
	wrong, silent := f.meOf(c, w[1].ID), f.meOf(c, w[2].ID)
	if wrong.Rank >= silent.Rank {
		t.Fatalf("the wrong answer ranks %d, no answer %d; want the answer first", wrong.Rank, silent.Rank)
	}
	// The finished round's standings, and the contest's, rank them the same way.
	f.host(c, round, ActFinish)
	st, err := f.s.Standings(f.ctx, f.admin, c.ID)
	f.must(err)
	rankOf := func(rows []Row, id string) int {
		for _, r := range rows {
			if r.ID == id {
				return r.Rank
			}
		}
		t.Fatalf("%s is not in the standings %+v", id, rows)
		return 0
	}
	if len(st.Rounds) != 1 {
		t.Fatalf("standings of %d rounds, want the finished one", len(st.Rounds))
	}
	for name, rows := range map[string][]Row{"round": st.Rounds[0].People, "overall": st.Overall} {
		if a, b := rankOf(rows, w[1].ID), rankOf(rows, w[2].ID); a >= b {
			t.Errorf("%s standings: the wrong answer ranks %d, no answer %d; want the answer first", name, a, b)
		}
	}
}

// The first buzz to arrive used to answer, however slow the other phones'
// lines: now a buzz is placed by its arrival less the phone's measured
// delay, and the question waits (the buzz window) while a slower phone's
// buzz could still come first.
func TestBuzzOrderCorrectsEachPhonesDelay(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "抢答题", Kind: Buzzer, AnswerSec: 10}, 1)
	// The second phone's line is 800 ms slower than the first's.
	f.must(f.s.Ping(w[1], c.ID, f.clock.Now().Add(-800*time.Millisecond).UnixMilli(), 0))
	f.host(c, round, ActNext)
	f.clock.Advance(400 * time.Millisecond)
	f.must(f.s.Buzz(f.ctx, w[0], c.ID, BuzzRequest{Item: 0}))
	win := f.wantPhase(c, 0, phaseBuzzing, "after the first buzz, while a slower phone's buzz may still come first")
	if !win.BuzzUntil.Equal(f.clock.Now().Add(800 * time.Millisecond)) {
		t.Fatalf("the window ends %v, want 800 ms after the buzz", win.BuzzUntil)
	}
	if _, err := f.answer(c, w[0], AnswerRequest{Item: 0, Answer: []string{"B"}}); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("an answer during the window: %v, want conflict", err)
	}
	// Pressed 300 ms before the first, it arrives 500 ms after it.
	f.clock.Advance(500 * time.Millisecond)
	f.must(f.s.Buzz(f.ctx, w[1], c.ID, BuzzRequest{Item: 0}))
	f.clock.Advance(300*time.Millisecond - time.Millisecond)
	f.wantPhase(c, 0, phaseBuzzing, "a millisecond before the window ends")
	f.clock.Advance(time.Millisecond)
	f.wantPhase(c, 0, phaseAnswering, "when the window is over")
	if l := f.s.liveOf(c.ID); l.answererID() != w[1].ID {
		t.Fatalf("answerer %s, want the slow phone that pressed first (%s)", l.answererID(), w[1].ID)
	}
	var st stateJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).common(), &st))
	if st.Buzz == nil || len(st.Buzz.Order) != 2 || len(st.Buzz.TimesMS) != 2 || st.Buzz.TimesMS[0] != 100 || st.Buzz.TimesMS[1] != 400 {
		t.Fatalf("the screens' buzz order %+v, want both with times 100 and 400 ms after the options", st.Buzz)
	}
}

func TestFalseStart(t *testing.T) {
	for _, rule := range []string{FalseStartIgnore, FalseStartPenalty} {
		t.Run(rule, func(t *testing.T) {
			f := newFixture(t)
			c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "抢跑", FalseStart: rule, TeamRule: scoring.TeamRule{Method: scoring.TeamMean}})
			f.must(err)
			c, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
			f.must(err)
			c, err = f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "抢答题", Kind: Buzzer, AnswerSec: 10, Penalty: 50, ReadSec: 5})
			f.must(err)
			round := c.Rounds[0].ID
			c, err = f.s.AddQuestion(f.ctx, f.admin, c.ID, round, Question{Stem: "发现电信诈骗线索应当？", Type: scoring.Single, Points: 100, LimitSec: 20,
				Options: []Option{{Key: "A", Text: "不管"}, {Key: "B", Text: "报告"}}, Correct: []string{"B"}})
			f.must(err)
			early, w := f.user(seed.WorkerID), f.user(memberOf(c, c.Participants[0].TeamID, seed.WorkerID))
			f.host(c, round, ActStart)
			f.host(c, round, ActNext)
			f.wantPhase(c, 0, phaseReading, "before the options show")
			err = f.s.Buzz(f.ctx, early, c.ID, BuzzRequest{Item: 0})
			if gridskill.ErrorCode(err) != gridskill.ECONFLICT {
				t.Fatalf("a buzz while the stem is read: %v, want conflict", err)
			}
			f.wantPhase(c, 0, phaseReading, "after a false start")
			f.clock.Advance(5 * time.Second)
			f.wantPhase(c, 0, phaseOpen, "once the reading time is up")
			err = f.s.Buzz(f.ctx, early, c.ID, BuzzRequest{Item: 0})
			if rule == FalseStartIgnore {
				f.must(err) // ignored: the player buzzes like anyone else
				f.wantPhase(c, 0, phaseAnswering, "after the ignored false starter buzzed in time")
				_, err = f.answer(c, early, AnswerRequest{Item: 0, Answer: []string{"B"}})
				f.must(err)
				f.host(c, round, ActFinish)
				if got := f.points(c, round)[early.ID]; got != 100 {
					t.Fatalf("an ignored false start, then the right answer: %v points, want 100", got)
				}
				return
			}
			if gridskill.ErrorCode(err) != gridskill.ECONFLICT {
				t.Fatalf("a false starter buzzes the open question: %v, want conflict", err)
			}
			f.wantPhase(c, 0, phaseOpen, "after the false starter's refused buzz")
			f.must(f.s.Buzz(f.ctx, w, c.ID, BuzzRequest{Item: 0}))
			_, err = f.answer(c, w, AnswerRequest{Item: 0, Answer: []string{"B"}})
			f.must(err)
			f.wantPhase(c, 0, phaseResults, "after the right answer")
			f.host(c, round, ActFinish)
			if got := f.points(c, round); got[early.ID] != -50 || got[w.ID] != 100 {
				t.Fatalf("points %v, want −50 for the false start and 100 for the answer", got)
			}
		})
	}
}

func TestWagerStakingTimerAndStakes(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "风险题", Kind: Wager, Stakes: []int{100, 200}, StakeSec: 10}, 1)
	f.host(c, round, ActNext)
	st := f.wantPhase(c, 0, phaseStaking, "after next")
	if !st.Deadline.Equal(f.clock.Now().Add(10 * time.Second)) {
		t.Fatalf("staking ends %v, want 10 s from now", st.Deadline)
	}
	t.Run("RefusesAStakeOutsideTheSet", func(t *testing.T) {
		for _, bad := range []int{150, -100, 0} {
			if err := f.s.Stake(f.ctx, w[0], c.ID, 0, bad); gridskill.ErrorCode(err) != gridskill.EINVALID {
				t.Fatalf("stake %d: %v, want invalid", bad, err)
			}
		}
		if p := f.s.liveOf(c.ID).players[w[0].ID]; p.staked {
			t.Fatal("a refused stake was kept")
		}
	})
	f.must(f.s.Stake(f.ctx, w[0], c.ID, 0, 200))
	var host boardJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).board(), &host))
	if len(host.Staked) != 1 || host.Staked[0] != w[0].Name {
		t.Fatalf("the host sees %v staked, want %s", host.Staked, w[0].Name)
	}
	f.clock.Advance(10 * time.Second)
	f.wantPhase(c, 0, phaseOpen, "when the staking time is up")
	_, err := f.answer(c, w[0], AnswerRequest{Item: 0, Answer: []string{"B"}})
	f.must(err)
	var open stateJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).common(), &open))
	for _, r := range open.Top {
		if r.Stake != nil {
			t.Fatalf("a stake is shown while the question is open: %+v", r)
		}
	}
	f.host(c, round, ActClose)
	var res stateJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).common(), &res))
	if len(res.Top) == 0 || res.Top[0].Name != w[0].Name || res.Top[0].Stake == nil || *res.Top[0].Stake != 200 {
		t.Fatalf("the results' top %+v, want %s first with the stake 200 revealed", res.Top, w[0].Name)
	}
}

// The round that ends the contest shows the contest's overall standing
// with its podium; an earlier round's podium does not.
func TestContestEndPodiumShowsTheOverallStanding(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答", Kind: Speed}, 1)
	f.host(c, round, ActNext)
	_, err := f.answer(c, w[0], AnswerRequest{Item: 0, Answer: []string{"B"}})
	f.must(err)
	f.host(c, round, ActClose)
	f.host(c, round, ActFinish)
	var st stateJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).common(), &st))
	if len(st.Final) == 0 || st.Final[0].Name != w[0].Name || st.Final[0].Rank != 1 {
		t.Fatalf("the last round's podium shows the overall %+v, want %s first", st.Final, w[0].Name)
	}

	t.Run("NotBeforeTheLastRound", func(t *testing.T) {
		f := newFixture(t)
		c := captainContest(f, Round{Title: "一", Kind: Speed}, Round{Title: "二", Kind: Speed})
		first := c.Rounds[0].ID
		f.host(c, first, ActStart)
		f.host(c, first, ActNext)
		f.host(c, first, ActClose)
		f.host(c, first, ActFinish)
		var st stateJSON
		f.must(json.Unmarshal(f.s.liveOf(c.ID).common(), &st))
		if st.Final != nil {
			t.Fatalf("the first of two rounds shows an overall standing: %+v", st.Final)
		}
	})
}

// The screens' leaderboard shows a speed round's streaks from two right
// answers in a row.
func TestScreensShowStreaks(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答", Kind: Speed}, 2)
	for item := range 2 {
		f.host(c, round, ActNext)
		_, err := f.answer(c, w[0], AnswerRequest{Item: item, Answer: []string{"B"}})
		f.must(err)
		f.host(c, round, ActClose)
	}
	var st stateJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).common(), &st))
	if len(st.Top) == 0 || st.Top[0].Name != w[0].Name || st.Top[0].Streak != 2 {
		t.Fatalf("the leaderboard's top %+v, want %s with a streak of 2", st.Top, w[0].Name)
	}
}
