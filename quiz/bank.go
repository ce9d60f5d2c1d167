package quiz

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/store"
)

// Service is the question bank, exams, attempts and practice. It keeps the
// bank, the exams and every open attempt in memory, loaded by Load and written
// through to the database before a change is reported done. One process owns
// the open attempts of an exam: alone, every exam; on several instances
// (SetCluster), the exams whose lease it holds (cluster.go).
type Service struct {
	repo   repo
	people *people.Service
	clock  gridskill.Clock
	log    *slog.Logger

	answers *store.Batch[any]    // answer inserts, group-committed
	starts  *store.Batch[any]    // started attempts' inserts, group-committed
	recent  *finishedCache       // finished attempts just graded, for their review
	fin     *finishing           // finishing attempts: queues and follow-ups (finish.go)
	used    *store.Batch[string] // questions to mark used in the database

	bankMu   sync.RWMutex
	bank     map[string]Question // current version by id
	versions map[string]Question // every version seen, by ref

	examMu sync.RWMutex
	exams  map[string]Exam

	attMu    sync.Mutex
	open     map[string]*openAttempt
	openBy   map[string]string          // exam|user → open attempt id
	results  map[string][]AttemptResult // exam|user → finished attempts, oldest first
	finished map[string]AttemptResult   // attempt id → result
	prune    []string                   // finished attempts whose saves are still stored
	seenOpen map[string]bool            // open documents the last shared prune read

	learnerMu sync.Mutex
	learners  map[string]*sync.Mutex

	// heldGaps is every worker's practice summary in memory, as the
	// heatmap reads it (gaps.go); each write of one puts it once it has landed.
	heldGaps *store.Mirror[learnerDoc]

	// examDocsMu guards examDocs, the finished papers of the exams whose
	// analysis was read (analysis.go); papersRead serializes their reads.
	examDocsMu sync.Mutex
	examDocs   map[string]examPapers
	papersUsed map[string]time.Time // when each exam's kept papers were last read
	papersRead sync.Mutex

	drillMu sync.Mutex
	drills  map[string]drillDay // worker → today's drill (practice.go)

	paperMu sync.Mutex
	papers  map[string][]string // finished attempt id → its questions, for withholding keys

	// Several instances (cluster.go); all nil or empty on a single one.
	cluster  Holder
	bumps    bumper
	ownMu    sync.RWMutex
	owned    map[string]int64         // exams taken over and not dropped → lease epoch
	reading  map[string]chan struct{} // exam taken over → closed once its finished attempts are read
	attExams map[string]string        // attempt id → exam id, as read by AttemptExam

	// Finished, when set, hears of every attempt just graded, submitted by
	// the worker or at the deadline, so that certification can re-evaluate
	// the worker. Set it before serving and before Run.
	Finished func(ctx context.Context, r AttemptResult)
}

// NewService returns the quiz service over db. Call Load before serving.
func NewService(db *mongo.Database, ps *people.Service, clock gridskill.Clock, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	r := repo{db}
	s := &Service{
		repo: r, people: ps, clock: clock, log: log,
		answers:    &store.Batch[any]{Run: r.insertAnswers},
		starts:     &store.Batch[any]{Run: r.insertOpen},
		recent:     newFinishedCache(recentAttempts),
		bank:       map[string]Question{},
		versions:   map[string]Question{},
		exams:      map[string]Exam{},
		open:       map[string]*openAttempt{},
		openBy:     map[string]string{},
		results:    map[string][]AttemptResult{},
		finished:   map[string]AttemptResult{},
		learners:   map[string]*sync.Mutex{},
		drills:     map[string]drillDay{},
		owned:      map[string]int64{},
		reading:    map[string]chan struct{}{},
		attExams:   map[string]string{},
		examDocs:   map[string]examPapers{},
		papersUsed: map[string]time.Time{},
		heldGaps: store.NewMirror(db.Collection(collLearners), func(d *learnerDoc) string { return d.ID },
			store.MirrorOptions[learnerDoc]{Projection: bson.M{"tags": 1, "wrong.q": 1, "wrong.misses": 1}, Prepare: gapsOnly, Now: clock.Now}),
	}
	s.used = &store.Batch[string]{Run: s.writeUsed, Linger: time.Second}
	s.fin = newFinishing(s)
	return s
}

func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func (s *Service) today() string { return s.clock.Now().Format(time.DateOnly) }

// loadBank reads every current question and keeps it in memory.
func (s *Service) loadBank(ctx context.Context) error {
	docs, err := s.repo.questions(ctx)
	if err != nil {
		return err
	}
	s.bankMu.Lock()
	defer s.bankMu.Unlock()
	for _, d := range docs {
		q := d.question()
		// A reload (Refresh) keeps what memory knows and the database may
		// not yet: a newer version, or a used flag whose write is queued.
		if m, ok := s.bank[q.ID]; ok && (m.Version > q.Version || m.Version == q.Version && m.Used && !q.Used) {
			if m.Version > q.Version {
				continue
			}
			q.Used = true
		}
		s.bank[q.ID] = q
		s.versions[q.Ref()] = q
	}
	return nil
}

// version returns one version of a question: from memory, or the versions collection.
func (s *Service) version(ctx context.Context, id string, v int) (Question, error) {
	r := ref(id, v)
	s.bankMu.RLock()
	q, ok := s.versions[r]
	s.bankMu.RUnlock()
	if ok {
		return q, nil
	}
	d, found, err := s.repo.version(ctx, r)
	if err != nil {
		return Question{}, gridskill.Internal(err)
	}
	if !found {
		return Question{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such question")
	}
	q = d.question()
	s.bankMu.Lock()
	s.versions[r] = q
	s.bankMu.Unlock()
	return q, nil
}

// visible reports whether actor may see question q in the bank: it belongs
// to the actor's area or to a unit above it.
func visible(actor people.User, q Question) bool {
	return people.InScope(q.UnitPath, actor.UnitID) || slices.Contains(actor.UnitPath, q.UnitID)
}

func isStaff(u people.User) bool { return u.Active && u.Role != people.Worker }

// Filter selects questions of the bank.
type Filter struct {
	Tag        string
	Type       scoring.QuestionType
	Difficulty int
	Status     Status
	Query      string
	Limit      int
	Offset     int
}

// List returns a page of the questions the actor can see, newest first, and
// how many match. Trainers and admins only. Errors: forbidden.
func (s *Service) List(ctx context.Context, actor people.User, f Filter) ([]Question, int, error) {
	if !isStaff(actor) {
		return nil, 0, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins open the question bank")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	f.Offset = max(0, f.Offset)
	query := scoring.NormalizeText(f.Query)
	s.bankMu.RLock()
	var out []Question
	for _, q := range s.bank {
		switch {
		case !visible(actor, q),
			f.Tag != "" && !q.HasTag(f.Tag),
			f.Type != "" && q.Type != f.Type,
			f.Difficulty != 0 && q.Difficulty != f.Difficulty,
			f.Status != "" && q.Status != f.Status,
			query != "" && !strings.Contains(scoring.NormalizeText(q.Stem), query):
			continue
		}
		out = append(out, q)
	}
	s.bankMu.RUnlock()
	slices.SortFunc(out, func(a, b Question) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	total := len(out)
	if f.Offset >= total {
		return nil, total, nil
	}
	return out[f.Offset:min(total, f.Offset+f.Limit)], total, nil
}

// Tags returns the tags of the questions actor can see, module tags first, each with its count.
func (s *Service) Tags(actor people.User) []TagCount {
	counts := map[string]int{}
	module := map[string]bool{}
	s.bankMu.RLock()
	for _, q := range s.bank {
		if q.Status != Active || !(visible(actor, q) || slices.Contains(actor.UnitPath, q.UnitID)) {
			continue
		}
		for i, t := range q.Tags {
			counts[t]++
			if i == 0 {
				module[t] = true
			}
		}
	}
	s.bankMu.RUnlock()
	out := make([]TagCount, 0, len(counts))
	for t, n := range counts {
		out = append(out, TagCount{Tag: t, Count: n, Module: module[t]})
	}
	slices.SortFunc(out, func(a, b TagCount) int {
		if a.Module != b.Module {
			if a.Module {
				return -1
			}
			return 1
		}
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Tag, b.Tag))
	})
	return out
}

// TagCount is a tag with how many active questions carry it.
type TagCount struct {
	Tag    string
	Count  int
	Module bool
}

// Question returns the current version of a question the actor can see.
// Errors: invalid, not_found, forbidden.
func (s *Service) Question(ctx context.Context, actor people.User, id string) (Question, error) {
	if !validID(id) {
		return Question{}, gridskill.Errorf(gridskill.EINVALID, "malformed question id")
	}
	s.bankMu.RLock()
	q, ok := s.bank[id]
	s.bankMu.RUnlock()
	if !ok {
		return Question{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such question")
	}
	if !isStaff(actor) || !visible(actor, q) {
		return Question{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this question is outside your area")
	}
	return q, nil
}

// validID accepts the ids this package makes: short, of letters, digits, '-', '_' and '.'.
func validID(id string) bool {
	if id == "" || len(id) > 80 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Create adds a question owned by the actor's unit. Errors: forbidden, invalid, conflict (same stem).
func (s *Service) Create(ctx context.Context, actor people.User, q Question) (Question, error) {
	if !actor.CanTeach(actor.UnitPath) {
		return Question{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins write questions")
	}
	if q.Status == "" {
		q.Status = Active
	}
	if err := q.Validate(); err != nil {
		return Question{}, err
	}
	if dup, ok := s.sameStem(actor, q.Stem, ""); ok {
		return Question{}, gridskill.Errorf(gridskill.ECONFLICT, "a question with the same stem exists: %s", dup.ID)
	}
	now := s.clock.Now()
	q.ID, q.Version, q.UnitID, q.UnitPath, q.AuthorID, q.Used, q.CreatedAt, q.UpdatedAt = newID("q-"), 1, actor.UnitID, actor.UnitPath, actor.ID, false, now, now
	if err := s.repo.insertQuestion(ctx, toQuestionDoc(q)); err != nil {
		return Question{}, gridskill.Internal(err)
	}
	s.remember(q)
	s.changed(ctx)
	return q, nil
}

func (s *Service) remember(q Question) {
	s.bankMu.Lock()
	s.bank[q.ID] = q
	s.versions[q.Ref()] = q
	s.bankMu.Unlock()
}

// SameStem finds a question the actor can see whose stem normalizes to the
// same text as stem, so that a refused duplicate can point at it.
func (s *Service) SameStem(actor people.User, stem string) (Question, bool) {
	if !isStaff(actor) {
		return Question{}, false
	}
	return s.sameStem(actor, stem, "")
}

// sameStem finds a question the actor can see whose stem normalizes to the same text.
func (s *Service) sameStem(actor people.User, stem, except string) (Question, bool) {
	norm := scoring.NormalizeText(stem)
	s.bankMu.RLock()
	defer s.bankMu.RUnlock()
	for _, q := range s.bank {
		if q.ID != except && visible(actor, q) && scoring.NormalizeText(q.Stem) == norm {
			return q, true
		}
	}
	return Question{}, false
}

// Update replaces a question's content. A question some paper already holds
// keeps that version in the versions collection and gets a new version, so
// attempts keep what they were given. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) Update(ctx context.Context, actor people.User, id string, next Question) (Question, error) {
	old, err := s.Question(ctx, actor, id)
	if err != nil {
		return Question{}, err
	}
	if !actor.CanTeach(old.UnitPath) {
		return Question{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this question belongs to another unit")
	}
	if next.Status == "" {
		next.Status = old.Status
	}
	if err := next.Validate(); err != nil {
		return Question{}, err
	}
	if dup, ok := s.sameStem(actor, next.Stem, id); ok {
		return Question{}, gridskill.Errorf(gridskill.ECONFLICT, "a question with the same stem exists: %s", dup.ID)
	}
	q, err := s.replace(ctx, old, next)
	if err == nil {
		s.changed(ctx)
	}
	return q, err
}

// replace writes next over old: in place while no paper holds old, else as a new version.
func (s *Service) replace(ctx context.Context, old, next Question) (Question, error) {
	if sameContent(old, next) && old.Status == next.Status {
		return old, nil
	}
	if s.cluster != nil && !old.Used {
		// Another instance may have drawn it onto a paper since this one
		// read the bank: an edit in place would change that paper.
		d, found, err := s.repo.question(ctx, old.ID)
		if err != nil {
			return Question{}, gridskill.Internal(err)
		}
		if found && d.Version == old.Version && d.Used {
			old.Used = true
		}
	}
	next.ID, next.Version, next.UnitID, next.UnitPath, next.AuthorID, next.CreatedAt, next.Used = old.ID, old.Version, old.UnitID, old.UnitPath, old.AuthorID, old.CreatedAt, old.Used
	next.UpdatedAt = s.clock.Now()
	if old.Used && !sameContent(old, next) {
		// Keep the used version first: a crash after this leaves the old current
		// document, which is still right.
		d := toQuestionDoc(old)
		d.ID, d.QID = old.Ref(), old.ID
		if err := s.repo.keepVersion(ctx, d); err != nil {
			return Question{}, gridskill.Internal(err)
		}
		next.Version, next.Used = old.Version+1, false
	}
	if err := s.repo.replaceQuestion(ctx, toQuestionDoc(next)); err != nil {
		return Question{}, gridskill.Internal(err)
	}
	s.remember(next)
	return next, nil
}

// SetStatus activates, drafts or retires a question. Retired questions stay
// in finished papers and statistics but are drawn no more. Errors: invalid, not_found, forbidden.
func (s *Service) SetStatus(ctx context.Context, actor people.User, id string, st Status) (Question, error) {
	if !st.Valid() {
		return Question{}, gridskill.Errorf(gridskill.EINVALID, "unknown status")
	}
	q, err := s.Question(ctx, actor, id)
	if err != nil {
		return Question{}, err
	}
	if !actor.CanTeach(q.UnitPath) {
		return Question{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this question belongs to another unit")
	}
	if q.Status == st {
		return q, nil
	}
	if err := s.repo.setStatus(ctx, id, st, s.clock.Now()); err != nil {
		return Question{}, gridskill.Internal(err)
	}
	q.Status = st
	s.bankMu.Lock()
	s.bank[id] = q
	s.versions[q.Ref()] = q
	s.bankMu.Unlock()
	s.changed(ctx)
	return q, nil
}

// markUsed records that papers now hold these questions' current versions,
// the first time only, so later edits make new versions. Memory changes at
// once, which is what this process's edits read; the database's flag is
// written off the start's path, gathered into one update for all the starts
// of a second: a start that waited for an update per question made every
// start of a mass start wait seconds behind them (each is a transaction of
// its own on the embedded engine). A crash before that write is repaired by
// Load, which marks every question an open attempt's paper holds
// (markHeld): an open document is removed only after this queue has been
// flushed (finish.go).
func (s *Service) markUsed(ctx context.Context, ids []string) {
	var marked []string
	for _, id := range ids {
		s.bankMu.Lock()
		q, ok := s.bank[id]
		if !ok || q.Used {
			s.bankMu.Unlock()
			continue
		}
		q.Used = true
		s.bank[id] = q
		s.versions[q.Ref()] = q
		s.bankMu.Unlock()
		marked = append(marked, id)
	}
	if err := s.used.Queue(nil, marked...); err != nil {
		s.log.Error("mark questions used", "questions", len(marked), "err", err)
	}
}

// writeUsed is the run of the used batch: it writes the used flags, and on
// several instances tells the others, whose edits must then keep the
// versions that papers hold.
func (s *Service) writeUsed(ctx context.Context, ids []string) []error {
	errs := s.repo.setUsed(ctx, ids)
	if s.bumps != nil && len(errs) > 0 && errs[0] == nil {
		s.changed(ctx)
	}
	return errs
}

// markHeld marks used the current questions whose version some stored
// paper holds, for a start that may follow a crash before markUsed's write.
func (s *Service) markHeld(ctx context.Context, papers [][]itemDoc) {
	var ids []string
	s.bankMu.RLock()
	for _, p := range papers {
		for _, it := range p {
			if q, ok := s.bank[it.QID]; ok && !q.Used && q.Version == it.Version && !slices.Contains(ids, it.QID) {
				ids = append(ids, it.QID)
			}
		}
	}
	s.bankMu.RUnlock()
	s.markUsed(ctx, ids)
}

// Duplicates says what to do with imported questions whose stem is already in the bank.
type Duplicates string

// The duplicate choices. Without a choice an import that meets a duplicate
// reports them and writes nothing.
const (
	DupAsk    Duplicates = ""
	DupSkip   Duplicates = "skip"
	DupUpdate Duplicates = "update"
)

// ImportResult says what an import did, or would do.
type ImportResult struct {
	Created, Updated, Unchanged, Skipped int
	// Duplicates lists the rows whose stem is already in the bank.
	Duplicates []Duplicate
	// Warnings are the content check's findings on the file (see Check):
	// shown to the trainer, never a reason to refuse it.
	Warnings []Warning
	// Written is false when duplicates were found and no choice was made.
	Written bool
}

// Duplicate is an imported row whose stem matches a question of the bank.
type Duplicate struct {
	Row        int
	Stem       string
	QuestionID string
}

// Import adds parsed questions (from ParseBank) to the bank under the actor's
// unit. Rows whose normalized stem is already in the bank are reported; with
// DupSkip they are left alone, with DupUpdate they replace the bank's
// question (a new version if it was used; nothing if identical), and without
// a choice nothing at all is written. Running an import twice with either
// choice changes nothing the second time. Errors: forbidden, invalid.
func (s *Service) Import(ctx context.Context, actor people.User, qs []Question, dup Duplicates) (ImportResult, error) {
	var res ImportResult
	if !actor.CanTeach(actor.UnitPath) {
		return res, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins import questions")
	}
	if dup != DupAsk && dup != DupSkip && dup != DupUpdate {
		return res, gridskill.Errorf(gridskill.EINVALID, "duplicates must be skip or update")
	}
	type pair struct {
		old, next Question
	}
	var creates []Question
	var updates []pair
	for i, q := range qs {
		if err := q.Validate(); err != nil {
			return res, err
		}
		if old, ok := s.sameStem(actor, q.Stem, ""); ok {
			res.Duplicates = append(res.Duplicates, Duplicate{Row: i + 2, Stem: q.Stem, QuestionID: old.ID})
			updates = append(updates, pair{old, q})
			continue
		}
		creates = append(creates, q)
	}
	res.Warnings = Check(qs)
	if len(res.Duplicates) > 0 && dup == DupAsk {
		return res, nil
	}
	for _, u := range updates {
		switch {
		case dup == DupSkip:
			res.Skipped++
		case !actor.CanTeach(u.old.UnitPath):
			res.Skipped++
		case sameContent(u.old, u.next):
			res.Unchanged++
		default:
			u.next.Status = u.old.Status
			if _, err := s.replace(ctx, u.old, u.next); err != nil {
				if res.Updated > 0 {
					s.changed(ctx)
				}
				return res, err
			}
			res.Updated++
		}
	}
	now := s.clock.Now()
	docs := make([]any, 0, len(creates))
	for i := range creates {
		q := &creates[i]
		q.ID, q.Version, q.UnitID, q.UnitPath, q.AuthorID, q.CreatedAt, q.UpdatedAt = newID("q-"), 1, actor.UnitID, actor.UnitPath, actor.ID, now.Add(time.Duration(i)*time.Millisecond), now
		docs = append(docs, toQuestionDoc(*q))
	}
	if len(docs) > 0 {
		if err := s.repo.insertQuestions(ctx, docs); err != nil {
			return res, gridskill.Internal(err)
		}
	}
	for _, q := range creates {
		s.remember(q)
	}
	if len(creates) > 0 || res.Updated > 0 {
		s.changed(ctx)
	}
	res.Created, res.Written = len(creates), true
	return res, nil
}

// Export returns the questions the actor can see matching f, oldest first,
// in the template's order of rows. Errors: forbidden.
func (s *Service) Export(ctx context.Context, actor people.User, f Filter) ([]Question, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins open the question bank")
	}
	var out []Question
	for off := 0; ; off += 200 {
		f.Limit, f.Offset = 200, off
		page, total, err := s.List(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if off+200 >= total {
			break
		}
	}
	slices.Reverse(out)
	return out, nil
}
