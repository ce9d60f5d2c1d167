package quiz

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// openAttempt is an attempt in progress, held in memory and written through.
type openAttempt struct {
	mu      sync.Mutex
	doc     openDoc
	answers map[string]savedAnswer
	events  []eventDoc
	// done seals the attempt: it takes no save once its grading has begun.
	done  bool
	final *finishedDoc // the sealed attempt, graded (finish.go)
	// storing is closed once final's write is done; retry asks the next
	// sweep to write it again; tried is set once final went to the
	// database. All under Service.attMu.
	storing      chan struct{}
	retry, tried bool
	// rev is the highest stored seq of the attempt; the next save gets rev+1.
	rev int64
	// last is the highest seq each device sent for each question (key
	// question + "\x00" + device), so a device's retries and late arrivals
	// are recognised.
	last map[string]int64
}

type savedAnswer struct {
	answer []string
	seq    int64 // the stored seq, assigned by the server
	device string
	cseq   int64 // the device's own seq of this save
}

// Paper is an attempt as the worker's phone shows it: no answer keys.
type Paper struct {
	AttemptID string
	Exam      Exam
	StartedAt time.Time
	Deadline  time.Time
	Questions []PaperQuestion
	// Answers holds what is saved so far, in the API's shape, by question id.
	Answers map[string]any
	// Seqs holds the sequence number of each saved answer.
	Seqs map[string]int64
	// Ended is set once the deadline has passed or the attempt is being
	// finished: it takes no more answers and its result is on the way.
	Ended bool
}

// PaperQuestion is one question of a paper, options in the order shown.
type PaperQuestion struct {
	ID      string
	Type    scoring.QuestionType
	Stem    string
	Options []Option
	Blanks  int
	Points  float64
}

func attemptID(examID, userID string, n int) string {
	sum := sha256.Sum256([]byte(examID + "|" + userID + "|" + strconv.Itoa(n)))
	return "a-" + hex.EncodeToString(sum[:10])
}

func key(examID, userID string) string { return examID + "|" + userID }

// Start begins the actor's attempt at an exam, or returns the one already
// open (created is then false): one open attempt per worker and exam. The
// paper is drawn for the worker from a stored seed; the deadline is the
// earlier of start + duration and the window's close.
// Errors: invalid, not_found, conflict (window closed, no attempts left), internal.
func (s *Service) Start(ctx context.Context, actor people.User, examID string) (Paper, bool, error) {
	e, err := s.Exam(ctx, actor, examID)
	if err != nil {
		return Paper{}, false, err
	}
	if !e.Sits(actor) {
		return Paper{}, false, gridskill.Errorf(gridskill.EFORBIDDEN, "this exam is for other units")
	}
	if !s.holds(e.ID) {
		return Paper{}, false, moving()
	}
	if err := s.awaitFinished(ctx, e.ID); err != nil {
		return Paper{}, false, err
	}
	s.attMu.Lock()
	if id, ok := s.openBy[key(e.ID, actor.ID)]; ok {
		att := s.open[id]
		s.attMu.Unlock()
		p, err := s.paper(ctx, att, e)
		return p, false, err
	}
	// The database keeps milliseconds; so does the deadline every device sees.
	now := s.clock.Now().Truncate(time.Millisecond)
	if !e.IsOpen(now) {
		s.attMu.Unlock()
		return Paper{}, false, gridskill.Errorf(gridskill.ECONFLICT, "this exam is not open now")
	}
	prior := len(s.results[key(e.ID, actor.ID)])
	if prior >= e.MaxAttempts {
		s.attMu.Unlock()
		return Paper{}, false, gridskill.Errorf(gridskill.ECONFLICT, "you have used all %d attempts at this exam", e.MaxAttempts)
	}
	n := prior + 1
	id := attemptID(e.ID, actor.ID, n)
	sum := sha256.Sum256([]byte(id))
	seed := binary.BigEndian.Uint64(sum[:8])
	paper, err := s.drawPaper(e, e.OwnerPath, seed)
	if err != nil {
		s.attMu.Unlock()
		return Paper{}, false, gridskill.Errorf(gridskill.ECONFLICT, "the question bank no longer holds enough questions for this exam; tell your trainer")
	}
	deadline := now.Add(e.Duration)
	if e.ClosesAt.Before(deadline) {
		deadline = e.ClosesAt
	}
	doc := openDoc{ID: id, ExamID: e.ID, UserID: actor.ID, UnitPath: actor.UnitPath, N: n, Seed: int64(seed), StartedAt: now, Deadline: deadline, Paper: paper, SavesNamed: true}
	att := newOpenAttempt(doc)
	att.rev = s.seqFloor(e.ID)
	s.open[id] = att
	s.openBy[key(e.ID, actor.ID)] = id
	s.attMu.Unlock()
	if err := s.starts.Do(ctx, doc); err != nil {
		s.attMu.Lock()
		delete(s.open, id)
		delete(s.openBy, key(e.ID, actor.ID))
		s.attMu.Unlock()
		return Paper{}, false, gridskill.Internal(err)
	}
	if !s.current(att) {
		// Stored, but the exam's new owner may not have read it: the
		// start is told to retry there, which finds it or stores it again
		// under the same id with the same paper.
		s.attMu.Lock()
		if s.open[id] == att {
			delete(s.open, id)
			delete(s.openBy, key(e.ID, actor.ID))
		}
		s.attMu.Unlock()
		return Paper{}, false, moving()
	}
	ids := make([]string, len(paper))
	for i, it := range paper {
		ids[i] = it.QID
	}
	s.markUsed(ctx, ids)
	p, err := s.paper(ctx, att, e)
	return p, true, err
}

// paper renders an open attempt for its worker.
func (s *Service) paper(ctx context.Context, att *openAttempt, e Exam) (Paper, error) {
	att.mu.Lock()
	defer att.mu.Unlock()
	p := Paper{AttemptID: att.doc.ID, Exam: e, StartedAt: att.doc.StartedAt, Deadline: att.doc.Deadline, Answers: map[string]any{}, Seqs: map[string]int64{},
		Ended: att.done || !s.clock.Now().Before(att.doc.Deadline)}
	for _, it := range att.doc.Paper {
		q, err := s.version(ctx, it.QID, it.Version)
		if err != nil {
			return Paper{}, err
		}
		pq := PaperQuestion{ID: q.ID, Type: q.Type, Stem: q.Stem, Options: shownOptions(q, it.Perm), Points: it.Points}
		if q.Type == scoring.Blank {
			pq.Blanks = q.BlankCount()
		}
		if q.Type == scoring.TrueFalse {
			pq.Options = []Option{{Key: "T", Text: "对"}, {Key: "F", Text: "错"}}
		}
		p.Questions = append(p.Questions, pq)
		if a, ok := att.answers[q.ID]; ok {
			p.Answers[q.ID] = answerValue(q.Type, a.answer)
			p.Seqs[q.ID] = a.seq
		}
	}
	return p, nil
}

// shownOptions relabels the options in the order the paper shows them.
func shownOptions(q Question, perm []int) []Option {
	out := make([]Option, len(q.Options))
	for i := range q.Options {
		src := i
		if len(perm) == len(q.Options) {
			src = perm[i]
		}
		out[i] = Option{Key: optionKeys[i], Text: q.Options[src].Text}
	}
	return out
}

// originalKeys maps option keys as shown back to the question's own keys.
func originalKeys(shown []string, perm []int) []string {
	if len(perm) == 0 {
		return shown
	}
	out := make([]string, 0, len(shown))
	for _, k := range shown {
		if i := slices.Index(optionKeys[:], k); i >= 0 && i < len(perm) {
			out = append(out, optionKeys[perm[i]])
		}
	}
	return out
}

// shownKeys maps the question's own option keys to the keys as shown.
func shownKeys(orig []string, perm []int) []string {
	if len(perm) == 0 {
		return orig
	}
	out := make([]string, 0, len(orig))
	for _, k := range orig {
		if i := slices.Index(optionKeys[:], k); i >= 0 {
			if j := slices.Index(perm, i); j >= 0 {
				out = append(out, optionKeys[j])
			}
		}
	}
	slices.Sort(out)
	return out
}

// attempt finds an open attempt of the actor. A finished one is a conflict,
// anyone else's or an unknown id is not found. On several instances, one of
// an exam this instance does not hold is unavailable (see cluster.go).
// Errors: invalid, not_found, conflict, unavailable.
func (s *Service) attempt(ctx context.Context, actor people.User, id string) (*openAttempt, error) {
	if !validID(id) {
		return nil, gridskill.Errorf(gridskill.EINVALID, "malformed attempt id")
	}
	// Looked up twice: the second time after elsewhere, which waits for a
	// finished attempt of an exam just taken over to be read.
	for range 2 {
		s.attMu.Lock()
		att, ok := s.open[id]
		fin, done := s.finished[id]
		s.attMu.Unlock()
		switch {
		case ok && att.doc.UserID == actor.ID:
			if !s.holds(att.doc.ExamID) {
				return nil, moving()
			}
			return att, nil
		case done && fin.UserID == actor.ID:
			if !s.holds(fin.ExamID) {
				return nil, moving()
			}
			return nil, gridskill.Errorf(gridskill.ECONFLICT, "this attempt has been submitted")
		}
		if err := s.elsewhere(ctx, id); err != nil {
			return nil, err
		}
	}
	return nil, gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
}

// elsewhere is the error for an attempt this instance does not know: on
// several instances, unavailable when it is stored at an exam this instance
// does not hold; nil when it is unknown (or alone). When this instance
// holds its exam, it returns once the exam's finished attempts are read
// (awaitFinished), so that a second look finds a finished one.
func (s *Service) elsewhere(ctx context.Context, attemptID string) error {
	if s.cluster == nil {
		return nil
	}
	examID, err := s.AttemptExam(ctx, attemptID)
	switch {
	case gridskill.ErrorCode(err) == gridskill.ENOTFOUND:
		return nil
	case err != nil:
		return err
	case !s.holds(examID):
		return moving()
	}
	return s.awaitFinished(ctx, examID)
}

// Event kinds recorded on an attempt.
const (
	EventHidden  = "hidden"
	EventVisible = "visible"
)

// RecordEvent notes, with the server's time, that the exam page was left
// (hidden) or came back (visible). When the exam limits screen switches and
// the page has been left more often, the attempt is submitted. It returns the
// number of times the page was left and whether the attempt is now finished.
// Errors: invalid, not_found, conflict, internal.
func (s *Service) RecordEvent(ctx context.Context, actor people.User, attemptID, kind string) (int, bool, error) {
	if kind != EventHidden && kind != EventVisible {
		return 0, false, gridskill.Errorf(gridskill.EINVALID, "the event is hidden or visible")
	}
	att, err := s.attempt(ctx, actor, attemptID)
	if err != nil {
		return 0, false, err
	}
	att.mu.Lock()
	defer att.mu.Unlock()
	if att.done || !s.clock.Now().Before(att.doc.Deadline) {
		return 0, false, gridskill.Errorf(gridskill.ECONFLICT, "this attempt has ended")
	}
	if len(att.events) >= 1000 {
		return switches(att.events), false, nil
	}
	ev := eventDoc{ID: attemptID + ":" + strconv.Itoa(len(att.events)+1), Attempt: attemptID, Exam: att.doc.ExamID, Kind: kind, At: s.clock.Now()}
	if err := s.repo.insertEvent(ctx, ev); err != nil {
		return 0, false, gridskill.Internal(err)
	}
	att.events = append(att.events, ev)
	if !s.current(att) {
		return 0, false, moving()
	}
	n := switches(att.events)
	e, _ := s.examByID(att.doc.ExamID)
	if e.MaxSwitches > 0 && n > e.MaxSwitches {
		if _, err := s.finish(ctx, att, "switches"); err != nil {
			return n, false, err
		}
		return n, true, nil
	}
	return n, false, nil
}

func switches(evs []eventDoc) int {
	n := 0
	for _, e := range evs {
		if e.Kind == EventHidden {
			n++
		}
	}
	return n
}

// OpenAttempt returns the id of the actor's open attempt at an exam, if any.
func (s *Service) OpenAttempt(actor people.User, examID string) (string, bool) {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	id, ok := s.openBy[key(examID, actor.ID)]
	return id, ok
}

// OpenAttemptExam returns the exam of the actor's open attempt with this id.
func (s *Service) OpenAttemptExam(actor people.User, attemptID string) (string, bool) {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	att, ok := s.open[attemptID]
	if !ok || att.doc.UserID != actor.ID {
		return "", false
	}
	return att.doc.ExamID, true
}
