package contest

import (
	"bytes"
	"slices"
	"testing"

	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/sheet"
)

// playSpeed plays a one-question speed round: the listed workers answer A
// (right), the others nothing.
func playSpeed(f *fixture, c Contest, round string, right ...string) {
	f.t.Helper()
	for _, a := range []string{ActStart, ActNext} {
		f.must(f.s.Host(f.ctx, f.admin, c.ID, a, round))
	}
	for _, w := range right {
		_, err := f.s.Answer(f.ctx, f.user(w), c.ID, AnswerRequest{Item: 0, Answer: []string{"A"}})
		f.must(err)
	}
	for _, a := range []string{ActClose, ActFinish} {
		f.must(f.s.Host(f.ctx, f.admin, c.ID, a, round))
	}
}

func TestExportFeedsTheNextLevelsImport(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "社区初赛", Kind: Speed})
	outsider := memberOf(c, teamB, "")
	playSpeed(f, c, c.Rounds[0].ID, seed.WorkerID, outsider)

	var buf bytes.Buffer
	f.must(f.s.ExportXLSX(f.ctx, f.admin, c.ID, &buf))
	tab, err := sheet.Read(bytes.NewReader(buf.Bytes()), "results.xlsx", sheet.DefaultLimits())
	f.must(err)
	for _, col := range []string{ColRank, ColName, ColPhone, ColUnit, ColTeam, ColTotal, ColTeamPos, "社区初赛"} {
		if tab.Col(col) < 0 {
			t.Fatalf("the export has no %s column", col)
		}
	}
	if len(tab.Rows) != len(c.Participants) {
		t.Fatalf("%d rows for %d participants", len(tab.Rows), len(c.Participants))
	}
	first := tab.Rows[0]
	if first.Cell(tab.Col(ColPhone)) == "" || first.Cell(tab.Col(ColUnit)) == "" || first.Cell(tab.Col(ColRank)) != "1" {
		t.Errorf("the first row lacks a phone, unit or rank: %v", first)
	}

	next, err := f.s.Create(f.ctx, f.admin, Contest{Title: "街道决赛"})
	f.must(err)
	next, err = f.s.ImportParticipants(f.ctx, f.admin, next.ID, bytes.NewReader(buf.Bytes()), "results.xlsx")
	f.must(err)
	ids := func(c Contest) []string {
		var out []string
		for _, p := range c.Participants {
			out = append(out, p.ID)
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(ids(next), ids(c)) {
		t.Errorf("imported %v, exported %v", ids(next), ids(c))
	}
	if p, _ := next.Participant(seed.WorkerID); next.TeamName(p.TeamID) != c.TeamName(teamA) {
		t.Errorf("the worker's team came back as %q, want %q", next.TeamName(p.TeamID), c.TeamName(teamA))
	}
}

func TestTeamAwardsNameTheTeamsAndStayOffWorkersRecords(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "必答", Kind: Speed})
	outsider := memberOf(c, teamB, "")
	playSpeed(f, c, c.Rounds[0].ID, seed.WorkerID, outsider, memberOf(c, teamB, outsider))
	_, err := f.s.GrantAwards(f.ctx, f.admin, c.ID, AwardPlan{First: 1, TeamFirst: 1, TeamSecond: 1, TeamThird: -1})
	wantCode(t, err, "invalid")
	recs, err := f.s.GrantAwards(f.ctx, f.admin, c.ID, AwardPlan{First: 1, TeamFirst: 1, TeamSecond: 1})
	f.must(err)
	var team []AwardRecord
	for _, r := range recs {
		if r.TeamID != "" {
			team = append(team, r)
		} else if r.Name == "" || r.Team == "" {
			t.Errorf("individual award %+v names no one", r)
		}
	}
	// 柳岸社区 had two right answers of eight, 翠苑社区 one of nine.
	if len(team) != 2 || team[0].TeamID != teamB || team[0].Name != c.TeamName(teamB) || team[0].Level != scoring.FirstPrize || team[1].TeamID != teamA {
		t.Fatalf("team awards %+v", team)
	}
	got, err := f.s.ContestAwards(f.ctx, f.admin, c.ID)
	f.must(err)
	if len(got) != len(recs) || got[len(got)-1].TeamID == "" {
		t.Errorf("the contest's awards list individuals then teams: %+v", got)
	}
	mine, err := f.s.Awards(f.ctx, seed.WorkerID)
	f.must(err)
	for _, a := range mine {
		if a.ContestID == c.ID && a.Level != scoring.FirstPrize {
			t.Errorf("the worker's record holds %+v", a)
		}
	}
}
