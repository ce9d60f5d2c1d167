package quiz

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/store"
)

// Several instances over one database.
//
// The open attempts of an exam live in the memory of one instance at a time:
// the holder of the lease "exam:<id>" (one lease per exam rather than per
// attempt, as a renewal is a conditional update and thousands of them a
// second would load the engine). The instance that claims it calls TakeOver,
// which reads that exam's attempts from the database as Load does at a
// start; one that loses it calls Drop. Every attempt action first checks
// that this instance holds the exam and has taken it over, and refuses with
// unavailable (the client retries and the balancer brings it to the owner)
// when not. A save or finish checks again after its write and before it
// answers, so that an owner paused past its lease never acknowledges what
// the new owner may not have read. Server seqs of saves continue on takeover
// from epoch<<32, so that a late save of a former owner can never carry an
// id the new owner assigns. The bank and the exams are shared: a change
// bumps the version "quiz", and every instance reloads them (Refresh).

// Holder says whether this instance holds a lease now, e.g. "exam:<id>".
type Holder interface{ Holds(lease string) bool }

// VersionName is the name of the version bumped after a change of the bank
// or of an exam, for store.Versions.Watch with Refresh.
const VersionName = "quiz"

// bumper announces a change to the other instances (store.Versions).
type bumper interface {
	Bump(ctx context.Context, name string) error
}

// maxAttExams bounds the attempt → exam map of AttemptExam; past it the map
// starts again (it is a cache of facts that never change).
const maxAttExams = 100_000

const movingMessage = "this exam is moving to another server; try again"

// moving is the error of an attempt action on an exam another instance
// holds, or that this one is losing: the client is to try again at once.
func moving() error {
	return &gridskill.Error{Code: gridskill.EUNAVAILABLE, Message: movingMessage, Format: movingMessage, Err: &Busy{RetryAfter: time.Second}}
}

func examLease(examID string) string { return "exam:" + examID }

// SetCluster makes the service one of several instances, whose exams it
// holds as h says. Call it before Load; nil (the default) is a single
// instance, which holds every exam.
func (s *Service) SetCluster(h Holder) {
	s.cluster = h
	if h != nil && s.bumps == nil {
		s.bumps = store.NewVersions(s.repo.db)
	}
}

// SetVersions has the service announce its changes through v, the change
// counters this instance also watches, so that it does not reload for its
// own changes. Without it SetCluster uses counters of its own; call either
// first.
func (s *Service) SetVersions(v *store.Versions) {
	if v != nil {
		s.bumps = v
	}
}

// holds reports whether this instance may act on the attempts of an exam:
// always when alone; on several instances while it holds the exam's lease
// and has taken the exam over.
func (s *Service) holds(examID string) bool {
	if s.cluster == nil {
		return true
	}
	s.ownMu.RLock()
	_, ok := s.owned[examID]
	s.ownMu.RUnlock()
	return ok && s.cluster.Holds(examLease(examID))
}

// seqFloor is what the server seqs of an exam's saves start above: zero
// alone; on several instances epoch<<32 of the lease this instance took the
// exam over with, so that no two owners ever assign the same seq.
func (s *Service) seqFloor(examID string) int64 {
	if s.cluster == nil {
		return 0
	}
	s.ownMu.RLock()
	defer s.ownMu.RUnlock()
	return s.owned[examID] << 32
}

// current reports, after a write for att, whether this instance may
// acknowledge it: it still holds att's exam and att is still the attempt in
// memory (not one dropped since, whose exam was taken over again).
func (s *Service) current(att *openAttempt) bool {
	if s.cluster == nil {
		return true
	}
	if !s.holds(att.doc.ExamID) {
		return false
	}
	s.attMu.Lock()
	defer s.attMu.Unlock()
	return s.open[att.doc.ID] == att
}

// changed tells the other instances that the bank or an exam changed. The
// change is stored already; a failure only delays their reload.
func (s *Service) changed(ctx context.Context) {
	if s.bumps == nil {
		return
	}
	if err := s.bumps.Bump(ctx, VersionName); err != nil {
		s.log.Error("announce a change of the question bank or the exams", "err", err)
	}
}

// TakeOver reads one exam's state from the database, as Load does for all
// at a start, once this instance holds its lease with this epoch: the exam
// and its open attempts with their saves, events and devices' seqs. Each
// attempt's next save seq is above epoch<<32. An open attempt whose finished
// twin is stored counts as finished, and what follows a finish is replayed
// for it.
//
// The exam's finished attempts' summaries (which count as attempts used)
// are read afterwards, in the background: on the embedded engine that read
// scans every exam's, and the open attempts' examinees should not wait for
// it to go on saving. A start at the exam waits for it (awaitFinished); the
// twins are looked up one by one by id, which the engine answers from its
// index.
// Errors: invalid, not_found, internal.
func (s *Service) TakeOver(ctx context.Context, examID string, epoch int64) error {
	if !validID(examID) {
		return gridskill.Errorf(gridskill.EINVALID, "malformed exam id")
	}
	if epoch < 0 || epoch >= 1<<20 {
		return fmt.Errorf("lease epoch %d is out of range", epoch)
	}
	// Nothing is acknowledged while the exam is read: a save acknowledged
	// before this point was written before, so the reads below see it.
	s.ownMu.Lock()
	delete(s.owned, examID)
	s.ownMu.Unlock()
	d, found, err := s.repo.exam(ctx, examID)
	if err != nil {
		return gridskill.Internal(err)
	}
	if !found {
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such exam")
	}
	s.examMu.Lock()
	s.exams[d.ID] = d.exam()
	s.examMu.Unlock()
	open, err := s.repo.openAttemptsOf(ctx, examID)
	if err != nil {
		return gridskill.Internal(err)
	}
	twins, err := s.readTwins(ctx, open)
	if err != nil {
		return gridskill.Internal(err)
	}
	var repairs []outcome
	byID, err := s.rebuild(ctx, examID, open, epoch<<32, func(d openDoc) {
		repairs = append(repairs, outcome{attempt: d.ID, user: d.UserID})
	})
	if err != nil {
		return gridskill.Internal(err)
	}
	if err := s.install(ctx, examID, byID, twins); err != nil {
		return gridskill.Internal(err)
	}
	// Replaying a finish's follow-ups changes nothing if its owner did them.
	for _, o := range repairs {
		s.queueOutcome(o)
	}
	read := make(chan struct{})
	s.ownMu.Lock()
	s.owned[examID] = epoch
	s.reading[examID] = read
	s.ownMu.Unlock()
	go s.readFinished(examID, epoch, read)
	return nil
}

// readTwins reads the finished twins of open documents not known finished
// here, adds their results, and returns their papers.
func (s *Service) readTwins(ctx context.Context, open []openDoc) ([][]itemDoc, error) {
	var ids []string
	s.attMu.Lock()
	for _, d := range open {
		if _, ok := s.finished[d.ID]; !ok {
			ids = append(ids, d.ID)
		}
	}
	s.attMu.Unlock()
	fin, err := s.repo.finishedByID(ctx, ids, summaryFields)
	if err != nil {
		return nil, err
	}
	return s.addFinished(fin), nil
}

// addFinished adds finished attempts' results and returns their papers.
func (s *Service) addFinished(fin []finishedDoc) [][]itemDoc {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	papers := make([][]itemDoc, 0, len(fin))
	for _, f := range fin {
		s.addResult(f.result())
		papers = append(papers, f.Open.Paper)
	}
	return papers
}

// readFinished reads the finished attempts of an exam taken over with
// epoch, retrying every second while this instance still holds it that way,
// then closes read.
func (s *Service) readFinished(examID string, epoch int64, read chan struct{}) {
	defer func() {
		s.ownMu.Lock()
		if s.reading[examID] == read {
			delete(s.reading, examID)
		}
		s.ownMu.Unlock()
		close(read)
	}()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res, err := s.repo.results(ctx, bson.M{"exam": examID})
		if err == nil {
			s.addResults(res)
		}
		cancel()
		if err == nil {
			return
		}
		s.log.Error("read an exam's finished attempts after taking it over", "exam", examID, "err", err)
		time.Sleep(time.Second)
		s.ownMu.RLock()
		e, ok := s.owned[examID]
		s.ownMu.RUnlock()
		if !ok || e != epoch {
			return
		}
	}
}

// awaitFinished waits until the finished attempts of an exam just taken
// over are read, so that a start counts the attempts used. Alone, or once
// read, it returns at once.
// Errors: unavailable (still reading when ctx ends).
// A read given up (the exam lost meanwhile) leaves the exam not held, and
// one begun by a later takeover is waited for in turn.
func (s *Service) awaitFinished(ctx context.Context, examID string) error {
	for {
		s.ownMu.RLock()
		read := s.reading[examID]
		s.ownMu.RUnlock()
		if read == nil {
			if !s.holds(examID) {
				return moving()
			}
			return nil
		}
		select {
		case <-read:
		case <-ctx.Done():
			return moving()
		}
	}
}

// Drop forgets the open attempts of an exam whose lease this instance lost.
// It writes nothing: the new owner reads them from the database.
func (s *Service) Drop(examID string) {
	s.ownMu.Lock()
	delete(s.owned, examID)
	s.ownMu.Unlock()
	s.attMu.Lock()
	s.forget(examID)
	s.attMu.Unlock()
}

// forget removes the open attempts of an exam from memory. attMu must be held.
func (s *Service) forget(examID string) {
	for id, att := range s.open {
		if att.doc.ExamID != examID {
			continue
		}
		delete(s.open, id)
		if k := key(att.doc.ExamID, att.doc.UserID); s.openBy[k] == id {
			delete(s.openBy, k)
		}
	}
}

// AttemptExam returns the id of the exam an attempt belongs to, for routing
// its requests to the exam's owner: from memory, or read once by id from the
// open and then the finished attempts, and kept (it never changes).
// Errors: not_found (an unknown or malformed id), internal.
func (s *Service) AttemptExam(ctx context.Context, attemptID string) (string, error) {
	if !validID(attemptID) {
		return "", gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
	}
	s.attMu.Lock()
	att, open := s.open[attemptID]
	r, done := s.finished[attemptID]
	s.attMu.Unlock()
	switch {
	case open:
		return att.doc.ExamID, nil
	case done:
		return r.ExamID, nil
	}
	s.ownMu.RLock()
	examID, ok := s.attExams[attemptID]
	s.ownMu.RUnlock()
	if ok {
		return examID, nil
	}
	examID, found, err := s.repo.attemptExam(ctx, attemptID)
	if err != nil {
		return "", gridskill.Internal(err)
	}
	if !found {
		return "", gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
	}
	s.ownMu.Lock()
	if len(s.attExams) >= maxAttExams {
		s.attExams = map[string]string{}
	}
	s.attExams[attemptID] = examID
	s.ownMu.Unlock()
	return examID, nil
}

// ExamsWithOpenAttempts returns the exams that attempts are open at, as the
// database holds them (one scan), so that an exam whose owner died is
// adopted even if no request for it arrives.
// Errors: internal.
func (s *Service) ExamsWithOpenAttempts(ctx context.Context) ([]string, error) {
	ids, err := s.repo.openExams(ctx)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	return ids, nil
}

// Refresh reads the bank and the exams again, for the changes another
// instance made (store.Versions.Watch on VersionName). The open attempts of
// an exam whose window changed follow it, as after ExtendExam or CloseExam.
func (s *Service) Refresh(ctx context.Context) error {
	if err := s.loadBank(ctx); err != nil {
		return fmt.Errorf("reload question bank: %w", err)
	}
	s.examMu.RLock()
	before := make(map[string]time.Time, len(s.exams))
	for id, e := range s.exams {
		before[id] = e.ClosesAt
	}
	s.examMu.RUnlock()
	if err := s.loadExams(ctx); err != nil {
		return fmt.Errorf("reload exams: %w", err)
	}
	now := s.clock.Now()
	s.examMu.RLock()
	var moved []Exam
	for id, e := range s.exams {
		if c, ok := before[id]; ok && !c.Equal(e.ClosesAt) {
			moved = append(moved, e)
		}
	}
	s.examMu.RUnlock()
	for _, e := range moved {
		s.followWindow(e, now)
	}
	return nil
}
