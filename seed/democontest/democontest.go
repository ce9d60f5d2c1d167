// Package democontest sets up the demo district's skills competition (技能
// 大比武) from the shipped contest bank and judge cards. It is its own
// package because contest's tests load the seed package: seed cannot import
// contest.
package democontest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/contest"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/seed"
)

// Title is the demo contest's title; a contest of that title already there
// is left alone.
const Title = "明湖区网格员技能大比武（示范）"

// round is one round of the demo contest: what it is, and which tag of the
// contest bank its questions are drawn from.
type round struct {
	contest.Round
	Tag      string
	Count    int
	Points   int
	LimitSec int
}

// rounds are the demo contest's question rounds, in order, drawn from the
// contest bank's format tags (seed/content/questions/07-contest.csv).
func rounds() []round {
	return []round{
		{Round: contest.Round{Title: "必答题", Kind: contest.Speed, ReadSec: 5}, Tag: "必答", Count: 10, Points: 100, LimitSec: 20},
		{Round: contest.Round{Title: "情景题", Kind: contest.Speed, ReadSec: 10}, Tag: "情景题", Count: 8, Points: 150, LimitSec: 45},
		{Round: contest.Round{Title: "抢答题", Kind: contest.Buzzer, Penalty: 50, AnswerSec: 10}, Tag: "抢答", Count: 10, Points: 100, LimitSec: 15},
		{Round: contest.Round{Title: "风险题", Kind: contest.Wager, Stakes: []int{100, 200, 300}}, Tag: "风险题", Count: 6, Points: 100, LimitSec: 40},
	}
}

// JudgeRoundTitle is the title of the demo contest's judge round.
const JudgeRoundTitle = "评委打分：情景演练"

// Load creates the demo contest, run by the demo district admin for the
// workers of community 1-1: four question rounds drawn from the contest
// bank, and a judge round with one task per shipped judge card, performed by
// the first participants and scored by the demo trainer. The cards' scenes
// and rubrics are the contest's description, for the panel. Running it
// again changes nothing.
func Load(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock) error {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	qs := quiz.NewService(db, ps, clock, quiet)
	if err := qs.Load(ctx); err != nil {
		return err
	}
	defer qs.Close()
	cs := contest.NewService(db, ps, qs, clock, quiet)
	if err := cs.Load(ctx); err != nil {
		return err
	}
	defer cs.Close()
	admin, err := ps.User(ctx, seed.DistrictAdminID)
	if err != nil {
		return err
	}
	existing, err := cs.Managed(ctx, admin)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(existing, func(c contest.Contest) bool { return c.Title == Title }) {
		return nil
	}
	cards, err := seed.JudgeCards()
	if err != nil {
		return err
	}
	if err := build(ctx, cs, admin, cards); err != nil {
		return fmt.Errorf("demo contest: %w", err)
	}
	return nil
}

// build creates the contest with its participants, rounds and judge tasks.
func build(ctx context.Context, cs *contest.Service, admin people.User, cards []seed.JudgeCard) error {
	c, err := cs.Create(ctx, admin, contest.Contest{Title: Title, Description: Description(cards), Streak: true})
	if err != nil {
		return err
	}
	if c, err = cs.SetParticipantsByUnits(ctx, admin, c.ID, []string{seed.Community11ID}); err != nil {
		return err
	}
	for _, r := range rounds() {
		if c, err = cs.AddRound(ctx, admin, c.ID, r.Round); err != nil {
			return err
		}
		roundID := c.Rounds[len(c.Rounds)-1].ID
		if _, err = cs.PickQuestions(ctx, admin, c.ID, roundID, contest.Pick{Tag: r.Tag, Count: r.Count, Points: r.Points, LimitSec: r.LimitSec}); err != nil {
			return fmt.Errorf("%s: %w", r.Title, err)
		}
	}
	if c, err = cs.AddRound(ctx, admin, c.ID, contest.Round{Title: JudgeRoundTitle, Kind: contest.Judge}); err != nil {
		return err
	}
	judge := c.Rounds[len(c.Rounds)-1].ID
	if len(c.Participants) < len(cards) {
		return fmt.Errorf("%d participants for %d judge cards", len(c.Participants), len(cards))
	}
	for i, card := range cards {
		if _, err = cs.AddTask(ctx, admin, c.ID, judge, contest.Task{Title: card.Title, PerformerID: c.Participants[i].ID}); err != nil {
			return fmt.Errorf("task %s: %w", card.Slug, err)
		}
	}
	trainer := seed.DemoLogins()[2].Phone
	_, err = cs.SetJudges(ctx, admin, c.ID, judge, []string{trainer})
	return err
}

// Description is the demo contest's description: every judge card's scene,
// what the performer must do and its rubric, for the panel to score by.
func Description(cards []seed.JudgeCard) string {
	briefs := []string{fmt.Sprintf("评委打分卡（每张满分%d分，按下列各项给分后合计）", seed.JudgeCardPoints)}
	for i, c := range cards {
		briefs = append(briefs, fmt.Sprintf("%d. %s", i+1, c.Brief()))
	}
	return strings.Join(briefs, "\n\n")
}
