package quiz

import (
	"slices"
	"strings"
	"time"

	"context"

	"gridskill"
	"gridskill/people"
)

// Sittings returns the finished attempts sat inside unit scopeID, which
// must be inside the staff actor's area, from memory: leaders' dashboards
// count exam participation and pass rates from them.
// Errors: forbidden.
func (s *Service) Sittings(ctx context.Context, actor people.User, scopeID string) ([]AttemptResult, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "your role does not allow this")
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, err
	}
	scope, ok := tree.Unit(scopeID)
	if !ok || !people.InScope(scope.Path, actor.UnitID) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	s.attMu.Lock()
	defer s.attMu.Unlock()
	var out []AttemptResult
	for _, r := range s.finished {
		if people.InScope(unitPath(tree, r.UnitID), scopeID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ExamsIn returns the exams whose audience includes workers of unit scopeID
// and that the staff actor manages, newest first. Errors: forbidden.
func (s *Service) ExamsIn(ctx context.Context, actor people.User, scopeID string) ([]Exam, error) {
	all, err := s.ManagedExams(ctx, actor)
	if err != nil {
		return nil, err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, err
	}
	scope, ok := tree.Unit(scopeID)
	if !ok {
		return nil, gridskill.Errorf(gridskill.ENOTFOUND, "no such unit")
	}
	var out []Exam
	for _, e := range all {
		if reaches(tree, e, scope) {
			out = append(out, e)
		}
	}
	return out, nil
}

// reaches reports whether an exam's audience holds some unit of the subtree
// of scope: scope is inside an audience unit, or an audience unit inside scope.
func reaches(tree *people.Tree, e Exam, scope people.Unit) bool {
	if len(e.UnitIDs) == 0 {
		return true
	}
	for _, id := range e.UnitIDs {
		if people.InScope(scope.Path, id) {
			return true
		}
		if u, ok := tree.Unit(id); ok && people.InScope(u.Path, scope.ID) {
			return true
		}
	}
	return false
}

// TagScore is a worker's right and wrong answers on one tag, from practice
// and reviewed exams.
type TagScore struct {
	Tag          string
	Right, Wrong int
}

// Missed is a question in a worker's wrong-answer book and how often they
// missed it.
type Missed struct {
	QuestionID string
	Misses     int
}

// Gaps is one worker's practice summary as the knowledge-gap heatmap reads it.
type Gaps struct {
	WorkerID string
	Tags     []TagScore
	Missed   []Missed
}

// WorkerGaps returns the practice summaries of the given workers, who the
// caller has checked are in the staff actor's area. The summaries are the
// per-worker documents the finish follow-up and practice update, never
// attempts; they are read in one pass over that small collection (a read
// by id apiece costs more than one pass once there are more than a few
// dozen workers) and kept in memory (see heldGaps). Errors: forbidden,
// internal.
func (s *Service) WorkerGaps(ctx context.Context, actor people.User, workerIDs []string) (map[string]Gaps, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "your role does not allow this")
	}
	out := make(map[string]Gaps, len(workerIDs))
	err := s.heldGaps.View(ctx, func(all map[string]learnerDoc) {
		for _, id := range workerIDs {
			if d, ok := all[id]; ok {
				out[id] = gapsOf(d)
			}
		}
	})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}

// gapsOnly keeps of a practice summary what the heatmap reads, the same
// whether it was read (with the projection) or put whole after a write.
func gapsOnly(d *learnerDoc) {
	wrong := make([]wrongDoc, len(d.Wrong))
	for i, w := range d.Wrong {
		wrong[i] = wrongDoc{QID: w.QID, Misses: w.Misses}
	}
	d.Wrong, d.Applied = wrong, nil
}

// gapsOf is a worker's summary as the heatmap reads it.
func gapsOf(d learnerDoc) Gaps {
	g := Gaps{WorkerID: d.ID}
	for _, t := range d.Tags {
		g.Tags = append(g.Tags, TagScore{Tag: t.Tag, Right: t.Right, Wrong: t.Wrong})
	}
	// By tag: the summary keeps tags in the order they were first
	// recorded, which a run recorded at once and answers one by one
	// reach differently.
	slices.SortFunc(g.Tags, func(a, b TagScore) int { return strings.Compare(a.Tag, b.Tag) })
	for _, w := range d.Wrong {
		g.Missed = append(g.Missed, Missed{QuestionID: w.QID, Misses: w.Misses})
	}
	return g
}

// WarmGaps reads every practice summary into memory, so that the first
// heatmap need not wait for it.
func (s *Service) WarmGaps() { <-s.heldGaps.Warm() }

// RefreshGaps has the practice summaries held in memory read again in the
// background once they are every old: with several instances, that bounds
// how long another instance's practice and exams go unseen on the heatmap.
func (s *Service) RefreshGaps(every time.Duration) { s.heldGaps.SetRefresh(every) }

// QuestionTags returns the tags of a current question ("" and false when the
// bank holds none with the id), for the staff who see it.
func (s *Service) QuestionTags(id string) (stem string, tags []string, ok bool) {
	s.bankMu.RLock()
	defer s.bankMu.RUnlock()
	q, ok := s.bank[id]
	if !ok {
		return "", nil, false
	}
	return q.Stem, q.Tags, true
}
