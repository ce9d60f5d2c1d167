package contest

import (
	"slices"
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

func TestScoreSheetAndPanelBreakdown(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f)
	c, err := f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "情景模拟", Kind: Judge})
	f.must(err)
	r := c.Rounds[0].ID
	_, err = ParseCriteria("程序规范 30, 沟通技巧 40")
	wantCode(t, err, gridskill.EINVALID) // 70, not 100
	sheet, err := ParseCriteria("程序规范 30，沟通技巧 40，处置效果 30")
	f.must(err)
	c, err = f.s.SetCriteria(f.ctx, f.admin, c.ID, r, sheet)
	f.must(err)
	performer := memberOf(c, teamB, "")
	c, err = f.s.AddTask(f.ctx, f.admin, c.ID, r, Task{Title: "入户走访", PerformerID: performer})
	f.must(err)
	j1, j2 := seed.WorkerID, memberOf(c, teamA, seed.WorkerID)
	j3 := memberOf(c, teamA, j2)
	if j3 == seed.WorkerID || j3 == "" {
		t.Fatal("no third judge")
	}
	c, err = f.s.SetJudges(f.ctx, f.admin, c.ID, r, []string{f.user(j1).Phone, f.user(j2).Phone, f.user(j3).Phone})
	f.must(err)
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r))
	wantCode(t, f.s.ScoreSheet(f.ctx, f.user(j1), c.ID, 0, []float64{31, 40, 29}), gridskill.EINVALID) // above 30
	wantCode(t, f.s.ScoreSheet(f.ctx, f.user(j1), c.ID, 0, []float64{30, 40}), gridskill.EINVALID)
	f.must(f.s.ScoreSheet(f.ctx, f.user(j1), c.ID, 0, []float64{30, 40, 30})) // 100
	f.must(f.s.ScoreSheet(f.ctx, f.user(j2), c.ID, 0, []float64{20, 30, 20})) // 70
	f.must(f.s.ScoreSheet(f.ctx, f.user(j3), c.ID, 0, []float64{25, 35, 20})) // 80
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActClose, r))
	l := f.s.liveOf(c.ID)
	l.mu.Lock()
	panel, score := l.panelScores(), l.lastJudge
	l.mu.Unlock()
	if score != 80 || len(panel) != 3 || panel[0].Dropped != "highest" || panel[1].Dropped != "lowest" || panel[2].Dropped != "" || panel[2].Score != 80 || panel[0].Judge == "" {
		t.Errorf("panel %+v, score %v; want 100 dropped as highest, 70 as lowest, 80", panel, score)
	}
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActFinish, r))
	panels, err := f.s.Panels(f.ctx, f.user(performer), c.ID)
	f.must(err)
	tp := panels[r]
	if len(tp) != 1 || tp[0].Score != 80 || len(tp[0].Scores) != 3 || tp[0].Scores[0].Dropped != "highest" || tp[0].Scores[1].Dropped != "lowest" || tp[0].Performer == "" {
		t.Errorf("the finished round's panels: %+v", tp)
	}
	if len(tp) == 1 && len(tp[0].Scores) == 3 && !slices.Equal(tp[0].Scores[1].Marks, []float64{20, 30, 20}) {
		t.Errorf("each criterion's mark is not kept: %+v", tp[0].Scores)
	}
	outsider, err := f.ps.User(f.ctx, seed.TrainerID)
	f.must(err)
	_, err = f.s.Panels(f.ctx, outsider, c.ID)
	wantCode(t, err, gridskill.EFORBIDDEN)
}

func TestHostIsWarnedBeforeClosingAnUnscoredTask(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f)
	c, err := f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "情景模拟", Kind: Judge})
	f.must(err)
	r := c.Rounds[0].ID
	performer := memberOf(c, teamB, "")
	c, err = f.s.AddTask(f.ctx, f.admin, c.ID, r, Task{Title: "入户走访", PerformerID: performer})
	f.must(err)
	j2 := memberOf(c, teamA, seed.WorkerID)
	c, err = f.s.SetJudges(f.ctx, f.admin, c.ID, r, []string{f.user(seed.WorkerID).Phone, f.user(j2).Phone})
	f.must(err)
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r))
	f.must(f.s.Score(f.ctx, f.user(seed.WorkerID), c.ID, 0, 90))
	err = f.s.Host(f.ctx, f.admin, c.ID, ActClose, r)
	wantCode(t, err, gridskill.ECONFLICT)
	if _, phase, _ := f.s.LiveRound(c.ID); phase != phaseJudging {
		t.Fatalf("the warning closed the task: %s", phase)
	}
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActClose, r)) // pressed again: closes with one score
	if _, phase, _ := f.s.LiveRound(c.ID); phase != phaseResults {
		t.Fatalf("phase %s after the second close", phase)
	}
}
