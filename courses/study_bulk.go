package courses

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/store"
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
		if err := s.completeStudied(ctx, m, g.workers, next); err != nil {
			return err
		}
	}
	return nil
}

// completeStudied completes the module for the workers, whose lessons are
// all done and whose summary entry reads done, who have passed its check,
// as the last lesson's tap does one by one: the completions are inserted
// together, then each document gets one update of many, in the tap's order
// (completion, history, summary), so a crash between them is finished by
// the next tap or check, as after a tap.
func (s *Service) completeStudied(ctx context.Context, m Module, workers []people.User, done summaryModuleDoc) error {
	pub := m.Published
	if done.CompletedVersion >= pub.Version {
		return nil
	}
	var passed []people.User
	for _, w := range workers {
		if s.Check != nil {
			ok, err := s.Check.PassedCheck(ctx, w.ID, m.ID, pub.Version)
			if err != nil {
				return gridskill.Internal(err)
			}
			if !ok {
				continue
			}
		}
		passed = append(passed, w)
	}
	if len(passed) == 0 {
		return nil
	}
	now := s.clock.Now()
	key := m.ID + ":" + itoa(pub.Version)
	ids := make([]string, len(passed))
	docs := make([]any, len(passed))
	for i, w := range passed {
		ids[i] = w.ID
		docs[i] = completionDoc{ID: w.ID + ":" + key, WorkerID: w.ID, UnitID: w.UnitID, UnitPath: w.UnitPath, ModuleID: m.ID, Version: pub.Version, At: now}
	}
	for _, err := range store.InsertOnce(ctx, s.repo.completions, docs) {
		if err != nil {
			return gridskill.Internal(err)
		}
	}
	if err := s.repo.updateGuardedProgresses(ctx, ids, bson.M{"history.key": bson.M{"$ne": key}}, bson.M{
		"$push": bson.M{"history": completionRefDoc{Key: key, ModuleID: m.ID, Version: pub.Version, Title: pub.Title, At: now}},
	}); err != nil {
		return err
	}
	next := done
	next.CompletedVersion, next.CompletedAt = pub.Version, now
	field := "m." + m.ID
	if err := s.repo.updateSummaries(ctx, ids, bson.M{field: done.entry()}, bson.M{"$set": bson.M{field: next.entry()}}); err != nil {
		return err
	}
	s.changedAll(ctx, ids)
	return nil
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
