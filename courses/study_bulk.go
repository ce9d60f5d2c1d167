package courses

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
)

// RecordStudy records that each of workers read every lesson of a published
// module, as their lesson pages' heartbeats and "done" taps would have: each
// lesson not yet done is opened now (unless it was before), credited its
// estimated minutes (a lesson already holding more keeps its time), counted
// in this year's hours and marked done; a worker whose check (the module's
// exam) is already passed completes the module. It is for study recorded
// elsewhere (a class read together, a simulated district-year): the per-tap
// path costs several updates a lesson, each a scan of the collection on the
// embedded engine, where this one writes one update of many documents per
// collection for all workers in the same state. The summary is written
// before the hours, so a crash between them loses that call's hours rather
// than counting them twice. A worker who has already done every lesson is
// left as they are. Staff only, for active workers inside their scope.
// Errors: invalid (a malformed id, a module with nothing published),
// forbidden, not_found, internal.
func (s *Service) RecordStudy(ctx context.Context, actor people.User, moduleID string, workers []people.User) error {
	if !ValidID(moduleID) {
		return gridskill.Errorf(gridskill.EINVALID, "malformed module or lesson id")
	}
	for _, w := range workers {
		if w.Role != people.Worker || !w.Active {
			return gridskill.Errorf(gridskill.EINVALID, "only active workers study modules")
		}
		if !actor.CanTeach(w.UnitPath) {
			return gridskill.Errorf(gridskill.EFORBIDDEN, "you cannot record training outside your area")
		}
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return err
	}
	m, ok := c.modules[moduleID]
	if !ok || !canRead(actor, m) {
		return errNoModule()
	}
	if m.Published == nil || len(m.Published.Lessons) == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "this module has nothing published to study")
	}
	pub := m.Published
	entries, err := s.repo.moduleEntries(ctx, moduleID)
	if err != nil {
		return err
	}
	// Workers in the same state get the same update: group them by their
	// entry as read (absent apart from empty), which also guards the write.
	type group struct {
		had     bool
		old     string
		workers []people.User
	}
	groups := map[string]*group{}
	var order []string
	seen := map[string]bool{}
	for _, w := range workers {
		if seen[w.ID] {
			continue
		}
		seen[w.ID] = true
		old, had := entries[w.ID]
		sm := parseEntry(old)
		if allDone(sm, pub) {
			continue
		}
		k := "-"
		if had {
			k = "+" + old
		}
		g := groups[k]
		if g == nil {
			g = &group{had: had, old: old}
			groups[k] = g
			order = append(order, k)
		}
		g.workers = append(g.workers, w)
	}
	now := s.clock.Now()
	for _, k := range order {
		g := groups[k]
		sm := parseEntry(g.old)
		next := sm
		if sm.DoneMajor < pub.LastMajor {
			next.Done, next.DoneMajor = "", pub.LastMajor
		}
		maxSeconds, opened, yearSeconds := bson.M{}, bson.M{}, 0
		for _, l := range pub.Lessons {
			if lessonDone(next, l.ID, pub) {
				continue
			}
			secs := max(1, l.Minutes) * 60
			field := "modules." + moduleID + ".lessons." + l.ID
			maxSeconds[field+".seconds"], opened[field+".opened"] = secs, now
			yearSeconds += secs
			next.Done = strings.TrimSpace(next.Done + " " + lessonKey(l.ID))
		}
		ids := make([]string, len(g.workers))
		blank := make([]any, len(g.workers))
		for i, w := range g.workers {
			ids[i], blank[i] = w.ID, progressDoc{ID: w.ID}
		}
		if err := s.repo.ensureLearning(ctx, blank); err != nil {
			return err
		}
		field := "m." + moduleID
		guard := bson.M{field: g.old}
		if !g.had {
			guard = bson.M{field: bson.M{"$exists": false}}
		}
		if err := s.repo.updateSummaries(ctx, ids, guard, bson.M{"$set": bson.M{field: next.entry()}}); err != nil {
			return err
		}
		if err := s.repo.updateProgresses(ctx, ids, bson.M{"$max": maxSeconds, "$min": opened,
			"$inc": bson.M{"years." + yearOf(now) + ".seconds": yearSeconds}}); err != nil {
			return err
		}
		for _, w := range g.workers {
			if err := s.completeStudied(ctx, w, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// completeStudied completes a module whose lessons a worker has all done,
// when its check is passed, as the last lesson's tap does.
func (s *Service) completeStudied(ctx context.Context, w people.User, m Module) error {
	if s.Check != nil {
		ok, err := s.Check.PassedCheck(ctx, w.ID, m.ID, m.Published.Version)
		if err != nil {
			return gridskill.Internal(err)
		}
		if !ok {
			return nil
		}
	}
	defer s.lockWorker(w.ID)()
	fresh, err := s.repo.summaryOf(ctx, w.ID)
	if err != nil {
		return err
	}
	_, err = s.completeIfReady(ctx, w, m, fresh)
	return err
}

// allDone reports whether every published lesson is done.
func allDone(sm summaryModuleDoc, pub *Published) bool {
	for _, l := range pub.Lessons {
		if !lessonDone(sm, l.ID, pub) {
			return false
		}
	}
	return true
}
