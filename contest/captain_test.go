package contest

import (
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/seed"
)

// Two communities take part: 翠苑社区 (the demo worker's grid, nine workers)
// and 柳岸社区 (one grid, eight workers).
const (
	teamA = seed.Community11ID
	teamB = "unit-s1-c2"
	gridB = "unit-s1-c2-g1"
)

// captainContest makes a contest of two community teams with the given
// rounds, each holding one speed question worth 1000 with 20 s to answer.
func captainContest(f *fixture, rounds ...Round) Contest {
	f.t.Helper()
	c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "队长代答", TeamRule: scoring.TeamRule{Method: scoring.TeamMean}})
	f.must(err)
	c, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID, gridB})
	f.must(err)
	for _, r := range rounds {
		c, err = f.s.AddRound(f.ctx, f.admin, c.ID, r)
		f.must(err)
		c, err = f.s.AddQuestion(f.ctx, f.admin, c.ID, c.Rounds[len(c.Rounds)-1].ID, Question{Stem: "发现群众向陌生账户转账，应当？",
			Type: scoring.Single, Points: 1000, LimitSec: 20, Options: []Option{{Key: "A", Text: "劝阻并报告"}, {Key: "B", Text: "不管"}}, Correct: []string{"A"}})
		f.must(err)
	}
	return c
}

func (f *fixture) user(id string) people.User {
	f.t.Helper()
	u, err := f.ps.User(f.ctx, id)
	f.must(err)
	return u
}

// memberOf returns a member of the team other than except.
func memberOf(c Contest, team, except string) string {
	for _, p := range c.Members(team) {
		if p.ID != except {
			return p.ID
		}
	}
	return ""
}

func TestCaptainRoundScoresTheTeam(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "个人必答", Kind: Speed}, Round{Title: "队长必答", Kind: Speed, Captains: true})
	for _, team := range c.Teams {
		if members := c.Members(team.ID); len(members) == 0 || team.CaptainID != members[0].ID {
			t.Fatalf("team %s has captain %q, want its first member", team.Name, team.CaptainID)
		}
	}
	c, err := f.s.SetCaptains(f.ctx, f.admin, c.ID, map[string]string{teamA: seed.WorkerID})
	f.must(err)
	captainB, _ := c.Captain(teamB)
	memberA, memberB := memberOf(c, teamA, seed.WorkerID), memberOf(c, teamB, captainB.ID)
	individual, captains := c.Rounds[0].ID, c.Rounds[1].ID
	host := func(round, action string) { f.t.Helper(); f.must(f.s.Host(f.ctx, f.admin, c.ID, action, round)) }
	answer := func(worker, key string) error {
		_, err := f.s.Answer(f.ctx, f.user(worker), c.ID, AnswerRequest{Item: 0, Answer: []string{key}})
		return err
	}

	// Individual play: everyone answers for themselves. With no reading
	// time the options show at once.
	host(individual, ActStart)
	host(individual, ActNext)
	f.must(answer(seed.WorkerID, "A")) // 1000
	f.must(answer(memberA, "B"))
	f.clock.Advance(5 * time.Second)
	f.must(answer(memberB, "A")) // 1000 × (1 − 5/40) = 875
	host(individual, ActClose)
	host(individual, ActFinish)

	// Captain play: only the captains answer.
	host(captains, ActStart)
	host(captains, ActNext)
	err = answer(memberA, "A")
	if gridskill.ErrorCode(err) != gridskill.EFORBIDDEN || gridskill.ErrorMessage(err) != "your team's captain answers in this round" {
		t.Fatalf("a member's answer in a captain round: %v, want forbidden", err)
	}
	stored, err := f.s.Answers(f.ctx, f.admin, c.ID, captains)
	f.must(err)
	if l := f.s.liveOf(c.ID); len(stored) != 0 || l.answered != 0 {
		t.Fatalf("a refused answer left %d stored answers and %d counted", len(stored), l.answered)
	}
	if name, ok := f.s.LiveCaptain(c.ID, memberA); !ok || name != "张晓婷" {
		t.Errorf("a member's phone is told %q (%v) answers, want 张晓婷", name, ok)
	}
	if _, ok := f.s.LiveCaptain(c.ID, seed.WorkerID); ok {
		t.Error("the captain's phone is told someone else answers")
	}
	f.must(answer(seed.WorkerID, "A"))
	f.must(answer(captainB.ID, "B"))
	host(captains, ActClose)
	host(captains, ActFinish)

	st, err := f.s.Standings(f.ctx, f.admin, c.ID)
	f.must(err)
	round := st.Rounds[1]
	if len(round.People) != 0 || len(round.Teams) != 2 ||
		round.Teams[0] != (Row{Rank: 1, ID: teamA, Name: "翠苑社区", Captain: "张晓婷", Points: 1000}) ||
		round.Teams[1].ID != teamB || round.Teams[1].Points != 0 || round.Teams[1].Captain != captainB.Name {
		t.Fatalf("captain round standings: people %+v, teams %+v", round.People, round.Teams)
	}
	// Individual standings leave the captain round out.
	if top := st.Overall[0]; top.ID != seed.WorkerID || top.Points != 1000 {
		t.Fatalf("overall leader %+v, want the demo worker with 1000 (the captain round not counted)", top)
	}
	// Teams: the mean of the members' individual totals plus the captain round.
	want := map[string]float64{teamA: 111.11 + 1000, teamB: 109.38} // 1000 / 9 members, 875 / 8 members
	for _, row := range st.Teams {
		if row.Points != want[row.ID] {
			t.Errorf("team %s overall %v, want %v", row.Name, row.Points, want[row.ID])
		}
	}
	if len(st.Teams) != 2 || st.Teams[0].ID != teamA {
		t.Errorf("overall teams %+v, want 翠苑社区 first", st.Teams)
	}
	// Advancement works on individual standings only.
	c, err = f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "决赛", Kind: Speed})
	f.must(err)
	final := c.Rounds[2].ID
	if _, err := f.s.Advance(f.ctx, f.admin, c.ID, final, captains, 3, false); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Errorf("advancing from a captain round: %v, want invalid", err)
	}
	c, err = f.s.Advance(f.ctx, f.admin, c.ID, final, individual, 1, true)
	f.must(err)
	if got := c.Rounds[2].Entrants; len(got) != 2 || got[0] != seed.WorkerID {
		t.Errorf("top 1 of each team from the individual round: %v", got)
	}
}

func TestCaptainChangesAreChecked(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "队长抢答", Kind: Buzzer, Captains: true})
	before, ok := c.Captain(teamA)
	if !ok {
		t.Fatal("team A has no captain to keep") // else "the captain did not move" holds of nobody
	}
	memberB := memberOf(c, teamB, "")
	cases := []struct {
		name     string
		captains map[string]string
		want     string
	}{
		{"RefusesANonMember", map[string]string{teamA: memberB}, gridskill.EINVALID},
		{"RefusesSomeoneNotTakingPart", map[string]string{teamA: "user-trainer"}, gridskill.EINVALID},
		{"RefusesAnUnknownTeam", map[string]string{"unit-s2-c1": memberB}, gridskill.EINVALID},
		{"RefusesNothing", map[string]string{}, gridskill.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.s.SetCaptains(f.ctx, f.admin, c.ID, tc.captains); gridskill.ErrorCode(err) != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
	t.Run("RefusesAWorker", func(t *testing.T) {
		if _, err := f.s.SetCaptains(f.ctx, f.user(seed.WorkerID), c.ID, map[string]string{teamA: seed.WorkerID}); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Fatalf("got %v, want forbidden", err)
		}
	})
	t.Run("RefusesAChangeWhileARoundRuns", func(t *testing.T) {
		f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, c.Rounds[0].ID))
		other := memberOf(c, teamA, before.ID)
		if _, err := f.s.SetCaptains(f.ctx, f.admin, c.ID, map[string]string{teamA: other}); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
			t.Fatalf("got %v, want conflict", err)
		}
	})
	got, err := f.s.Contest(f.ctx, f.admin, c.ID)
	f.must(err)
	if now, ok := got.Captain(teamA); !ok || now.ID != before.ID {
		t.Errorf("the refused changes moved the captain from %s to %s", before.ID, now.ID)
	}
	if _, err := f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "评委", Kind: Judge, Captains: true}); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Errorf("a judge round answered by captains: %v, want invalid", err)
	}
}

func TestCaptainRoundRestartsFromItsFacts(t *testing.T) {
	f := newFixture(t)
	c := captainContest(f, Round{Title: "队长风险题", Kind: Wager, Stakes: []int{100, 300}, Captains: true})
	round := c.Rounds[0].ID
	captainA, _ := c.Captain(teamA)
	captainB, _ := c.Captain(teamB)
	memberA := memberOf(c, teamA, captainA.ID)
	host := func(s *Service, action string) { f.t.Helper(); f.must(s.Host(f.ctx, f.admin, c.ID, action, round)) }
	host(f.s, ActStart)
	host(f.s, ActNext)
	if err := f.s.Stake(f.ctx, f.user(memberA), c.ID, 0, 300); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a member's stake: %v, want forbidden", err)
	}
	f.must(f.s.Stake(f.ctx, f.user(captainA.ID), c.ID, 0, 300))
	f.must(f.s.Stake(f.ctx, f.user(captainB.ID), c.ID, 0, 100))
	host(f.s, ActShow)
	_, err := f.s.Answer(f.ctx, f.user(captainA.ID), c.ID, AnswerRequest{Item: 0, Answer: []string{"A"}})
	f.must(err)
	f.clock.Advance(2 * time.Second)

	s := f.restart()
	if _, err := s.Answer(f.ctx, f.user(memberA), c.ID, AnswerRequest{Item: 0, Answer: []string{"A"}}); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a member's answer after the restart: %v, want forbidden", err)
	}
	host(s, ActResume)
	_, err = s.Answer(f.ctx, f.user(captainB.ID), c.ID, AnswerRequest{Item: 0, Answer: []string{"B"}})
	f.must(err)
	host(s, ActClose)
	host(s, ActFinish)
	st, err := s.Standings(f.ctx, f.admin, c.ID)
	f.must(err)
	teams := st.Rounds[0].Teams
	if len(teams) != 2 || teams[0].ID != teamA || teams[0].Points != 300 || teams[1].Points != -100 {
		t.Fatalf("wager captain round after a restart: %+v, want 翠苑社区 +300 and 柳岸社区 −100", teams)
	}
	if len(st.Overall) != 0 || st.Teams[0].Points != 300 {
		t.Fatalf("overall: people %+v (want none), teams %+v", st.Overall, st.Teams)
	}
}
