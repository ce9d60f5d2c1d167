package contest

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
)

// Online is the online preliminary round (线上初赛): a paper from the bank
// in a time window, sat like an exam through quiz, by the contest's
// participant units; ranked by score, then time used.
const Online Kind = "online"

// OnlineSpec is what the organizer sets for an online round.
type OnlineSpec struct {
	Title    string
	Tag      string // questions drawn from this tag; empty for the whole bank
	Count    int
	OpensAt  time.Time
	ClosesAt time.Time
	Duration time.Duration
}

// AddOnlineRound appends an online round and sets up its exam for the
// contest's participant units. Set the participants first. Errors: invalid,
// not_found, forbidden, and those of quiz's CreateExam.
func (s *Service) AddOnlineRound(ctx context.Context, actor people.User, id string, spec OnlineSpec) (Contest, error) {
	if s.quiz == nil {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the question bank is not available; type the questions in")
	}
	c, err := s.managed(actor, id)
	if err != nil {
		return Contest{}, err
	}
	if len(c.UnitIDs) == 0 {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "an online round needs participants chosen by unit")
	}
	spec.Title = strings.TrimSpace(spec.Title)
	if spec.Title == "" || len([]rune(spec.Title)) > MaxTitle {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the round needs a title of at most %d characters", MaxTitle)
	}
	if err := titleText.Check(spec.Title); err != nil {
		return Contest{}, err
	}
	exam, err := s.quiz.CreateExam(ctx, actor, quiz.Exam{Title: c.Title + " · " + spec.Title, UnitIDs: c.UnitIDs,
		OpensAt: spec.OpensAt, ClosesAt: spec.ClosesAt, Duration: spec.Duration, MaxAttempts: 1, Counts: quiz.CountHighest,
		Review: quiz.ReviewAfterClose, Rules: []quiz.Rule{{Tag: spec.Tag, Count: spec.Count}}})
	if err != nil {
		return Contest{}, err
	}
	return s.change(ctx, actor, id, Act{"Round added", spec.Title}, func(c *Contest) error {
		if len(c.Rounds) >= MaxRounds {
			return gridskill.Errorf(gridskill.EINVALID, "a contest has at most %d rounds", MaxRounds)
		}
		c.Rounds = append(c.Rounds, Round{ID: nextRoundID(*c), Title: spec.Title, Kind: Online, ExamID: exam.ID})
		return nil
	})
}

// CloseOnline takes an online round's results from its exam: each
// participant's counted attempt, ranked by score, then time used. The round
// is then finished and can feed advancement. Errors: invalid, not_found,
// forbidden, conflict (already closed), internal.
func (s *Service) CloseOnline(ctx context.Context, actor people.User, id, roundID string) error {
	c, err := s.managed(actor, id)
	if err != nil {
		return err
	}
	r, _, ok := c.Round(roundID)
	if !ok {
		return gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
	}
	if r.Kind != Online {
		return gridskill.Errorf(gridskill.EINVALID, "only an online round takes its results from an exam")
	}
	if !r.Finished.IsZero() {
		return gridskill.Errorf(gridskill.ECONFLICT, "this round has finished")
	}
	attempts, _, err := s.quiz.ExamResults(ctx, actor, r.ExamID)
	if err != nil {
		return err
	}
	best := map[string]quiz.AttemptResult{}
	for _, a := range attempts {
		if _, ok := c.Participant(a.UserID); !ok || !r.Plays(a.UserID) {
			continue
		}
		if cur, ok := best[a.UserID]; !ok || cmp.Or(cmp.Compare(a.Score, cur.Score), cmp.Compare(used(cur), used(a))) > 0 {
			best[a.UserID] = a
		}
	}
	res := resultDoc{ID: c.ID + ":" + r.ID, Contest: c.ID, Round: r.ID, At: s.clock.Now()}
	for _, a := range best {
		res.Entries = append(res.Entries, resultEntry{Worker: a.UserID, Points: a.Score, TimeMS: used(a).Milliseconds()})
	}
	slices.SortFunc(res.Entries, func(a, b resultEntry) int { return strings.Compare(a.Worker, b.Worker) })
	if err := s.repo.saveResult(ctx, res); err != nil {
		return gridskill.Internal(err)
	}
	_, err = s.markFinished(ctx, c.ID, r.ID, res.At)
	return err
}

// used is the time an attempt took.
func used(a quiz.AttemptResult) time.Duration { return max(a.SubmittedAt.Sub(a.StartedAt), 0) }
