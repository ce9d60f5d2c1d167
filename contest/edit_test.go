package contest

import (
	"testing"

	"gridskill"
	"gridskill/scoring"
	"gridskill/seed"
)

func speedQuestion(stem string) Question {
	return Question{Stem: stem, Type: scoring.Single, Points: 1000, LimitSec: 20,
		Options: []Option{{Key: "A", Text: "劝阻并报告"}, {Key: "B", Text: "不管"}}, Correct: []string{"A"}}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := gridskill.ErrorCode(err); got != code {
		t.Fatalf("got %v (%s), want %s", err, got, code)
	}
}

func TestEditBeforePlayAndAudit(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "必答", Kind: Speed}, Round{Title: "抢答", Kind: Buzzer})
	r1, r2 := c.Rounds[0].ID, c.Rounds[1].ID
	c, err := f.s.AddQuestion(f.ctx, f.admin, c.ID, r1, speedQuestion("第二题"))
	f.must(err)
	q1, q2 := c.Rounds[0].Questions[0].ID, c.Rounds[0].Questions[1].ID

	// Reorder, edit, delete.
	c, err = f.s.MoveQuestion(f.ctx, f.admin, c.ID, r1, q2, -1)
	f.must(err)
	if c.Rounds[0].Questions[0].ID != q2 {
		t.Fatalf("order %v after moving %s up", c.Rounds[0].Questions, q2)
	}
	_, err = f.s.MoveQuestion(f.ctx, f.admin, c.ID, r1, q2, -1)
	wantCode(t, err, gridskill.EINVALID)
	c, err = f.s.UpdateQuestion(f.ctx, f.admin, c.ID, r1, q1, speedQuestion("改过的题"))
	f.must(err)
	if q, _ := c.Rounds[0].question(q1); c.Rounds[0].Questions[q].Stem != "改过的题" {
		t.Fatalf("edit not kept: %+v", c.Rounds[0].Questions)
	}
	c, err = f.s.DeleteQuestion(f.ctx, f.admin, c.ID, r1, q2)
	f.must(err)
	c, err = f.s.AddQuestion(f.ctx, f.admin, c.ID, r1, speedQuestion("新题"))
	f.must(err)
	if id := c.Rounds[0].Questions[1].ID; id == q1 {
		t.Fatalf("a new question took the id %s, in use", id)
	}
	c, err = f.s.UpdateRound(f.ctx, f.admin, c.ID, r2, Round{Title: "抢答赛", AnswerSec: 15, PassOn: true, Weight: 30})
	f.must(err)
	if r := c.Rounds[1]; r.Title != "抢答赛" || r.Kind != Buzzer || !r.PassOn || r.Weight != 30 || len(r.Questions) != 1 {
		t.Fatalf("round after edit: %+v", r)
	}
	c, err = f.s.DeleteRound(f.ctx, f.admin, c.ID, r2)
	f.must(err)
	c, err = f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "新一轮", Kind: Speed})
	f.must(err)
	if c.Rounds[1].ID == r1 {
		t.Fatalf("a new round took the id of %s", r1)
	}
	c, err = f.s.UpdateContest(f.ctx, f.admin, c.ID, ContestEdit{Title: "改名的比武", TeamRule: c.TeamRule})
	f.must(err)

	trail, err := f.s.AuditTrail(f.ctx, f.admin, c.ID)
	f.must(err)
	var actions []string
	for _, e := range trail {
		actions = append(actions, e.Action)
		if e.ActorID != f.admin.ID || e.Actor == "" {
			t.Errorf("entry %+v names no organizer", e)
		}
	}
	for _, want := range []string{"Question moved", "Question edited", "Question deleted", "Round edited", "Round deleted", "Contest edited", "Participants set by unit"} {
		found := false
		for _, a := range actions {
			found = found || a == want
		}
		if !found {
			t.Errorf("the audit trail %v lacks %q", actions, want)
		}
	}
	if actions[0] != "Contest edited" {
		t.Errorf("the newest entry is %q, want the contest edit", actions[0])
	}
}

func TestPlayedRoundCannotBeEdited(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "必答", Kind: Speed})
	r := c.Rounds[0]
	q := r.Questions[0].ID
	host := func(action string) { f.t.Helper(); f.must(f.s.Host(f.ctx, f.admin, c.ID, action, r.ID)) }
	host(ActStart)
	_, err := f.s.UpdateQuestion(f.ctx, f.admin, c.ID, r.ID, q, speedQuestion("直播中改题"))
	wantCode(t, err, gridskill.ECONFLICT)
	_, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
	wantCode(t, err, gridskill.ECONFLICT)
	host(ActNext)
	host(ActClose)
	host(ActFinish)
	for name, err := range map[string]error{
		"edit a question":    errOf(f.s.UpdateQuestion(f.ctx, f.admin, c.ID, r.ID, q, speedQuestion("赛后改题"))),
		"delete a question":  errOf(f.s.DeleteQuestion(f.ctx, f.admin, c.ID, r.ID, q)),
		"move a question":    errOf(f.s.MoveQuestion(f.ctx, f.admin, c.ID, r.ID, q, 1)),
		"edit the round":     errOf(f.s.UpdateRound(f.ctx, f.admin, c.ID, r.ID, Round{Title: "改"})),
		"delete the round":   errOf(f.s.DeleteRound(f.ctx, f.admin, c.ID, r.ID)),
		"set participants":   errOf(f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})),
		"set teams":          errOf(f.s.SetTeams(f.ctx, f.admin, c.ID, []TeamSpec{{Name: "一队"}})),
		"change the method":  errOf(f.s.UpdateContest(f.ctx, f.admin, c.ID, ContestEdit{Title: "x", TeamRule: scoring.TeamRule{Method: scoring.TeamBestN, N: 2}})),
		"delete the contest": f.s.DeleteContest(f.ctx, f.admin, c.ID),
	} {
		if gridskill.ErrorCode(err) != gridskill.ECONFLICT {
			t.Errorf("%s after the round finished: %v, want conflict", name, err)
		}
	}
	got, err := f.s.Contest(f.ctx, f.admin, c.ID)
	f.must(err)
	if got.Rounds[0].Questions[0].Stem != r.Questions[0].Stem || len(got.Participants) != len(c.Participants) {
		t.Errorf("a refused edit changed the contest")
	}
	// The title still can change, and the weight, which only decides the overall.
	_, err = f.s.UpdateContest(f.ctx, f.admin, c.ID, ContestEdit{Title: "决赛", TeamRule: c.TeamRule})
	f.must(err)
	_, err = f.s.SetWeight(f.ctx, f.admin, c.ID, r.ID, scoring.RoundScale{Weight: 40})
	f.must(err)
}

func errOf(_ Contest, err error) error { return err }

func TestReplaceQuestionDuringRoundBeforeItIsShown(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "必答", Kind: Speed})
	r := c.Rounds[0].ID
	c, err := f.s.AddQuestion(f.ctx, f.admin, c.ID, r, speedQuestion("第二题有错字"))
	f.must(err)
	q1, q2 := c.Rounds[0].Questions[0].ID, c.Rounds[0].Questions[1].ID
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r))
	_, err = f.s.ReplaceQuestion(f.ctx, f.admin, c.ID, r, q1, speedQuestion("已显示的题"))
	wantCode(t, err, gridskill.ECONFLICT)
	_, err = f.s.ReplaceQuestion(f.ctx, f.admin, c.ID, r, q2, speedQuestion("第二题改正"))
	f.must(err)
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActClose, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r))
	l := f.s.liveOf(c.ID)
	l.mu.Lock()
	stem := l.round.Questions[l.st.Item].Stem
	l.mu.Unlock()
	if stem != "第二题改正" {
		t.Errorf("the live round shows %q", stem)
	}
}

func TestRehearsalKeepsNoResults(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "必答", Kind: Speed})
	r := c.Rounds[0].ID
	host := func(action string) { f.t.Helper(); f.must(f.s.Host(f.ctx, f.admin, c.ID, action, r)) }
	host(ActRehearse)
	if !f.s.Rehearsal(c.ID) {
		t.Fatal("not a rehearsal")
	}
	host(ActNext)
	_, err := f.s.Answer(f.ctx, f.user(seed.WorkerID), c.ID, AnswerRequest{Item: 0, Answer: []string{"A"}})
	f.must(err)
	host(ActClose)
	host(ActFinish)
	wantCode(t, f.s.Host(f.ctx, f.admin, c.ID, ActStart, r), gridskill.ECONFLICT) // reset first
	host(ActReset)
	got, err := f.s.Contest(f.ctx, f.admin, c.ID)
	f.must(err)
	if !got.Rounds[0].Finished.IsZero() {
		t.Fatal("the rehearsal finished the round")
	}
	st, err := f.s.Standings(f.ctx, f.admin, c.ID)
	f.must(err)
	if len(st.Rounds) != 0 {
		t.Fatalf("the rehearsal kept results: %+v", st.Rounds)
	}
	// The real round takes the same worker's answer afresh.
	host(ActStart)
	host(ActNext)
	res, err := f.s.Answer(f.ctx, f.user(seed.WorkerID), c.ID, AnswerRequest{Item: 0, Answer: []string{"B"}})
	f.must(err)
	if len(res.Answer) != 1 || res.Answer[0] != "B" {
		t.Fatalf("the real round answered with the rehearsal's answer: %+v", res)
	}
	// A real round that has shown a question is not reset.
	wantCode(t, f.s.Host(f.ctx, f.admin, c.ID, ActReset, r), gridskill.ECONFLICT)
}

// A finished round's podium keeps it live; a question it never showed is
// still not replaced then.
func TestFinishedRoundsUnshownQuestionIsNotReplaced(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "必答", Kind: Speed})
	r := c.Rounds[0].ID
	c, err := f.s.AddQuestion(f.ctx, f.admin, c.ID, r, speedQuestion("未出的题"))
	f.must(err)
	unshown := c.Rounds[0].Questions[len(c.Rounds[0].Questions)-1].ID
	for _, a := range []string{ActStart, ActNext, ActClose, ActFinish} {
		f.must(f.s.Host(f.ctx, f.admin, c.ID, a, r))
	}
	_, err = f.s.ReplaceQuestion(f.ctx, f.admin, c.ID, r, unshown, speedQuestion("赛后换题"))
	wantCode(t, err, gridskill.ECONFLICT)
	got, err := f.s.Contest(f.ctx, f.admin, c.ID)
	f.must(err)
	if q := got.Rounds[0].Questions[len(got.Rounds[0].Questions)-1]; q.Stem != "未出的题" {
		t.Errorf("the refused replacement changed the question: %q", q.Stem)
	}
}
