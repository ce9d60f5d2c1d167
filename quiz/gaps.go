package quiz

import (
	"slices"
	"strings"
	"time"

	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

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
// dozen workers) and kept between views (see allGaps). Errors: forbidden,
// internal.
func (s *Service) WorkerGaps(ctx context.Context, actor people.User, workerIDs []string) (map[string]Gaps, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "your role does not allow this")
	}
	all, err := s.allGaps(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Gaps, len(workerIDs))
	for _, id := range workerIDs {
		if g, ok := all.byWorker[id]; ok {
			out[id] = g
		}
	}
	return out, nil
}

// gapsRead is every worker's practice summary, read in one pass.
type gapsRead struct {
	writes   uint64    // learnerWrites when the read began
	at       time.Time // when it began
	byWorker map[string]Gaps
}

// gapsTTL bounds how long another instance's practice and exams may go
// unseen on the heatmap; this process's own show at once.
const gapsTTL = 30 * time.Second

// allGaps returns every worker's practice summary, kept in memory between
// views: the heatmap and its cells read the whole collection on every view
// otherwise. The copy is dropped as soon as this process writes a summary,
// and after gapsTTL. Callers only read it.
func (s *Service) allGaps(ctx context.Context) (*gapsRead, error) {
	s.gapsMu.Lock()
	defer s.gapsMu.Unlock()
	now := s.clock.Now()
	if c := s.gapsKept; c != nil && c.writes == s.learnerWrites.Load() && now.Sub(c.at) < gapsTTL && now.Sub(c.at) >= 0 {
		return c, nil
	}
	c := &gapsRead{writes: s.learnerWrites.Load(), at: now}
	docs, err := findAll[learnerDoc](ctx, s.repo.db.Collection(collLearners), bson.M{},
		options.Find().SetProjection(bson.M{"tags": 1, "wrong.q": 1, "wrong.misses": 1}))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	c.byWorker = make(map[string]Gaps, len(docs))
	for _, d := range docs {
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
		c.byWorker[d.ID] = g
	}
	s.gapsKept = c
	return c, nil
}

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
