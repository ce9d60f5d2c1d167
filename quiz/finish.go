package quiz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/store"
)

// Finishing an attempt (a submit, the screen-switch limit, the deadline) is
// ordered so that only inserts are on the worker's path, and a crash at any
// step leaves a state the next Load finishes:
//
//  1. the attempt is graded in memory and sealed: from here it takes no save;
//  2. the finished attempt is inserted, group-committed with the others of the
//     moment, its id the attempt's (a duplicate is a finish already stored);
//  3. memory moves it to the finished ones, and the worker has the result;
//  4. off the worker's path: its summary in attempt_results (what a start
//     reads of every finished attempt), the wrong-answer book (once per
//     attempt, however often replayed) and certification;
//  5. last, the open document is removed, in batched deletes (a delete scans
//     the open attempts on the embedded engine, 180-250 ms over 2,000).
//
// An open document whose finished twin exists is therefore a finish whose
// steps 4-5 may not have run: Load takes the attempt as finished and replays
// them. Nothing is graded twice: a sealed attempt keeps its finished
// document, and a retried write inserts that same document.

// Finishing limits, sized for the embedded engine's one writer.
const (
	// finishQueue is how many finished attempts may wait for the database:
	// a district's burst of 2,000 submits fits twice. Past it a submit is
	// refused at once with Retry-After.
	finishQueue = 4000
	// finishWait is how long a submit waits for its write before it is
	// told to retry (its attempt stays sealed and is stored all the same).
	finishWait = 15 * time.Second
	// removeLinger gathers removals of open documents: one delete scans
	// them all, whatever it removes.
	removeLinger = 3 * time.Second
	// outcomeRun is how many follow-ups one run of the outcome worker does.
	outcomeRun = 20
)

// finishing holds the queues that finish attempts.
type finishing struct {
	docs     *store.Batch[finishWrite] // finished attempts, group-committed
	outcomes *store.Batch[outcome]     // wrong-answer book and certification
	removals *store.Batch[string]      // open documents to remove
	retryMin time.Duration

	mu      sync.Mutex
	pending map[string]*userPending // worker id → follow-ups not yet done
	repairs []outcome               // from Load, replayed by Run or Settle
}

type userPending struct {
	n    int
	done chan struct{}
}

// outcome is the work after a finished attempt is stored.
type outcome struct {
	attempt, user string
	doc           *finishedDoc // nil: read it back
}

func newFinishing(s *Service) *finishing {
	f := &finishing{pending: map[string]*userPending{}, retryMin: time.Second}
	f.docs = &store.Batch[finishWrite]{Run: s.writeFinished, Capacity: finishQueue}
	f.outcomes = &store.Batch[outcome]{Run: s.runOutcomes, Max: outcomeRun, Timeout: 5 * time.Minute}
	f.removals = &store.Batch[string]{Run: s.removeOpen, Linger: removeLinger}
	return f
}

// finishWrite is one sealed attempt on its way to the database.
type finishWrite struct {
	att *openAttempt
	doc finishedDoc
}

// writeFinished inserts finished attempts in one unordered insertMany and
// moves each written one to the finished ones in memory, whether or not
// its submit still waits.
//
// On several instances a finish of an exam this instance no longer holds is
// not written: it waited in the queue past the lease, and the new owner,
// which may have taken saves since, finishes the attempt itself.
func (s *Service) writeFinished(ctx context.Context, ws []finishWrite) []error {
	errs := make([]error, len(ws))
	docs := make([]any, 0, len(ws))
	var at []int
	for i, w := range ws {
		if !s.holds(w.doc.Open.ExamID) {
			errs[i] = moving()
			continue
		}
		docs = append(docs, w.doc)
		at = append(at, i)
	}
	if len(docs) > 0 {
		for j, err := range s.repo.insertFinished(ctx, docs) {
			errs[at[j]] = err
		}
	}
	for i, w := range ws {
		s.stored(w.att, w.doc, errs[i])
	}
	return errs
}

// removeOpen removes open documents whose finished attempts' follow-ups are
// done. The questions their papers hold are marked used in the database
// first: until then the open document is what tells Load to mark them.
func (s *Service) removeOpen(ctx context.Context, ids []string) []error {
	if err := s.used.Flush(ctx); err != nil {
		return same(err, len(ids))
	}
	return s.repo.removeOpen(ctx, ids)
}

// Busy is the cause of an unavailable error: when to try again.
type Busy struct{ RetryAfter time.Duration }

func (b *Busy) Error() string { return fmt.Sprintf("busy: retry after %s", b.RetryAfter) }

// RetryAfter returns how long the caller should wait before repeating a
// request refused as unavailable, and false for any other error.
func RetryAfter(err error) (time.Duration, bool) {
	var b *Busy
	if errors.As(err, &b) {
		return b.RetryAfter, true
	}
	return 0, false
}

// busy is the error of a submit the database cannot take now. The wait
// suggested grows by a second per run of 500 waiting (an estimate, not a
// measurement), so that a crowd does not come back all at once.
func (s *Service) busy() error {
	after := s.fin.retryMin + time.Duration(s.fin.docs.Len()/store.MaxBatch)*time.Second
	return &gridskill.Error{Code: gridskill.EUNAVAILABLE, Message: busyMessage, Format: busyMessage, Err: &Busy{RetryAfter: min(after, 30*time.Second)}}
}

const busyMessage = "many papers are being submitted at once; your answers are kept, and the paper will be submitted when you try again"

// Submit ends the actor's attempt and grades it. Submitting twice returns
// the same result. Errors: invalid, not_found, unavailable (the database is
// saturated: try again after RetryAfter; the answers are kept), internal.
func (s *Service) Submit(ctx context.Context, actor people.User, attemptID string) (AttemptResult, error) {
	att, err := s.attempt(ctx, actor, attemptID)
	if gridskill.ErrorCode(err) == gridskill.ECONFLICT {
		r, _ := s.resultOf(attemptID)
		return r, nil
	}
	if err != nil {
		return AttemptResult{}, err
	}
	att.mu.Lock()
	defer att.mu.Unlock()
	reason := "submitted"
	if !s.clock.Now().Before(att.doc.Deadline) {
		reason = "deadline"
	}
	return s.finish(ctx, att, reason)
}

// finish grades and seals an open attempt, stores it and waits for that
// (finishWait at most). att.mu must be held.
func (s *Service) finish(ctx context.Context, att *openAttempt, reason string) (AttemptResult, error) {
	done, err := s.seal(ctx, att, reason)
	if err != nil {
		return AttemptResult{}, err
	}
	t := time.NewTimer(finishWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-ctx.Done():
	}
	if !s.holds(att.doc.ExamID) {
		// The exam's new owner answers the retry: with this result if it
		// read it, else by finishing the attempt under the same id.
		return AttemptResult{}, moving()
	}
	if r, ok := s.resultOf(att.doc.ID); ok {
		return r, nil
	}
	return AttemptResult{}, s.busy()
}

// seal grades att unless it is sealed already and queues its finished
// document; the channel closes once that write is done. A full queue
// unseals it: nothing was queued, and saves are taken again. att.mu must
// be held.
func (s *Service) seal(ctx context.Context, att *openAttempt, reason string) (<-chan struct{}, error) {
	if !att.done {
		f, err := s.grade(ctx, att, reason)
		if err != nil {
			return nil, err
		}
		att.final, att.done = &f, true
	}
	dones, err := s.store(att)
	if errors.Is(err, store.ErrFull) {
		s.unseal(att)
		return nil, s.busy()
	}
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	return dones[0], nil
}

// grade scores an open attempt as it stands. It does no write.
func (s *Service) grade(ctx context.Context, att *openAttempt, reason string) (finishedDoc, error) {
	e, _ := s.examByID(att.doc.ExamID)
	now := s.clock.Now()
	if now.After(att.doc.Deadline) {
		now = att.doc.Deadline
	}
	f := finishedDoc{Open: att.doc, SubmittedAt: now, Reason: reason, Events: slices.Clone(att.events), Switches: switches(att.events)}
	for _, it := range att.doc.Paper {
		q, err := s.version(ctx, it.QID, it.Version)
		if err != nil {
			return finishedDoc{}, err
		}
		a := att.answers[it.QID]
		resp := a.answer
		if q.Type == scoring.Single || q.Type == scoring.Multiple {
			resp = originalKeys(resp, it.Perm)
		}
		g := scoring.Grade(q.Key(), resp, it.Points)
		f.Max += g.Possible
		f.Score += g.Earned
		f.Answers = append(f.Answers, finalAnswerDoc{QID: it.QID, Answer: a.answer, Seq: a.seq})
		f.Grades = append(f.Grades, gradeDoc{QID: it.QID, Earned: g.Earned, Correct: g.Correct})
	}
	f.Score = float64(int64(f.Score*100+0.5)) / 100
	f.Max = float64(int64(f.Max*100+0.5)) / 100
	f.Passed = f.Max > 0 && f.Score*100 >= float64(e.PassMark)*f.Max-1e-9
	return f, nil
}

// store queues the sealed documents of atts in one go, except those whose
// write is queued or done already, and returns for each a channel closed
// once its write is done. It queues nothing when the queue has no room
// for all (store.ErrFull).
func (s *Service) store(atts ...*openAttempt) ([]<-chan struct{}, error) {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	dones := make([]<-chan struct{}, len(atts))
	var ws []finishWrite
	for i, att := range atts {
		switch _, ok := s.finished[att.doc.ID]; {
		case ok:
			ch := make(chan struct{})
			close(ch)
			dones[i] = ch
		case att.storing != nil:
			dones[i] = att.storing
		default:
			ws = append(ws, finishWrite{att: att, doc: *att.final})
		}
	}
	if err := s.fin.docs.Queue(nil, ws...); err != nil {
		return nil, err
	}
	for i, att := range atts {
		if dones[i] == nil {
			att.storing, att.retry, att.tried = make(chan struct{}), false, true
			dones[i] = att.storing
		}
	}
	return dones, nil
}

// stored runs once a finished document's write is done, on the batch's
// goroutine, whether or not anyone still waits for it.
func (s *Service) stored(att *openAttempt, f finishedDoc, err error) {
	if err == nil {
		s.recent.add(f)
	}
	s.attMu.Lock()
	done := att.storing
	att.storing = nil
	if err != nil {
		att.retry = true // the next sweep writes it again
	} else {
		r := f.result()
		delete(s.open, r.ID)
		if s.openBy[key(r.ExamID, r.UserID)] == r.ID {
			delete(s.openBy, key(r.ExamID, r.UserID))
		}
		s.addResult(r)
		if s.cluster == nil {
			s.prune = append(s.prune, r.ID) // several instances prune from the database
		}
	}
	s.attMu.Unlock()
	close(done)
	switch {
	case gridskill.ErrorCode(err) == gridskill.EUNAVAILABLE:
		s.log.Info("finish left to the exam's new owner", "attempt", f.Open.ID)
		return
	case err != nil:
		s.log.Error("store finished attempt", "attempt", f.Open.ID, "err", err)
		return
	}
	s.queueOutcome(outcome{attempt: f.Open.ID, user: f.Open.UserID, doc: &f})
}

func (s *Service) resultOf(id string) (AttemptResult, bool) {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	r, ok := s.finished[id]
	return r, ok
}

// queueOutcome hands a stored attempt's follow-ups to the outcome worker.
func (s *Service) queueOutcome(o outcome) {
	s.fin.mu.Lock()
	p := s.fin.pending[o.user]
	if p == nil {
		p = &userPending{done: make(chan struct{})}
		s.fin.pending[o.user] = p
	}
	p.n++
	s.fin.mu.Unlock()
	if err := s.fin.outcomes.Queue(func(err error) { s.outcomeDone(o, err) }, o); err != nil {
		// Closed: the next Load replays it, the open document being still there.
		s.outcomeDone(o, err)
	}
}

func (s *Service) outcomeDone(o outcome, err error) {
	s.fin.mu.Lock()
	if p := s.fin.pending[o.user]; p != nil {
		if p.n--; p.n == 0 {
			close(p.done)
			delete(s.fin.pending, o.user)
		}
	}
	s.fin.mu.Unlock()
	if err != nil {
		// The open document stays, so that the next Load replays the outcome.
		s.log.Error("record exam outcome", "attempt", o.attempt, "err", err)
		return
	}
	_ = s.fin.removals.Queue(nil, o.attempt)
}

// awaitOutcomes waits (up to a few seconds) until the worker's finished
// attempts are in their wrong-answer book, so that the book a worker opens
// right after submitting holds that paper.
func (s *Service) awaitOutcomes(ctx context.Context, userID string) {
	s.fin.mu.Lock()
	p := s.fin.pending[userID]
	s.fin.mu.Unlock()
	if p == nil {
		return
	}
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
	case <-ctx.Done():
	}
}

// runOutcomes does the follow-ups of stored attempts, one after another.
func (s *Service) runOutcomes(ctx context.Context, batch []outcome) []error {
	errs := make([]error, len(batch))
	for i, o := range batch {
		errs[i] = s.applyOutcome(ctx, o)
	}
	return errs
}

// applyOutcome records a finished attempt in the worker's wrong-answer book
// (once per attempt) and tells certification. Replaying it changes nothing.
func (s *Service) applyOutcome(ctx context.Context, o outcome) error {
	f := o.doc
	if f == nil {
		d, ok := s.recent.get(o.attempt)
		if !ok {
			var found bool
			var err error
			if d, found, err = s.repo.finished(ctx, o.attempt); err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("finished attempt %s is not stored", o.attempt)
			}
		}
		f = &d
	}
	// The summary first: the open document, removed after this, is what
	// leads a start to it until it is stored.
	if err := s.repo.insertResults(ctx, []any{resultDocOf(*f)})[0]; err != nil {
		return fmt.Errorf("store the attempt's summary: %w", err)
	}
	s.keepPaper(*f)
	e, _ := s.examByID(f.Open.ExamID)
	if e.Review != ReviewNever {
		var right, wrong []string
		for _, g := range f.Grades {
			if g.Correct {
				right = append(right, g.QID)
			} else {
				wrong = append(wrong, g.QID)
			}
		}
		visibleFrom := f.SubmittedAt.UTC()
		if e.Review == ReviewAfterClose {
			visibleFrom = e.ClosesAt
		}
		if err := s.recordOutcomes(ctx, f.Open.UserID, f.Open.ID, right, wrong, visibleFrom); err != nil {
			return fmt.Errorf("update wrong-answer book: %w", err)
		}
	}
	if s.Finished != nil {
		s.Finished(ctx, f.result())
	}
	return nil
}

// Sweep submits every open attempt whose deadline has passed, whether or
// not a client is connected, and writes again any sealed attempt whose
// write failed. It returns how many attempts it stored. A window's close
// ends many attempts at once: all are graded, then written MaxBatch to an
// insert, and their follow-ups run in the background. On several instances
// it sweeps the exams this instance holds alone.
func (s *Service) Sweep(ctx context.Context) int {
	now := s.clock.Now()
	s.attMu.Lock()
	var due []*openAttempt
	for _, att := range s.open {
		if att.storing == nil && (att.retry || !now.Before(att.doc.Deadline)) {
			due = append(due, att)
		}
	}
	s.attMu.Unlock()
	if s.cluster != nil {
		held := map[string]bool{}
		due = slices.DeleteFunc(due, func(att *openAttempt) bool {
			h, ok := held[att.doc.ExamID]
			if !ok {
				h = s.holds(att.doc.ExamID)
				held[att.doc.ExamID] = h
			}
			return !h
		})
	}
	var writes []<-chan struct{}
	var ids []string
	for chunk := range slices.Chunk(due, store.MaxBatch) {
		dones, err := s.sweepChunk(ctx, chunk)
		if err != nil {
			break // the queue is full: the next sweep takes the rest
		}
		writes = append(writes, dones...)
		for _, att := range chunk {
			ids = append(ids, att.doc.ID)
		}
	}
	for _, done := range writes {
		select {
		case <-done:
		case <-ctx.Done():
		}
	}
	n := 0
	for _, id := range ids {
		if _, ok := s.resultOf(id); ok {
			n++
		}
	}
	return n
}

// sweepChunk seals attempts at their deadline and queues them in one go.
// Those the queue has no room for are unsealed again.
func (s *Service) sweepChunk(ctx context.Context, atts []*openAttempt) ([]<-chan struct{}, error) {
	var sealed, fresh []*openAttempt
	for _, att := range atts {
		att.mu.Lock()
		if !att.done {
			f, err := s.grade(ctx, att, "deadline")
			if err != nil {
				att.mu.Unlock()
				s.log.Error("submit at deadline", "attempt", att.doc.ID, "err", err)
				continue
			}
			att.final, att.done = &f, true
			fresh = append(fresh, att)
		}
		att.mu.Unlock()
		sealed = append(sealed, att)
	}
	dones, err := s.store(sealed...)
	if err != nil {
		for _, att := range fresh {
			att.mu.Lock()
			s.unseal(att)
			att.mu.Unlock()
		}
		return nil, err
	}
	return dones, nil
}

// unseal lets an attempt take saves again after the queue refused it, unless
// its document was ever handed to the database: a write that failed may
// still have landed, and the document it wrote must stay the attempt's.
// att.mu must be held.
func (s *Service) unseal(att *openAttempt) {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	if att.tried {
		return
	}
	att.final, att.done = nil, false
}

// Run sweeps every interval, and prunes finished attempts' saves every
// minute, until ctx ends. It first replays the follow-ups of attempts that
// Load found finished but not yet removed (after Finished is set). On
// several instances it does not prune: one of them calls Prune under a
// job lease.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	s.replayRepairs()
	t := time.NewTicker(every)
	defer t.Stop()
	p := time.NewTicker(time.Minute)
	defer p.Stop()
	if s.cluster != nil {
		p.Stop()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			s.Sweep(sctx)
			cancel()
		case <-p.C:
			pctx, cancel := context.WithTimeout(ctx, time.Minute)
			if err := s.Prune(pctx); err != nil {
				s.log.Error("prune saved answers", "err", err)
			}
			cancel()
		}
	}
}

// repairLater notes, during Load, an open document whose finished twin is
// stored: the finish may have stopped before its follow-ups.
func (s *Service) repairLater(attemptID, userID string) {
	s.fin.mu.Lock()
	defer s.fin.mu.Unlock()
	s.fin.repairs = append(s.fin.repairs, outcome{attempt: attemptID, user: userID})
}

func (s *Service) replayRepairs() {
	s.fin.mu.Lock()
	repairs := s.fin.repairs
	s.fin.repairs = nil
	s.fin.mu.Unlock()
	if len(repairs) > 0 {
		s.log.Info("replaying what follows a finish for attempts stored finished before the last stop", "attempts", len(repairs))
	}
	for _, o := range repairs {
		s.queueOutcome(o)
	}
}

// Settle waits until every attempt finished so far is stored, in its
// worker's wrong-answer book, told to certification and removed from the
// open ones, including those Load found half-finished, and every question
// drawn so far is marked used in the database. For shutdown and tests.
func (s *Service) Settle(ctx context.Context) error {
	s.replayRepairs()
	for {
		for _, flush := range []func(context.Context) error{s.fin.docs.Flush, s.fin.outcomes.Flush, s.fin.removals.Flush, s.used.Flush} {
			if err := flush(ctx); err != nil {
				return err
			}
		}
		if s.fin.docs.Len()+s.fin.outcomes.Len()+s.fin.removals.Len()+s.used.Len() == 0 {
			return nil
		}
	}
}

// Close lets the finishing work queued so far complete and refuses more.
func (s *Service) Close() {
	s.fin.docs.Close()
	s.fin.outcomes.Close()
	s.fin.removals.Close()
	s.used.Close()
}
