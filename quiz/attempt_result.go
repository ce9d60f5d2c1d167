package quiz

import (
	"context"
	"slices"
	"time"

	"gridskill"
	"gridskill/people"
)

// AttemptResult is a finished attempt's outcome.
type AttemptResult struct {
	ID          string
	ExamID      string
	UserID      string
	N           int
	StartedAt   time.Time
	Deadline    time.Time
	SubmittedAt time.Time
	Score       float64
	Max         float64
	Passed      bool
	// Reason is why it ended: "submitted", "deadline" or "switches".
	Reason   string
	Switches int
	// UnitID is the unit the worker sat the attempt in.
	UnitID string
}

func (f finishedDoc) result() AttemptResult {
	o := f.Open
	return AttemptResult{ID: o.ID, ExamID: o.ExamID, UserID: o.UserID, UnitID: o.unitID(), N: o.N, StartedAt: o.StartedAt.UTC(), Deadline: o.Deadline.UTC(),
		SubmittedAt: f.SubmittedAt.UTC(), Score: f.Score, Max: f.Max, Passed: f.Passed, Reason: f.Reason, Switches: f.Switches}
}

// addResult indexes a finished attempt; attMu must be held.
func (s *Service) addResult(r AttemptResult) {
	if _, ok := s.finished[r.ID]; ok {
		return
	}
	s.finished[r.ID] = r
	k := key(r.ExamID, r.UserID)
	s.results[k] = append(s.results[k], r)
	slices.SortFunc(s.results[k], func(a, b AttemptResult) int { return a.N - b.N })
}

// Results returns the actor's finished attempts at an exam, oldest first.
func (s *Service) Results(actor people.User, examID string) []AttemptResult {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	return slices.Clone(s.results[key(examID, actor.ID)])
}

// Counted returns the attempt that counts for the worker at an exam: the
// highest or the last, as the exam says.
func Counted(e Exam, rs []AttemptResult) (AttemptResult, bool) {
	if len(rs) == 0 {
		return AttemptResult{}, false
	}
	best := rs[len(rs)-1]
	if e.Counts == CountHighest {
		for _, r := range rs {
			if r.Score > best.Score {
				best = r
			}
		}
	}
	return best, true
}

// Best returns the attempt with the highest score (the first of equals);
// rs must not be empty.
func Best(rs []AttemptResult) AttemptResult {
	best := rs[0]
	for _, r := range rs[1:] {
		if r.Score > best.Score {
			best = r
		}
	}
	return best
}

// ExamResults returns the finished attempts of an exam that staff who manage
// it may see (those sat inside their area), and how many of those are open.
// Errors: not_found, forbidden, unavailable (another instance holds the exam).
func (s *Service) ExamResults(ctx context.Context, actor people.User, examID string) ([]AttemptResult, int, error) {
	e, err := s.Exam(ctx, actor, examID)
	if err != nil {
		return nil, 0, err
	}
	if !s.manages(actor, e) {
		return nil, 0, gridskill.Errorf(gridskill.EFORBIDDEN, "your role does not allow this")
	}
	if !s.holds(examID) {
		return nil, 0, moving() // its finished attempts are read by its owner
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, 0, err
	}
	s.attMu.Lock()
	defer s.attMu.Unlock()
	var out []AttemptResult
	for _, r := range s.finished {
		if r.ExamID == examID && s.seesAttempt(actor, e, r.UserID, unitPath(tree, r.UnitID)) {
			out = append(out, r)
		}
	}
	open := 0
	for _, att := range s.open {
		if att.doc.ExamID == examID && s.seesAttempt(actor, e, att.doc.UserID, att.doc.UnitPath) {
			open++
		}
	}
	slices.SortFunc(out, func(a, b AttemptResult) int { return a.SubmittedAt.Compare(b.SubmittedAt) })
	return out, open, nil
}
