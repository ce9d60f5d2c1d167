package courses

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
)

// Heartbeat rules: the lesson page reports every 30 seconds while it is
// visible; the server credits the time since the previous report, at most
// MaxBeat, and nothing after a gap longer than BeatGap. A lesson earns at
// most LessonCapFactor times its estimated minutes, so an open tab does not
// farm hours.
const (
	MaxBeat         = 60 * time.Second
	BeatGap         = 90 * time.Second
	LessonCapFactor = 2
)

// Reading rules: a lesson counts as done only once it has been open for a
// MinReadShare-th of its estimated minutes, at most MaxMinRead, counted on
// the server's clock from its first open, so a tap through every lesson in a
// minute does not complete a module.
const (
	MinReadShare = 4
	MaxMinRead   = 60 * time.Second
)

// MinRead is the least time a lesson of the given estimated minutes must be
// open before it may be marked done.
func MinRead(minutes int) time.Duration {
	return min(time.Duration(max(1, minutes))*time.Minute/MinReadShare, MaxMinRead)
}

func yearOf(t time.Time) string { return itoa(t.In(gridskill.ChinaZone()).Year()) }

// Item is one module in a worker's list, with their progress in it.
type Item struct {
	Module   Module // the published header
	Assigned bool
	Required bool
	Due      time.Time
	Overdue  bool
	// Done: complete for the current version (or a minor update of it).
	Done             bool
	CompletedVersion int
	CompletedAt      time.Time
	// Updated: completed once, but a major change since asks for study again.
	Updated      bool
	LessonsDone  int
	LessonsTotal int
}

// Percent is the share of lessons done.
func (it Item) Percent() int {
	if it.Done {
		return 100
	}
	if it.LessonsTotal == 0 {
		return 0
	}
	return it.LessonsDone * 100 / it.LessonsTotal
}

// LessonState is a worker's state in one lesson.
type LessonState struct {
	Done bool
}

// StudyTime returns the seconds the actor has been credited on each lesson
// of a module: one read by id. Errors: invalid, internal.
func (s *Service) StudyTime(ctx context.Context, actor people.User, moduleID string) (map[string]int, error) {
	if !ValidID(moduleID) {
		return nil, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	p, err := s.repo.progressOf(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for id, l := range p.Modules[moduleID].Lessons {
		out[id] = l.Seconds
	}
	return out, nil
}

// lessonDone reports whether a lesson counts as done: finished at or after
// the module's last major version.
func lessonDone(sm summaryModuleDoc, lessonID string, pub *Published) bool {
	return sm.DoneMajor >= pub.LastMajor && slices.Contains(strings.Fields(sm.Done), lessonKey(lessonID))
}

// lessonKey is a short stand-in for a lesson id in the summary document,
// unique enough within one module (at most MaxLessons lessons).
func lessonKey(lessonID string) string {
	sum := sha256.Sum256([]byte(lessonID))
	return hex.EncodeToString(sum[:4])
}

// item computes a module's state for a worker from the cached header, the
// assignments that reach them and their summary document.
func (s *Service) item(m Module, terms []Assignment, sum summaryDoc, now time.Time) Item {
	pub := m.Published
	it := Item{Module: m, LessonsTotal: len(pub.Lessons)}
	for _, a := range terms {
		it.Assigned = true
		if a.Required && !it.Required {
			it.Required, it.Due = true, a.Due
		} else if a.Required == it.Required && !a.Due.IsZero() && (it.Due.IsZero() || a.Due.Before(it.Due)) {
			it.Due = a.Due
		}
	}
	mp := sum.Modules[m.ID]
	for _, l := range pub.Lessons {
		if lessonDone(mp, l.ID, pub) {
			it.LessonsDone++
		}
	}
	it.CompletedVersion, it.CompletedAt = mp.CompletedVersion, mp.CompletedAt
	it.Done = mp.CompletedVersion > 0 && mp.CompletedVersion >= pub.LastMajor
	it.Updated = mp.CompletedVersion > 0 && !it.Done
	it.Overdue = !it.Done && !it.Due.IsZero() && now.After(it.Due)
	return it
}

// MyLearning is the actor's own list: modules assigned to their units and
// modules they have started, required-and-due first, then optional, then
// done. It reads the cached catalogue and one document by id.
// Errors: internal.
func (s *Service) MyLearning(ctx context.Context, actor people.User) ([]Item, error) {
	return s.learning(ctx, actor, false)
}

// Catalogue lists every published module the actor may study, with their
// progress, in the same order as MyLearning. Errors: internal.
func (s *Service) Catalogue(ctx context.Context, actor people.User) ([]Item, error) {
	return s.learning(ctx, actor, true)
}

func (s *Service) learning(ctx context.Context, actor people.User, all bool) ([]Item, error) {
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	sum, err := s.repo.summaryOf(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	terms := map[string][]Assignment{}
	for _, a := range c.assignments {
		if people.InScope(actor.UnitPath, a.UnitID) {
			terms[a.ModuleID] = append(terms[a.ModuleID], a)
		}
	}
	now := s.clock.Now()
	var items []Item
	for _, id := range c.order {
		m := c.modules[id]
		if m.Published == nil || !people.InScope(actor.UnitPath, m.OwnerUnitID) {
			continue
		}
		_, started := sum.Modules[id]
		if !all && len(terms[id]) == 0 && !started {
			continue
		}
		items = append(items, s.item(m, terms[id], sum, now))
	}
	slices.SortStableFunc(items, func(a, b Item) int {
		if x := rank(a) - rank(b); x != 0 {
			return x
		}
		switch {
		case a.Due.Equal(b.Due):
			return 0
		case a.Due.IsZero():
			return 1
		case b.Due.IsZero():
			return -1
		case a.Due.Before(b.Due):
			return -1
		}
		return 1
	})
	return items, nil
}

func rank(it Item) int {
	switch {
	case it.Done:
		return 2
	case it.Required:
		return 0
	}
	return 1
}

// Study is what a module's page and its lesson pages show a worker.
type Study struct {
	Item
	Version Version
	Lessons map[string]LessonState
	// CheckPending: every lesson is done but the end-of-module check is not passed yet.
	CheckPending bool
}

// Study returns the published version of a module with the actor's state in
// it: two reads by id (the version and the summary).
// Errors: invalid, not_found, internal.
func (s *Service) Study(ctx context.Context, actor people.User, moduleID string) (Study, error) {
	m, v, err := s.Published(ctx, actor, moduleID)
	if err != nil {
		return Study{}, err
	}
	sum, err := s.repo.summaryOf(ctx, actor.ID)
	if err != nil {
		return Study{}, err
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return Study{}, err
	}
	var terms []Assignment
	for _, a := range c.assignments {
		if a.ModuleID == m.ID && people.InScope(actor.UnitPath, a.UnitID) {
			terms = append(terms, a)
		}
	}
	st := Study{Item: s.item(m, terms, sum, s.clock.Now()), Version: v, Lessons: map[string]LessonState{}}
	for _, l := range m.Published.Lessons {
		st.Lessons[l.ID] = LessonState{Done: lessonDone(sum.Modules[m.ID], l.ID, m.Published)}
	}
	if !st.Done && st.LessonsDone == st.LessonsTotal && st.LessonsTotal > 0 {
		// The check may have been passed since: completing is idempotent.
		unlock := s.lockWorker(actor.ID)
		done, err := s.completeIfReady(ctx, actor, m, sum)
		unlock()
		if err != nil {
			return Study{}, err
		}
		if done {
			return s.Study(ctx, actor, moduleID)
		}
		st.CheckPending = true
	}
	return st, nil
}

// CompleteLesson marks a lesson of the current version done, once it has
// been open for its minimum reading time (MinRead), and, when every
// lesson is done and the module's check (if wired) is passed, completes the
// module for this version. Repeating it (a reload, a double tap) records one
// completion. Errors: invalid, not_found, internal.
func (s *Service) CompleteLesson(ctx context.Context, actor people.User, moduleID, lessonID string) (Item, error) {
	m, err := s.header(ctx, actor, moduleID, lessonID)
	if err != nil {
		return Item{}, err
	}
	pub := m.Published
	defer s.lockWorker(actor.ID)()
	var sum summaryDoc
	for attempt := 0; ; attempt++ {
		if sum, err = s.repo.summaryOf(ctx, actor.ID); err != nil {
			return Item{}, err
		}
		sm := sum.Modules[m.ID]
		old, had := sum.Entries[m.ID]
		if lessonDone(sm, lessonID, pub) {
			break
		}
		if attempt == 0 {
			if err := s.readEnough(ctx, actor, m, lessonID); err != nil {
				return Item{}, err
			}
		}
		// The list is kept for one major version: after a major change it
		// starts again. Compare-and-set on the entry as read makes two taps
		// racing retry instead of one dropping the other's lesson.
		next := sm
		if sm.DoneMajor < pub.LastMajor {
			next.Done, next.DoneMajor = "", pub.LastMajor
		}
		next.Done = strings.TrimSpace(next.Done + " " + lessonKey(lessonID))
		applied, err := s.repo.casModule(ctx, actor.ID, m.ID, old, had, next)
		if err != nil {
			return Item{}, err
		}
		if applied {
			sum.Modules[m.ID] = next
			if sum.Entries == nil {
				sum.Entries = map[string]string{}
			}
			sum.Entries[m.ID] = next.entry()
			break
		}
		if attempt == 3 {
			return Item{}, gridskill.Errorf(gridskill.ECONFLICT, "the module was changed by someone else; reload it and try again")
		}
	}
	done, err := s.completeIfReady(ctx, actor, m, sum)
	if err != nil {
		return Item{}, err
	}
	now := s.clock.Now()
	if done {
		sm := sum.Modules[m.ID]
		sm.CompletedVersion, sm.CompletedAt = pub.Version, now
		sum.Modules[m.ID] = sm
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return Item{}, err
	}
	var terms []Assignment
	for _, a := range c.assignments {
		if a.ModuleID == m.ID && people.InScope(actor.UnitPath, a.UnitID) {
			terms = append(terms, a)
		}
	}
	return s.item(m, terms, sum, now), nil
}

// completeIfReady records the module's completion when every lesson of the
// current version is done and the check passes. The completion row (for
// reports) is inserted first under a deterministic id, then the record's
// history under a guard, then the summary, so a retry after a crash in
// between repairs it and two taps record one completion.
func (s *Service) completeIfReady(ctx context.Context, actor people.User, m Module, sum summaryDoc) (done bool, err error) {
	defer func() {
		if done && err == nil {
			s.changed(ctx, actor.ID)
		}
	}()
	pub := m.Published
	sm := sum.Modules[m.ID]
	if sm.CompletedVersion > 0 && sm.CompletedVersion >= pub.LastMajor {
		return false, nil
	}
	for _, l := range pub.Lessons {
		if !lessonDone(sm, l.ID, pub) {
			return false, nil
		}
	}
	if s.Check != nil {
		ok, err := s.Check.PassedCheck(ctx, actor.ID, m.ID, pub.Version)
		if err != nil {
			return false, gridskill.Internal(err)
		}
		if !ok {
			return false, nil
		}
	}
	now := s.clock.Now()
	key := m.ID + ":" + itoa(pub.Version)
	err = s.repo.insertCompletion(ctx, completionDoc{ID: actor.ID + ":" + key, WorkerID: actor.ID, UnitID: actor.UnitID,
		UnitPath: actor.UnitPath, ModuleID: m.ID, Version: pub.Version, At: now})
	if err != nil {
		return false, err
	}
	_, err = s.repo.updateProgress(ctx, actor.ID, bson.M{"history.key": bson.M{"$ne": key}}, bson.M{
		"$push": bson.M{"history": completionRefDoc{Key: key, ModuleID: m.ID, Version: pub.Version, Title: pub.Title, At: now}},
	})
	if err != nil {
		return false, err
	}
	for attempt := 0; attempt < 4; attempt++ {
		next := sum.Modules[m.ID]
		if next.CompletedVersion >= pub.Version {
			return true, nil
		}
		old, had := sum.Entries[m.ID]
		next.CompletedVersion, next.CompletedAt = pub.Version, now
		applied, err := s.repo.casModule(ctx, actor.ID, m.ID, old, had, next)
		if err != nil || applied {
			return err == nil, err
		}
		if sum, err = s.repo.summaryOf(ctx, actor.ID); err != nil {
			return false, err
		}
	}
	return false, gridskill.Errorf(gridskill.ECONFLICT, "the module was changed by someone else; reload it and try again")
}

// CheckPassed completes a module for a worker who has just passed its
// end-of-module check, if every lesson is done; otherwise it changes
// nothing, and the last lesson completes it. Errors: not_found, internal.
func (s *Service) CheckPassed(ctx context.Context, workerID, moduleID string) error {
	worker, err := s.people.User(ctx, workerID)
	if err != nil {
		return err
	}
	_, err = s.Study(ctx, worker, moduleID)
	return err
}

// header finds a published module and one of its lessons in the cached catalogue.
func (s *Service) header(ctx context.Context, actor people.User, moduleID, lessonID string) (Module, error) {
	if !ValidID(moduleID) || !ValidID(lessonID) {
		return Module{}, gridskill.Errorf(gridskill.EINVALID, "malformed module or lesson id")
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return Module{}, err
	}
	m, ok := c.modules[moduleID]
	if !ok || m.Published == nil || !canRead(actor, m) {
		return Module{}, errNoModule()
	}
	for _, l := range m.Published.Lessons {
		if l.ID == lessonID {
			return m, nil
		}
	}
	return Module{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such lesson")
}

// Beat is the answer to a heartbeat.
type Beat struct {
	Credited int `json:"credited"` // seconds credited by this beat
	Seconds  int `json:"seconds"`  // seconds on the lesson so far
	Cap      int `json:"cap"`      // the most the lesson can earn
}

// Heartbeat credits time on a lesson. The server's clock decides: the time
// since the actor's previous beat, at most MaxBeat, none after a gap longer
// than BeatGap or beyond the lesson's cap. The time since a beat on another
// lesson goes to that lesson: it is what was read there after its last beat,
// which no beat of its own reported. A beat that races another of the same
// worker credits nothing. The first beat on a lesson also marks it opened.
// Errors: invalid, not_found, internal.
func (s *Service) Heartbeat(ctx context.Context, actor people.User, moduleID, lessonID string) (Beat, error) {
	m, err := s.header(ctx, actor, moduleID, lessonID)
	if err != nil {
		return Beat{}, err
	}
	defer s.lockWorker(actor.ID)()
	p, err := s.repo.progressOf(ctx, actor.ID)
	if err != nil {
		return Beat{}, err
	}
	if err := s.markOpened(ctx, actor, m.ID, lessonID, p); err != nil {
		return Beat{}, err
	}
	return s.beat(ctx, actor, m, lessonID, p)
}

// lessonMinutesOf is a published lesson's estimated minutes, at least 1.
func lessonMinutesOf(m Module, lessonID string) int {
	if m.Published != nil {
		for _, l := range m.Published.Lessons {
			if l.ID == lessonID {
				return max(1, l.Minutes)
			}
		}
	}
	return 1
}

// beat records a beat on a lesson and credits the time since the previous
// one, to the lesson that beat was on. The caller holds the worker's lock.
func (s *Service) beat(ctx context.Context, actor people.User, m Module, lessonID string, p progressDoc) (Beat, error) {
	now := s.clock.Now()
	key := m.ID + "/" + lessonID
	have := p.Modules[m.ID].Lessons[lessonID].Seconds
	b := Beat{Seconds: have, Cap: LessonCapFactor * lessonMinutesOf(m, lessonID) * 60}
	credit, onModule, onLesson := 0, m.ID, lessonID
	if p.Beat != nil {
		if el := now.Sub(p.Beat.At); el > 0 && el <= BeatGap {
			credit = int(min(el, MaxBeat) / time.Second)
		}
		if p.Beat.Key != key {
			onModule, onLesson, _ = strings.Cut(p.Beat.Key, "/")
			credit = s.creditable(ctx, onModule, onLesson, p, credit)
		} else {
			credit = max(0, min(credit, b.Cap-have))
		}
	}
	guard := bson.M{"beat": bson.M{"$exists": false}}
	if p.Beat != nil {
		guard = bson.M{"beat.key": p.Beat.Key, "beat.at": p.Beat.At}
	}
	update := bson.M{"$set": bson.M{"beat": beatDoc{Key: key, At: now}}}
	if credit > 0 {
		update["$inc"] = bson.M{"modules." + onModule + ".lessons." + onLesson + ".seconds": credit, "years." + yearOf(now) + ".seconds": credit}
	}
	applied, err := s.repo.updateProgress(ctx, actor.ID, guard, update)
	if err != nil {
		return Beat{}, err
	}
	if applied && onLesson == lessonID && onModule == m.ID {
		b.Credited = credit
		b.Seconds += credit
	}
	return b, nil
}

// creditable bounds a credit to another lesson by what that lesson may still
// earn; a lesson no longer published earns nothing.
func (s *Service) creditable(ctx context.Context, moduleID, lessonID string, p progressDoc, credit int) int {
	if !ValidID(moduleID) || !ValidID(lessonID) {
		return 0
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return 0
	}
	m, ok := c.modules[moduleID]
	if !ok || m.Published == nil {
		return 0
	}
	for _, l := range m.Published.Lessons {
		if l.ID == lessonID {
			return max(0, min(credit, LessonCapFactor*max(1, l.Minutes)*60-p.Modules[moduleID].Lessons[lessonID].Seconds))
		}
	}
	return 0
}

// OpenLesson records the first time the actor opened a lesson, from which
// its reading time counts (later opens change nothing), and returns when the
// lesson may be marked done. Errors: invalid, not_found, internal.
func (s *Service) OpenLesson(ctx context.Context, actor people.User, moduleID, lessonID string) (time.Time, error) {
	m, err := s.header(ctx, actor, moduleID, lessonID)
	if err != nil {
		return time.Time{}, err
	}
	defer s.lockWorker(actor.ID)()
	p, err := s.repo.progressOf(ctx, actor.ID)
	if err != nil {
		return time.Time{}, err
	}
	if err := s.markOpened(ctx, actor, m.ID, lessonID, p); err != nil {
		return time.Time{}, err
	}
	p, err = s.repo.progressOf(ctx, actor.ID)
	if err != nil {
		return time.Time{}, err
	}
	return p.Modules[m.ID].Lessons[lessonID].Opened.Add(MinRead(lessonMinutesOf(m, lessonID))), nil
}

// markOpened sets a lesson's first open to now unless it has one. The caller
// holds the worker's lock.
func (s *Service) markOpened(ctx context.Context, actor people.User, moduleID, lessonID string, p progressDoc) error {
	if !p.Modules[moduleID].Lessons[lessonID].Opened.IsZero() {
		return nil
	}
	field := "modules." + moduleID + ".lessons." + lessonID + ".opened"
	_, err := s.repo.updateProgress(ctx, actor.ID, bson.M{field: bson.M{"$exists": false}}, bson.M{"$set": bson.M{field: s.clock.Now()}})
	return err
}

const tooSoon = "Please read the lesson a little longer: it can be marked done in %d seconds."

// TooSoon reports whether err is CompleteLesson's refusal of a lesson whose
// minimum reading time has not passed yet.
func TooSoon(err error) bool {
	var e *gridskill.Error
	return errors.As(err, &e) && e.Format == tooSoon
}

// readEnough refuses to mark a lesson done before its minimum reading time
// has passed since its first open; the tap counts as a beat, so the time
// read since the last one is credited. A lesson never opened is opened now.
// Errors: invalid, internal.
func (s *Service) readEnough(ctx context.Context, actor people.User, m Module, lessonID string) error {
	p, err := s.repo.progressOf(ctx, actor.ID)
	if err != nil {
		return err
	}
	if _, err := s.beat(ctx, actor, m, lessonID, p); err != nil {
		return err
	}
	opened := p.Modules[m.ID].Lessons[lessonID].Opened
	if opened.IsZero() {
		if err := s.markOpened(ctx, actor, m.ID, lessonID, p); err != nil {
			return err
		}
		opened = s.clock.Now()
	}
	if left := opened.Add(MinRead(lessonMinutesOf(m, lessonID))).Sub(s.clock.Now()); left > 0 {
		return gridskill.Errorf(gridskill.EINVALID, tooSoon, int((left+time.Second-1)/time.Second))
	}
	return nil
}
