package contest

import (
	"testing"

	"gridskill"
	"gridskill/seed"
)

func TestJudgesNeverScoreTheirOwnTask(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f)
	c, err := f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "情景模拟", Kind: Judge})
	f.must(err)
	r := c.Rounds[0].ID
	mate, outsider := memberOf(c, teamA, seed.WorkerID), memberOf(c, teamB, "")
	c, err = f.s.AddTask(f.ctx, f.admin, c.ID, r, Task{Title: "入户走访", PerformerID: seed.WorkerID, Team: true})
	f.must(err)
	c, err = f.s.AddTask(f.ctx, f.admin, c.ID, r, Task{Title: "矛盾调解", PerformerID: outsider})
	f.must(err)
	c, err = f.s.SetJudges(f.ctx, f.admin, c.ID, r, []string{f.user(seed.WorkerID).Phone, f.user(mate).Phone, f.user(outsider).Phone})
	f.must(err)
	team, solo := c.Rounds[0].Tasks[0], c.Rounds[0].Tasks[1]
	if got := c.Panel(c.Rounds[0], team); len(got) != 1 || got[0] != outsider {
		t.Fatalf("the team task's panel is %v, want only %s", got, outsider)
	}
	if got := c.Panel(c.Rounds[0], solo); len(got) != 2 {
		t.Fatalf("the solo task's panel is %v, want the two others", got)
	}

	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r))
	wantCode(t, f.s.Score(f.ctx, f.user(seed.WorkerID), c.ID, 0, 100), gridskill.EFORBIDDEN) // the performer
	wantCode(t, f.s.Score(f.ctx, f.user(mate), c.ID, 0, 100), gridskill.EFORBIDDEN)          // a teammate
	f.must(f.s.Score(f.ctx, f.user(outsider), c.ID, 0, 80))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActClose, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r))
	wantCode(t, f.s.Score(f.ctx, f.user(outsider), c.ID, 1, 100), gridskill.EFORBIDDEN) // performs the second
	f.must(f.s.Score(f.ctx, f.user(mate), c.ID, 1, 70))
	f.must(f.s.Score(f.ctx, f.user(seed.WorkerID), c.ID, 1, 90))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActClose, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActFinish, r))
	st, err := f.s.Standings(f.ctx, f.admin, c.ID)
	f.must(err)
	got := points(st.Rounds[0].People)
	if got[seed.WorkerID] != 80 || got[outsider] != 80 {
		t.Errorf("judge round points %v, want 80 for the team task's performer (one judge) and 80 for the solo task (mean of 70 and 90)", got)
	}
}
