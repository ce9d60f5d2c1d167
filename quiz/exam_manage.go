package quiz

import (
	"context"
	"slices"
	"time"

	"gridskill"
	"gridskill/people"
)

// Managing a running exam. An open attempt's deadline is a rule of its exam,
// the earlier of its start + the duration and the window's close (Start),
// so a window that changes moves every open attempt's deadline with it: in
// memory at once, and at a restart from the stored exam (Load recomputes
// it), so no attempt document needs a write. The duration cannot change once
// someone has started.

// deadline is when an attempt started at start ends.
func (e Exam) deadline(start time.Time) time.Time {
	d := start.Add(e.Duration)
	if e.ClosesAt.Before(d) {
		return e.ClosesAt
	}
	return d
}

// mayEdit reports whether actor may change exam e: staff whose area holds
// the exam's owner (a street's trainer reads a district's exam, and does
// not change it).
func mayEdit(actor people.User, e Exam) bool {
	return isStaff(actor) && actor.CanTeach(e.OwnerPath)
}

// editable returns the exam actor may change. Errors: invalid, not_found,
// forbidden.
func (s *Service) editable(ctx context.Context, actor people.User, id string) (Exam, error) {
	e, err := s.Exam(ctx, actor, id)
	if err != nil {
		return Exam{}, err
	}
	if !mayEdit(actor, e) {
		return Exam{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only staff of the unit that set this exam may change it")
	}
	return e, nil
}

// Started reports whether anyone has started an attempt at the exam.
func (s *Service) Started(examID string) bool {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	for _, att := range s.open {
		if att.doc.ExamID == examID {
			return true
		}
	}
	for _, r := range s.finished {
		if r.ExamID == examID {
			return true
		}
	}
	return false
}

// UpdateExam replaces an exam's settings, as CreateExam checks them, while
// nobody has started it. Its id, owner and audience rules stay the exam's.
// Errors: invalid, not_found, forbidden, conflict (someone started it),
// unavailable (another instance holds the exam).
func (s *Service) UpdateExam(ctx context.Context, actor people.User, id string, next Exam) (Exam, error) {
	old, err := s.editable(ctx, actor, id)
	if err != nil {
		return Exam{}, err
	}
	if !s.holds(id) {
		return Exam{}, moving() // only the owner knows every attempt started
	}
	if s.Started(id) {
		return Exam{}, gridskill.Errorf(gridskill.ECONFLICT, "someone has started this exam, so its paper and rules can no longer change; extend or close its window instead")
	}
	next, err = s.checkExam(ctx, actor, next)
	if err != nil {
		return Exam{}, err
	}
	next.ID, next.OwnerUnitID, next.OwnerPath, next.CreatedBy, next.CreatedAt = old.ID, old.OwnerUnitID, old.OwnerPath, old.CreatedBy, old.CreatedAt
	next.UserIDs, next.MakeUpOf = old.UserIDs, old.MakeUpOf
	if _, err := s.drawPaper(next, next.OwnerPath, 1); err != nil {
		return Exam{}, err
	}
	if err := s.replaceExam(ctx, next); err != nil {
		return Exam{}, err
	}
	s.markUsed(ctx, s.drawable(next, next.OwnerPath))
	return next, nil
}

// ExtendExam moves an exam's close to closesAt, later than it is and than
// now. Open attempts that the old close cut short run on to the earlier of
// their start + the duration and the new close; an attempt already past its
// deadline stays ended. Errors: invalid, not_found, forbidden, unavailable
// (another instance holds the exam).
func (s *Service) ExtendExam(ctx context.Context, actor people.User, id string, closesAt time.Time) (Exam, error) {
	e, err := s.editable(ctx, actor, id)
	if err != nil {
		return Exam{}, err
	}
	if !s.holds(id) {
		return Exam{}, moving() // the owner's open attempts follow the window
	}
	now := s.clock.Now()
	if !closesAt.After(e.ClosesAt) || !closesAt.After(now) {
		return Exam{}, gridskill.Errorf(gridskill.EINVALID, "the new close must be later than the present one and than now; to end the exam, close it now")
	}
	e.ClosesAt = closesAt.UTC()
	if err := s.replaceExam(ctx, e); err != nil {
		return Exam{}, err
	}
	s.followWindow(e, now)
	return e, nil
}

// CloseExam ends an exam's window now. Every open attempt is submitted as at
// the window's close (reason "deadline", answers as saved), before the call
// returns; it returns how many were. An exam that had not opened yet opens
// and closes now, so nobody can start it. Errors: invalid, not_found,
// forbidden, conflict (closed already), unavailable (another instance holds
// the exam).
func (s *Service) CloseExam(ctx context.Context, actor people.User, id string) (Exam, int, error) {
	e, err := s.editable(ctx, actor, id)
	if err != nil {
		return Exam{}, 0, err
	}
	if !s.holds(id) {
		return Exam{}, 0, moving() // the owner submits the open attempts
	}
	now := s.clock.Now().Truncate(time.Millisecond)
	if !now.Before(e.ClosesAt) {
		return Exam{}, 0, gridskill.Errorf(gridskill.ECONFLICT, "this exam is closed already")
	}
	e.ClosesAt = now
	if e.OpensAt.After(now) {
		e.OpensAt = now.Add(-time.Millisecond)
	}
	if err := s.replaceExam(ctx, e); err != nil {
		return Exam{}, 0, err
	}
	n := s.followWindow(e, now)
	s.Sweep(ctx)
	return e, n, nil
}

// followWindow sets the deadline of each open attempt of e that has not
// ended by now to what e's window gives it, and returns how many now end at
// once.
func (s *Service) followWindow(e Exam, now time.Time) int {
	s.attMu.Lock()
	var atts []*openAttempt
	for _, att := range s.open {
		if att.doc.ExamID == e.ID {
			atts = append(atts, att)
		}
	}
	s.attMu.Unlock()
	ending := 0
	for _, att := range atts {
		att.mu.Lock()
		s.attMu.Lock()
		if !att.done && now.Before(att.doc.Deadline) {
			att.doc.Deadline = e.deadline(att.doc.StartedAt)
			if !now.Before(att.doc.Deadline) {
				ending++
			}
		}
		s.attMu.Unlock()
		att.mu.Unlock()
	}
	return ending
}

// replaceExam stores an exam's new settings and then holds them in memory.
func (s *Service) replaceExam(ctx context.Context, e Exam) error {
	if err := s.repo.replaceExam(ctx, toExamDoc(e)); err != nil {
		return gridskill.Internal(err)
	}
	s.examMu.Lock()
	s.exams[e.ID] = e
	s.examMu.Unlock()
	s.changed(ctx)
	return nil
}

// loadedDeadline is an open attempt's deadline after a restart: what its
// exam's window gives it now, so that a window extended or closed before the
// restart holds; the stored one when the exam is unknown.
func (s *Service) loadedDeadline(d openDoc) time.Time {
	e, ok := s.examByID(d.ExamID)
	if !ok {
		return d.Deadline
	}
	return e.deadline(d.StartedAt).UTC()
}

// MakeUpExam sets a make-up exam (补考) of exam id for the workers of its
// audience inside the actor's area whose counted attempt did not pass or
// who did not sit it: the same paper rules and settings, the window given,
// "补考" added to the title. Errors: invalid (nobody to sit it, a bad
// window), not_found, forbidden.
func (s *Service) MakeUpExam(ctx context.Context, actor people.User, id string, opensAt, closesAt time.Time) (Exam, error) {
	e, err := s.editable(ctx, actor, id)
	if err != nil {
		return Exam{}, err
	}
	workers, err := s.people.Workers(ctx, actor.UnitID)
	if err != nil {
		return Exam{}, err
	}
	var ids []string
	s.attMu.Lock()
	for _, w := range workers {
		if !e.Sits(w) {
			continue
		}
		if c, ok := Counted(e, s.results[key(e.ID, w.ID)]); !ok || !c.Passed {
			ids = append(ids, w.ID)
		}
	}
	s.attMu.Unlock()
	if len(ids) == 0 {
		return Exam{}, gridskill.Errorf(gridskill.EINVALID, "everyone in the audience has passed this exam; no make-up exam is needed")
	}
	slices.Sort(ids)
	m := e
	m.ID, m.Title, m.OpensAt, m.ClosesAt, m.UserIDs, m.MakeUpOf = "", makeUpTitle(e.Title), opensAt, closesAt, ids, e.ID
	return s.CreateExam(ctx, actor, m)
}

func makeUpTitle(t string) string {
	const suffix = "（补考）"
	if len([]rune(t))+len([]rune(suffix)) > 100 {
		t = string([]rune(t)[:100-len([]rune(suffix))])
	}
	return t + suffix
}

// SampleQuestion is one question of a sample paper, with its key.
type SampleQuestion struct {
	Question
	Points float64
}

// SamplePaper draws a paper of the exam as a worker would get one, from the
// given seed, with the answer keys, for staff who may change the exam.
// Errors: invalid, not_found, forbidden.
func (s *Service) SamplePaper(ctx context.Context, actor people.User, id string, seed uint64) ([]SampleQuestion, error) {
	e, err := s.editable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	paper, err := s.drawPaper(e, e.OwnerPath, seed)
	if err != nil {
		return nil, err
	}
	out := make([]SampleQuestion, 0, len(paper))
	for _, it := range paper {
		q, err := s.version(ctx, it.QID, it.Version)
		if err != nil {
			return nil, err
		}
		out = append(out, SampleQuestion{Question: q, Points: it.Points})
	}
	return out, nil
}

// MayEdit reports whether actor may change exam e (edit, extend, close, set
// its make-up exam, read a sample paper).
func (s *Service) MayEdit(actor people.User, e Exam) bool { return mayEdit(actor, e) }

// EditableExam returns the exam for staff who may change it, so that a form
// is refused for another area's exam before it is read.
// Errors: invalid, not_found, forbidden.
func (s *Service) EditableExam(ctx context.Context, actor people.User, id string) (Exam, error) {
	return s.editable(ctx, actor, id)
}
