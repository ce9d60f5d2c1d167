package quiz

import (
	"context"
	"slices"

	"gridskill"
	"gridskill/people"
)

// Who sees which attempt. Managing an exam (having set it, or its audience
// holding one's unit) lets staff see the exam, never more of its attempts
// than their own area holds: a street admin or a street's trainer on a
// district-wide exam sees the attempts of their street's workers only. An
// attempt belongs to the unit its worker sat it in (the path stored on it).

// seesAttempt reports whether actor may read an attempt of exam e sat by
// workerID at the unit with the given path: their own, or, for staff who
// manage the exam, one sat inside their area.
func (s *Service) seesAttempt(actor people.User, e Exam, workerID string, path []string) bool {
	if workerID == actor.ID {
		return true
	}
	return s.manages(actor, e) && people.InScope(path, actor.UnitID)
}

// unitPath is the path of a unit of the tree, empty for an unknown one.
func unitPath(tree *people.Tree, id string) []string {
	u, _ := tree.Unit(id)
	return u.Path
}

// unitID is the unit the attempt was sat in: the last of its path.
func (d openDoc) unitID() string {
	if len(d.UnitPath) == 0 {
		return ""
	}
	return d.UnitPath[len(d.UnitPath)-1]
}

// Keys stay secret while they could help on an exam. A question on one of the
// worker's papers is withheld from them (practice by topic and by id, the
// wrong-answer book, the daily drill and the review of another attempt) while
// that attempt is open, and after it finishes until the exam's review policy
// lets the worker see that paper's keys: at once for "after submit", at the
// close for "after close", never for "never". The rule looks at the worker's
// own papers, not at every question an exam could draw: the demo's year-long
// exams draw from the whole bank, and withholding their pools would leave
// nothing to practise.

// errWithheld refuses to show a question whose key is withheld.
var errWithheld = gridskill.Errorf(gridskill.ECONFLICT, "this question is on one of your exam papers; you can practise it once that exam lets you see its answers")

// withheld returns the questions whose keys actor may not see yet.
func (s *Service) withheld(ctx context.Context, actor people.User) (map[string]bool, error) {
	now := s.clock.Now()
	s.examMu.RLock()
	exams := make([]Exam, 0, len(s.exams))
	for _, e := range s.exams {
		exams = append(exams, e)
	}
	s.examMu.RUnlock()
	var open []*openAttempt
	var finished []string
	s.attMu.Lock()
	for _, e := range exams {
		k := key(e.ID, actor.ID)
		if id, ok := s.openBy[k]; ok {
			open = append(open, s.open[id])
		}
		if e.ReviewAllowed(now) {
			continue
		}
		for _, r := range s.results[k] {
			finished = append(finished, r.ID)
		}
	}
	s.attMu.Unlock()
	out := map[string]bool{}
	// An attempt's lock is taken after attMu is let go: finish holds the
	// attempt's lock while it takes attMu.
	for _, att := range open {
		att.mu.Lock()
		for _, it := range att.doc.Paper {
			out[it.QID] = true
		}
		att.mu.Unlock()
	}
	for _, id := range finished {
		qids, err := s.paperOf(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, q := range qids {
			out[q] = true
		}
	}
	return out, nil
}

// paperOf returns the questions of a finished attempt's paper. Finished
// papers never change, so they are kept once read.
func (s *Service) paperOf(ctx context.Context, attemptID string) ([]string, error) {
	s.paperMu.Lock()
	qids, ok := s.papers[attemptID]
	s.paperMu.Unlock()
	if ok {
		return qids, nil
	}
	f, ok := s.recent.get(attemptID)
	if !ok {
		var err error
		f, err = s.repo.finishedPaper(ctx, attemptID)
		if err != nil {
			return nil, gridskill.Internal(err)
		}
	}
	for _, it := range f.Open.Paper {
		qids = append(qids, it.QID)
	}
	s.paperMu.Lock()
	if s.papers == nil {
		s.papers = map[string][]string{}
	}
	s.papers[attemptID] = qids
	s.paperMu.Unlock()
	return qids, nil
}

// withoutWithheld drops the questions whose keys actor may not see yet.
func (s *Service) withoutWithheld(ctx context.Context, actor people.User, qs []Question) ([]Question, error) {
	held, err := s.withheld(ctx, actor)
	if err != nil || len(held) == 0 {
		return qs, err
	}
	return slices.DeleteFunc(qs, func(q Question) bool { return held[q.ID] }), nil
}

// reviewHidden reports whether a worker's own finished attempt must hide its
// keys because a question of its paper is withheld: on a paper they are
// sitting now, or on one whose exam's review has not opened yet.
func (s *Service) reviewHidden(ctx context.Context, actor people.User, f finishedDoc) (bool, error) {
	held, err := s.withheld(ctx, actor)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(f.Open.Paper, func(it itemDoc) bool { return held[it.QID] }), nil
}
