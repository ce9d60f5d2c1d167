package quiz

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

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

// AttemptResult is a finished attempt's outcome.
type AttemptResult struct {
	ID          string
	ExamID      string
	UserID      string
	N           int
	StartedAt   time.Time
	Deadline    time.Time
	SubmittedAt time.Time
	Score       float64
	Max         float64
	Passed      bool
	// Reason is why it ended: "submitted", "deadline" or "switches".
	Reason   string
	Switches int
	// UnitID is the unit the worker sat the attempt in.
	UnitID string
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

// Load rebuilds the service's memory from the database: the bank, the exams,
// the finished attempts' summaries and every open attempt with its answers
// and events. An open attempt whose finished twin is stored counts as
// finished; what follows a finish is replayed for it by Run (finish.go).
func (s *Service) Load(ctx context.Context) error {
	if err := s.loadBank(ctx); err != nil {
		return fmt.Errorf("load question bank: %w", err)
	}
	if err := s.loadExams(ctx); err != nil {
		return fmt.Errorf("load exams: %w", err)
	}
	fin, err := s.repo.finishedSummaries(ctx)
	if err != nil {
		return err
	}
	s.attMu.Lock()
	papers := make([][]itemDoc, 0, len(fin))
	for _, f := range fin {
		s.addResult(f.result())
		papers = append(papers, f.Open.Paper)
	}
	s.attMu.Unlock()

	open, err := s.repo.openAttempts(ctx)
	if err != nil {
		return err
	}
	ids := []string{}
	byID := map[string]*openAttempt{}
	for _, d := range open {
		s.attMu.Lock()
		_, done := s.finished[d.ID]
		s.attMu.Unlock()
		if done {
			// Finished, but perhaps not yet in the wrong-answer book: Run
			// replays what follows a finish, then removes the document.
			s.repairLater(d.ID, d.UserID)
			continue
		}
		d.StartedAt, d.Deadline = d.StartedAt.UTC(), d.Deadline.UTC()
		byID[d.ID] = newOpenAttempt(d)
		ids = append(ids, d.ID)
	}
	// Saves of attempts that are no longer open are held by their finished
	// attempts; a previous run may have stopped before pruning them.
	if err := s.repo.deleteSavesExcept(ctx, ids); err != nil {
		return err
	}
	if len(ids) > 0 {
		answers, err := s.repo.answersOf(ctx, ids)
		if err != nil {
			return err
		}
		for _, a := range answers {
			if att := byID[a.Attempt]; att != nil {
				att.replay(a)
			}
		}
		events, err := s.repo.eventsOf(ctx, ids)
		if err != nil {
			return err
		}
		slices.SortFunc(events, func(a, b eventDoc) int { return a.At.Compare(b.At) })
		for _, e := range events {
			if att := byID[e.Attempt]; att != nil {
				att.events = append(att.events, e)
			}
		}
	}
	s.attMu.Lock()
	for id, att := range byID {
		s.open[id] = att
		s.openBy[key(att.doc.ExamID, att.doc.UserID)] = id
		papers = append(papers, att.doc.Paper)
	}
	s.attMu.Unlock()
	s.markHeld(ctx, papers)
	// Papers may hold old versions; have them at hand.
	for _, att := range byID {
		for _, it := range att.doc.Paper {
			if _, err := s.version(ctx, it.QID, it.Version); err != nil {
				return fmt.Errorf("attempt %s: question %s v%d: %w", att.doc.ID, it.QID, it.Version, err)
			}
		}
	}
	return nil
}

func (f finishedDoc) result() AttemptResult {
	o := f.Open
	return AttemptResult{ID: o.ID, ExamID: o.ExamID, UserID: o.UserID, UnitID: o.unitID(), N: o.N, StartedAt: o.StartedAt.UTC(), Deadline: o.Deadline.UTC(),
		SubmittedAt: f.SubmittedAt.UTC(), Score: f.Score, Max: f.Max, Passed: f.Passed, Reason: f.Reason, Switches: f.Switches}
}

// addResult indexes a finished attempt; attMu must be held.
func (s *Service) addResult(r AttemptResult) {
	if _, ok := s.finished[r.ID]; ok {
		return
	}
	s.finished[r.ID] = r
	k := key(r.ExamID, r.UserID)
	s.results[k] = append(s.results[k], r)
	slices.SortFunc(s.results[k], func(a, b AttemptResult) int { return a.N - b.N })
}

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
	if !e.Audience(actor.UnitPath) {
		return Paper{}, false, gridskill.Errorf(gridskill.EFORBIDDEN, "this exam is for other units")
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
	doc := openDoc{ID: id, ExamID: e.ID, UserID: actor.ID, UnitPath: actor.UnitPath, N: n, Seed: int64(seed), StartedAt: now, Deadline: deadline, Paper: paper}
	att := newOpenAttempt(doc)
	s.open[id] = att
	s.openBy[key(e.ID, actor.ID)] = id
	s.attMu.Unlock()
	if err := s.repo.insertOpen(ctx, doc); err != nil {
		s.attMu.Lock()
		delete(s.open, id)
		delete(s.openBy, key(e.ID, actor.ID))
		s.attMu.Unlock()
		return Paper{}, false, gridskill.Internal(err)
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
		out[i] = Option{Key: OptionKeys[i], Text: q.Options[src].Text}
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
		if i := slices.Index(OptionKeys, k); i >= 0 && i < len(perm) {
			out = append(out, OptionKeys[perm[i]])
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
		if i := slices.Index(OptionKeys, k); i >= 0 {
			if j := slices.Index(perm, i); j >= 0 {
				out = append(out, OptionKeys[j])
			}
		}
	}
	slices.Sort(out)
	return out
}

// attempt finds an open attempt of the actor. A finished one is a conflict,
// anyone else's or an unknown id is not found. Errors: invalid, not_found, conflict.
func (s *Service) attempt(actor people.User, id string) (*openAttempt, error) {
	if !validID(id) {
		return nil, gridskill.Errorf(gridskill.EINVALID, "malformed attempt id")
	}
	s.attMu.Lock()
	att, ok := s.open[id]
	fin, done := s.finished[id]
	s.attMu.Unlock()
	switch {
	case ok && att.doc.UserID == actor.ID:
		return att, nil
	case done && fin.UserID == actor.ID:
		return nil, gridskill.Errorf(gridskill.ECONFLICT, "this attempt has been submitted")
	}
	return nil, gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
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
	att, err := s.attempt(actor, attemptID)
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
	ev := eventDoc{ID: attemptID + ":" + strconv.Itoa(len(att.events)+1), Attempt: attemptID, Kind: kind, At: s.clock.Now()}
	if err := s.repo.insertEvent(ctx, ev); err != nil {
		return 0, false, gridskill.Internal(err)
	}
	att.events = append(att.events, ev)
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

func (s *Service) examByID(id string) (Exam, bool) {
	s.examMu.RLock()
	defer s.examMu.RUnlock()
	e, ok := s.exams[id]
	return e, ok
}

// maxPrune bounds the attempts one prune clears: a delete on the embedded
// engine holds its writer for a time that grows with what it removes.
const maxPrune = 200

// Prune deletes the saved answers and screen-switch events of attempts that
// have finished: the finished attempt holds them, and the saves would
// otherwise grow without end and make every start (Load) read them all. It
// does nothing while any attempt is open, so that no answer save ever waits
// behind it; what is left is pruned later or at the next start.
func (s *Service) Prune(ctx context.Context) error {
	s.attMu.Lock()
	n := min(len(s.prune), maxPrune)
	if len(s.open) > 0 {
		n = 0
	}
	ids := slices.Clone(s.prune[:n])
	s.attMu.Unlock()
	if n == 0 {
		return nil
	}
	if err := s.repo.deleteSaves(ctx, ids); err != nil {
		return err
	}
	s.attMu.Lock()
	s.prune = s.prune[n:]
	s.attMu.Unlock()
	return nil
}

// Results returns the actor's finished attempts at an exam, oldest first.
func (s *Service) Results(actor people.User, examID string) []AttemptResult {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	return slices.Clone(s.results[key(examID, actor.ID)])
}

// Counted returns the attempt that counts for the worker at an exam: the
// highest or the last, as the exam says.
func Counted(e Exam, rs []AttemptResult) (AttemptResult, bool) {
	if len(rs) == 0 {
		return AttemptResult{}, false
	}
	best := rs[len(rs)-1]
	if e.Counts == CountHighest {
		for _, r := range rs {
			if r.Score > best.Score {
				best = r
			}
		}
	}
	return best, true
}

// OpenAttempt returns the id of the actor's open attempt at an exam, if any.
func (s *Service) OpenAttempt(actor people.User, examID string) (string, bool) {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	id, ok := s.openBy[key(examID, actor.ID)]
	return id, ok
}

// ExamResults returns the finished attempts of an exam that staff who manage
// it may see (those sat inside their area), and how many of those are open.
// Errors: not_found, forbidden.
func (s *Service) ExamResults(ctx context.Context, actor people.User, examID string) ([]AttemptResult, int, error) {
	e, err := s.Exam(ctx, actor, examID)
	if err != nil {
		return nil, 0, err
	}
	if !s.manages(actor, e) {
		return nil, 0, gridskill.Errorf(gridskill.EFORBIDDEN, "your role does not allow this")
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, 0, err
	}
	s.attMu.Lock()
	defer s.attMu.Unlock()
	var out []AttemptResult
	for _, r := range s.finished {
		if r.ExamID == examID && s.seesAttempt(actor, e, r.UserID, unitPath(tree, r.UnitID)) {
			out = append(out, r)
		}
	}
	open := 0
	for _, att := range s.open {
		if att.doc.ExamID == examID && s.seesAttempt(actor, e, att.doc.UserID, att.doc.UnitPath) {
			open++
		}
	}
	slices.SortFunc(out, func(a, b AttemptResult) int { return a.SubmittedAt.Compare(b.SubmittedAt) })
	return out, open, nil
}

// ReviewItem is one question of a finished attempt as its review shows it.
type ReviewItem struct {
	PaperQuestion
	Given       any
	Correct     bool
	Earned      float64
	Key         []string   // right option keys as shown
	Blanks      [][]string // accepted answers of each blank
	Explanation string
}

// AttemptReview is a finished attempt with, when the policy allows, its questions.
type AttemptReview struct {
	Result AttemptResult
	Exam   Exam
	// Allowed is false while the review policy hides the answer key; Items is then empty.
	Allowed bool
	Items   []ReviewItem
	Events  []Event
	// Answers holds the worker's own stored answers and their seqs, always.
	Answers map[string]any
	Seqs    map[string]int64
}

// Event is a recorded screen switch.
type Event struct {
	Kind string
	At   time.Time
}

// Review returns a finished attempt: to its worker, with the questions when
// the exam's review policy allows and none of them is withheld (see
// withheld); to staff managing the exam, always, when the worker sat it
// inside their area.
// Errors: invalid, not_found, internal.
func (s *Service) Review(ctx context.Context, actor people.User, attemptID string) (AttemptReview, error) {
	if !validID(attemptID) {
		return AttemptReview{}, gridskill.Errorf(gridskill.EINVALID, "malformed attempt id")
	}
	s.attMu.Lock()
	r, ok := s.finished[attemptID]
	s.attMu.Unlock()
	e, _ := s.examByID(r.ExamID)
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return AttemptReview{}, err
	}
	if !ok || !s.seesAttempt(actor, e, r.UserID, unitPath(tree, r.UnitID)) {
		return AttemptReview{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
	}
	out := AttemptReview{Result: r, Exam: e, Allowed: r.UserID != actor.ID || e.ReviewAllowed(s.clock.Now())}
	f, ok := s.recent.get(attemptID)
	if !ok {
		if f, err = s.repo.finished(ctx, attemptID); err != nil {
			if err == mongo.ErrNoDocuments {
				return AttemptReview{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
			}
			return AttemptReview{}, gridskill.Internal(err)
		}
		s.recent.add(f)
	}
	if out.Allowed && r.UserID == actor.ID {
		hidden, err := s.reviewHidden(ctx, actor, f)
		if err != nil {
			return AttemptReview{}, err
		}
		out.Allowed = !hidden
	}
	out.Answers, out.Seqs = map[string]any{}, map[string]int64{}
	for i, a := range f.Answers {
		if a.Seq > 0 && i < len(f.Open.Paper) {
			q, err := s.version(ctx, a.QID, f.Open.Paper[i].Version)
			if err != nil {
				return AttemptReview{}, err
			}
			out.Answers[a.QID], out.Seqs[a.QID] = answerValue(q.Type, a.Answer), a.Seq
		}
	}
	for _, ev := range f.Events {
		out.Events = append(out.Events, Event{Kind: ev.Kind, At: ev.At.UTC()})
	}
	if !out.Allowed {
		return out, nil
	}
	for i, it := range f.Open.Paper {
		q, err := s.version(ctx, it.QID, it.Version)
		if err != nil {
			return AttemptReview{}, err
		}
		item := ReviewItem{PaperQuestion: PaperQuestion{ID: q.ID, Type: q.Type, Stem: q.Stem, Options: shownOptions(q, it.Perm), Points: it.Points}, Explanation: q.Explanation, Blanks: q.Blanks}
		if q.Type == scoring.TrueFalse {
			item.Options = []Option{{Key: "T", Text: "对"}, {Key: "F", Text: "错"}}
		}
		item.Key = shownKeys(q.Correct, it.Perm)
		if q.Type == scoring.TrueFalse {
			item.Key = q.Correct
		}
		if i < len(f.Answers) {
			item.Given = answerValue(q.Type, f.Answers[i].Answer)
		}
		if i < len(f.Grades) {
			item.Correct, item.Earned = f.Grades[i].Correct, f.Grades[i].Earned
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
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

// retry runs a write up to four times with a growing pause: the embedded
// engine refuses a write now and then when many arrive at once (SQLITE_BUSY),
// and a submit should not fail for that.
func retry(ctx context.Context, write func() error) error {
	var err error
	for i, pause := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond, 800 * time.Millisecond} {
		if i > 0 {
			select {
			case <-ctx.Done():
				return err
			case <-time.After(pause):
			}
		}
		if err = write(); err == nil {
			return nil
		}
	}
	return err
}
