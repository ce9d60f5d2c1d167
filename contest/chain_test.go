package contest

import (
	"testing"

	"gridskill"
	"gridskill/seed"
)

func TestAContestTakesItsEntrantsFromAnothersResults(t *testing.T) {
	f := newFixture(t)
	prelim := captainContest(f, Round{Title: "社区初赛", Kind: Speed})
	b1 := memberOf(prelim, teamB, "")
	b2 := memberOf(prelim, teamB, b1)
	playSpeed(f, prelim, prelim.Rounds[0].ID, seed.WorkerID, b1, b2)

	final, err := f.s.Create(f.ctx, f.admin, Contest{Title: "街道决赛"})
	f.must(err)
	final, err = f.s.AdvanceFrom(f.ctx, f.admin, final.ID, prelim.ID, 1, PerUnit)
	f.must(err)
	if len(final.Participants) != 2 || len(final.Advanced) != 2 || len(final.Teams) != 2 {
		t.Fatalf("the top 1 of each community: %+v, teams %+v", final.Advanced, final.Teams)
	}
	for _, a := range final.Advanced {
		p, _ := final.Participant(a.WorkerID)
		if a.FromContest != prelim.ID || a.FromTitle != "队长代答" || a.Rank < 1 || final.TeamName(p.TeamID) == "" {
			t.Errorf("advancement %+v, team %q", a, final.TeamName(p.TeamID))
		}
	}
	if feeds := f.s.Feeds(prelim); len(feeds) != 1 || feeds[0].ContestID != final.ID || feeds[0].Count != 2 {
		t.Errorf("the earlier contest feeds %+v", feeds)
	}
	// Again, top 3 overall: replaces, not adds.
	final, err = f.s.AdvanceFrom(f.ctx, f.admin, final.ID, prelim.ID, 3, PerAll)
	f.must(err)
	if len(final.Participants) != 3 || len(final.Advanced) != 3 {
		t.Fatalf("the top 3 overall: %+v", final.Advanced)
	}

	// Bad input changes nothing.
	district, err := f.ps.User(f.ctx, seed.DistrictAdminID)
	f.must(err)
	theirs, err := f.s.Create(f.ctx, district, Contest{Title: "区级比赛"})
	f.must(err)
	_, err = f.s.AdvanceFrom(f.ctx, f.admin, final.ID, theirs.ID, 3, PerAll)
	wantCode(t, err, gridskill.EFORBIDDEN)
	_, err = f.s.AdvanceFrom(f.ctx, f.admin, final.ID, final.ID, 3, PerAll)
	wantCode(t, err, gridskill.EINVALID)
	_, err = f.s.AdvanceFrom(f.ctx, f.admin, final.ID, prelim.ID, 0, PerAll)
	wantCode(t, err, gridskill.EINVALID)
	_, err = f.s.AdvanceFrom(f.ctx, f.admin, final.ID, prelim.ID, 2, "grid")
	wantCode(t, err, gridskill.EINVALID)
	empty, err := f.s.Create(f.ctx, f.admin, Contest{Title: "未比的比赛"})
	f.must(err)
	_, err = f.s.AdvanceFrom(f.ctx, f.admin, final.ID, empty.ID, 2, PerAll)
	wantCode(t, err, gridskill.EINVALID)
	// Nothing of the refused ones changed the final.
	got, err := f.s.Contest(f.ctx, f.admin, final.ID)
	f.must(err)
	if len(got.Advanced) != 3 {
		t.Errorf("a refused advancement changed the final: %+v", got.Advanced)
	}
}
