package contest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// Editing a contest: everything can change until it is played. A round is
// played once it went live (a rehearsal aside) or finished; a contest is
// played once one of its rounds is. Every change goes through change, which
// records it in the contest's audit trail.

// Played reports whether a round of the contest has finished.
func (c Contest) Played() bool {
	return slices.ContainsFunc(c.Rounds, func(r Round) bool { return !r.Finished.IsZero() })
}

// nextID returns prefix and a number above every number of ids with that
// prefix, so that after a deletion a new item never takes the id of one in
// use (ids made from the count did).
func nextID(prefix string, ids []string) string {
	n := 0
	for _, id := range ids {
		if k, err := strconv.Atoi(strings.TrimPrefix(id, prefix)); err == nil && strings.HasPrefix(id, prefix) {
			n = max(n, k)
		}
	}
	return prefix + strconv.Itoa(n+1)
}

func nextRoundID(c Contest) string {
	ids := make([]string, len(c.Rounds))
	for i, r := range c.Rounds {
		ids[i] = r.ID
	}
	return nextID("r", ids)
}

func nextQuestionID(r Round) string {
	ids := make([]string, len(r.Questions))
	for i, q := range r.Questions {
		ids[i] = q.ID
	}
	return nextID("q", ids)
}

func nextTaskID(r Round) string {
	ids := make([]string, len(r.Tasks))
	for i, t := range r.Tasks {
		ids[i] = t.ID
	}
	return nextID("t", ids)
}

// ContestEdit is what the contest's own form changes.
type ContestEdit struct {
	Title       string
	Description string
	Streak      bool
	TeamRule    scoring.TeamRule
}

// UpdateContest changes a contest's title, description, streak bonus and
// team method. Once a round has finished only the title and description may
// change: the others would change results already announced. Errors:
// invalid, not_found, forbidden, conflict.
func (s *Service) UpdateContest(ctx context.Context, actor people.User, id string, e ContestEdit) (Contest, error) {
	e.Title, e.Description = strings.TrimSpace(e.Title), strings.TrimSpace(e.Description)
	return s.change(ctx, actor, id, Act{"Contest edited", e.Title}, func(c *Contest) error {
		if (c.Played() || s.running(c.ID)) && (e.Streak != c.Streak || e.TeamRule != c.TeamRule) {
			return gridskill.Errorf(gridskill.ECONFLICT, "a round has been played; only the title and description can change")
		}
		c.Title, c.Description, c.Streak, c.TeamRule = e.Title, e.Description, e.Streak, e.TeamRule
		return c.Validate()
	})
}

// DeleteContest removes a contest no round of which has been played.
// Errors: invalid, not_found, forbidden, conflict, unavailable, internal.
func (s *Service) DeleteContest(ctx context.Context, actor people.User, id string) error {
	c, err := s.managed(actor, id)
	if err != nil {
		return err
	}
	if err := s.fence(c.ID); err != nil {
		return err
	}
	if c.Played() || s.liveOf(c.ID) != nil {
		return gridskill.Errorf(gridskill.ECONFLICT, "a round of this contest has been played; it can no longer be deleted")
	}
	if err := s.repo.deleteContest(ctx, c.ID); err != nil {
		return gridskill.Internal(err)
	}
	s.mu.Lock()
	s.noteSavedLocked(c.ID)
	s.forgetLocked(c.ID)
	s.mu.Unlock()
	s.bump(ctx)
	s.audit(ctx, actor, c.ID, Act{"Contest deleted", c.Title})
	return nil
}

// UpdateRound changes a round's settings (title, timing, penalty, stakes,
// captain play, weight and full mark); its kind, questions, tasks, judges
// and entrants stay. Errors: invalid, not_found, forbidden, conflict (live
// or finished).
func (s *Service) UpdateRound(ctx context.Context, actor people.User, id, roundID string, e Round) (Contest, error) {
	e.Title = strings.TrimSpace(e.Title)
	return s.editRound(ctx, actor, id, roundID, Act{"Round edited", e.Title}, func(_ *Contest, r *Round) error {
		if r.Kind == Online {
			return gridskill.Errorf(gridskill.EINVALID, "an online round is changed through its exam")
		}
		next := *r
		next.Title, next.ReadSec, next.Penalty, next.PassOn, next.AnswerSec = e.Title, e.ReadSec, e.Penalty, e.PassOn, e.AnswerSec
		next.StakeSec = e.StakeSec
		next.Stakes, next.Captains, next.Weight, next.FullMark = slices.Clone(e.Stakes), e.Captains, e.Weight, e.FullMark
		if e.Criteria != nil {
			next.Criteria = slices.Clone(e.Criteria)
		}
		if next.Kind == Buzzer && next.AnswerSec == 0 {
			next.AnswerSec = 10
		}
		if err := next.Validate(); err != nil {
			return err
		}
		*r = next
		return nil
	})
}

// SetWeight changes how a round counts overall; a finished round too, since
// weights decide the overall standing, not the round's own. Errors: invalid,
// not_found, forbidden, conflict while the round is live.
func (s *Service) SetWeight(ctx context.Context, actor people.User, id, roundID string, scale scoring.RoundScale) (Contest, error) {
	if err := scale.Validate(); err != nil {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the weight must be between 0 and %d and the full mark 0 or more", scoring.MaxWeight)
	}
	return s.change(ctx, actor, id, Act{"Round weight set", fmt.Sprintf("%s: %g / %g", roundID, scale.Weight, scale.FullMark)}, func(c *Contest) error {
		_, i, ok := c.Round(roundID)
		if !ok {
			return gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
		}
		c.Rounds[i].Weight, c.Rounds[i].FullMark = scale.Weight, scale.FullMark
		return nil
	})
}

// DeleteRound removes a round that has not been played. Errors: not_found,
// forbidden, conflict.
func (s *Service) DeleteRound(ctx context.Context, actor people.User, id, roundID string) (Contest, error) {
	return s.editRound(ctx, actor, id, roundID, Act{"Round deleted", roundID}, func(c *Contest, r *Round) error {
		if r.Kind == Online {
			return gridskill.Errorf(gridskill.ECONFLICT, "an online round's exam is open; close it instead")
		}
		c.Rounds = slices.DeleteFunc(c.Rounds, func(x Round) bool { return x.ID == roundID })
		return nil
	})
}

// question finds a question of a round. Errors: not_found.
func (r *Round) question(qid string) (int, error) {
	i := slices.IndexFunc(r.Questions, func(q Question) bool { return q.ID == qid })
	if i < 0 {
		return -1, gridskill.Errorf(gridskill.ENOTFOUND, "question not found")
	}
	return i, nil
}

// UpdateQuestion replaces a question of a round not yet played, keeping its
// id and place. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) UpdateQuestion(ctx context.Context, actor people.User, id, roundID, qid string, q Question) (Contest, error) {
	if err := q.Validate(); err != nil {
		return Contest{}, err
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Question edited", q.Stem}, func(_ *Contest, r *Round) error {
		i, err := r.question(qid)
		if err != nil {
			return err
		}
		q.ID, q.BankID = qid, r.Questions[i].BankID
		r.Questions[i] = q
		return nil
	})
}

// DeleteQuestion removes a question of a round not yet played. Errors:
// not_found, forbidden, conflict.
func (s *Service) DeleteQuestion(ctx context.Context, actor people.User, id, roundID, qid string) (Contest, error) {
	return s.editRound(ctx, actor, id, roundID, Act{"Question deleted", qid}, func(_ *Contest, r *Round) error {
		i, err := r.question(qid)
		if err != nil {
			return err
		}
		r.Questions = slices.Delete(r.Questions, i, i+1)
		return nil
	})
}

// MoveQuestion moves a question of a round not yet played one place up
// (by -1) or down (by 1). Errors: invalid, not_found, forbidden, conflict.
func (s *Service) MoveQuestion(ctx context.Context, actor people.User, id, roundID, qid string, by int) (Contest, error) {
	if by != -1 && by != 1 {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "a question moves one place up or down")
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Question moved", qid}, func(_ *Contest, r *Round) error {
		i, err := r.question(qid)
		if err != nil {
			return err
		}
		j := i + by
		if j < 0 || j >= len(r.Questions) {
			return gridskill.Errorf(gridskill.EINVALID, "the question is already at that end")
		}
		r.Questions[i], r.Questions[j] = r.Questions[j], r.Questions[i]
		return nil
	})
}

// ReplaceQuestion replaces a question of the live round that has not been
// shown yet (a mistake found during the round); on a round that is not live
// it is UpdateQuestion. Errors: invalid, not_found, forbidden, conflict (the
// question was shown, the round finished).
func (s *Service) ReplaceQuestion(ctx context.Context, actor people.User, id, roundID, qid string, q Question) (Contest, error) {
	l := s.liveOf(id)
	if l == nil || l.roundID() != roundID {
		return s.UpdateQuestion(ctx, actor, id, roundID, qid, q)
	}
	if err := q.Validate(); err != nil {
		return Contest{}, err
	}
	l.hostMu.Lock() // no question is shown meanwhile
	defer l.hostMu.Unlock()
	return s.change(ctx, actor, id, Act{"Question replaced during the round", q.Stem}, func(c *Contest) error {
		_, ri, ok := c.Round(roundID)
		if !ok {
			return gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
		}
		r := &c.Rounds[ri]
		if !r.Finished.IsZero() { // its podium still on the screens
			return gridskill.Errorf(gridskill.ECONFLICT, "this round has finished")
		}
		i, err := r.question(qid)
		if err != nil {
			return err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if i <= l.st.Item {
			return gridskill.Errorf(gridskill.ECONFLICT, "this question has been shown; only questions still to come can be replaced")
		}
		q.ID = qid
		r.Questions[i] = q
		l.round.Questions = slices.Clone(r.Questions)
		return nil
	})
}

// task finds a task of a round. Errors: not_found.
func (r *Round) task(tid string) (int, error) {
	i := slices.IndexFunc(r.Tasks, func(t Task) bool { return t.ID == tid })
	if i < 0 {
		return -1, gridskill.Errorf(gridskill.ENOTFOUND, "task not found")
	}
	return i, nil
}

// UpdateTask changes a task's title and performer before the round is
// played. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) UpdateTask(ctx context.Context, actor people.User, id, roundID, tid string, t Task) (Contest, error) {
	t.Title = strings.TrimSpace(t.Title)
	if err := t.validate(); err != nil {
		return Contest{}, err
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Task edited", t.Title}, func(c *Contest, r *Round) error {
		i, err := r.task(tid)
		if err != nil {
			return err
		}
		if _, ok := c.Participant(t.PerformerID); !ok {
			return gridskill.Errorf(gridskill.EINVALID, "the performer must be a participant")
		}
		t.ID = tid
		r.Tasks[i] = t
		return nil
	})
}

// DeleteTask removes a task before the round is played. Errors: not_found,
// forbidden, conflict.
func (s *Service) DeleteTask(ctx context.Context, actor people.User, id, roundID, tid string) (Contest, error) {
	return s.editRound(ctx, actor, id, roundID, Act{"Task deleted", tid}, func(_ *Contest, r *Round) error {
		i, err := r.task(tid)
		if err != nil {
			return err
		}
		r.Tasks = slices.Delete(r.Tasks, i, i+1)
		return nil
	})
}

// participantsFixed refuses a change of participants or teams while a round
// is live or once one has finished: results name them. Errors: conflict.
func (s *Service) participantsFixed(c Contest) error {
	if s.running(c.ID) {
		return gridskill.Errorf(gridskill.ECONFLICT, "a round is live; change participants after it ends")
	}
	if c.Played() {
		return gridskill.Errorf(gridskill.ECONFLICT, "a round has finished; the participants can no longer change")
	}
	return nil
}
