package democontest_test

import (
	"strings"
	"testing"
	"time"

	"gridskill"
	"gridskill/contest"
	"gridskill/people"
	"gridskill/seed"
	"gridskill/seed/democontest"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The demo contest draws every question round from the contest bank, gives
// the judge round one task per shipped card with the cards' rubrics in its
// description, and is set up only once.
func TestDemoContestDrawsTheContestBankAndTheJudgeCards(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := democontest.Load(ctx, db, ps, clock); err != nil {
			t.Fatal(err)
		}
	}
	cs := contest.NewService(db, ps, nil, clock, nil)
	if err := cs.Load(ctx); err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	admin, _ := ps.User(ctx, seed.DistrictAdminID)
	all, err := cs.Managed(ctx, admin)
	if err != nil || len(all) != 1 || all[0].Title != democontest.Title {
		t.Fatalf("contests after two loads: %d (%v); want the demo contest once", len(all), err)
	}
	c := all[0]
	if len(c.Participants) < 4 || len(c.Rounds) != 5 {
		t.Fatalf("%d participants, %d rounds; want the community's workers and five rounds", len(c.Participants), len(c.Rounds))
	}
	for _, r := range c.Rounds[:4] {
		if len(r.Questions) == 0 {
			t.Errorf("round %s has no questions", r.Title)
		}
		for _, q := range r.Questions {
			if q.BankID == "" || q.Validate() != nil {
				t.Errorf("round %s: %q is not a valid bank question", r.Title, q.Stem)
			}
		}
	}
	cards, err := seed.JudgeCards()
	if err != nil {
		t.Fatal(err)
	}
	judge := c.Rounds[4]
	if judge.Kind != contest.Judge || len(judge.Tasks) != len(cards) || len(judge.Judges) != 1 {
		t.Fatalf("judge round: kind %s, %d tasks, %d judges; want %d tasks and the trainer", judge.Kind, len(judge.Tasks), len(judge.Judges), len(cards))
	}
	for i, card := range cards {
		if judge.Tasks[i].Title != card.Title {
			t.Errorf("task %d is %q; want the card %q", i+1, judge.Tasks[i].Title, card.Title)
		}
		for _, r := range card.Rubric {
			if !strings.Contains(c.Description, r.Criterion) {
				t.Errorf("the description lacks %s's criterion %s", card.Slug, r.Criterion)
			}
		}
	}
}
