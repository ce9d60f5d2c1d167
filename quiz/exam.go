package quiz

import (
	"context"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// Review says when a worker may see the answer key of a finished attempt.
type Review string

// Review policies.
const (
	ReviewNever       Review = "never"
	ReviewAfterSubmit Review = "after_submit"
	ReviewAfterClose  Review = "after_close"
)

// Counting says which attempt counts when several are allowed.
type Counting string

// Counting rules.
const (
	CountHighest Counting = "highest"
	CountLast    Counting = "last"
)

// Rule draws Count questions carrying Tag, of Type and Difficulty when set.
type Rule struct {
	Tag        string
	Type       scoring.QuestionType
	Difficulty int
	Count      int
}

// Exam is a timed test for the workers of some units.
type Exam struct {
	ID    string
	Title string
	// UnitIDs is the audience: these units and everything below them.
	UnitIDs     []string
	OwnerUnitID string
	OwnerPath   []string
	OpensAt     time.Time
	ClosesAt    time.Time
	Duration    time.Duration
	// PassMark is the percentage of the maximum score needed to pass.
	PassMark    int
	MaxAttempts int
	Counts      Counting
	Rules       []Rule
	// Points per question of each type.
	Points  map[scoring.QuestionType]float64
	Shuffle bool
	Review  Review
	// MaxSwitches, when positive, submits the attempt once the page has been
	// left more often than this.
	MaxSwitches int
	// QuestionIDs, when set, is the paper: these questions, chosen by hand,
	// in this order (shuffled when Shuffle is set); Rules are then unused.
	QuestionIDs []string
	// Fixed gives everyone the same paper drawn by the rules, rather than a
	// paper of their own.
	Fixed bool
	// UserIDs, when set, narrows the audience to these workers (of UnitIDs):
	// a make-up exam's.
	UserIDs []string
	// MakeUpOf is the exam a make-up exam (补考) is for.
	MakeUpOf string
	// ModuleID, when set, is the course module the exam assesses: the
	// module's page links to the exam, and the exam's pages back to it.
	ModuleID  string
	CreatedBy string
	CreatedAt time.Time
}

// moduleIDPattern is the shape of a course module's id.
var moduleIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// Size is the number of questions on a paper.
func (e Exam) Size() int {
	if len(e.QuestionIDs) > 0 {
		return len(e.QuestionIDs)
	}
	n := 0
	for _, r := range e.Rules {
		n += r.Count
	}
	return n
}

// Audience reports whether a worker of the unit with this path sits the exam.
func (e Exam) Audience(path []string) bool {
	for _, id := range e.UnitIDs {
		if people.InScope(path, id) {
			return true
		}
	}
	return false
}

// Sits reports whether worker u is in the exam's audience: of its units and,
// for a make-up exam, one of the workers it is for.
func (e Exam) Sits(u people.User) bool {
	return e.Audience(u.UnitPath) && (len(e.UserIDs) == 0 || slices.Contains(e.UserIDs, u.ID))
}

// IsOpen reports whether the window is open at t.
func (e Exam) IsOpen(t time.Time) bool { return !t.Before(e.OpensAt) && t.Before(e.ClosesAt) }

// ReviewAllowed reports whether answer keys may be shown at t.
func (e Exam) ReviewAllowed(t time.Time) bool {
	switch e.Review {
	case ReviewAfterSubmit:
		return true
	case ReviewAfterClose:
		return !t.Before(e.ClosesAt)
	}
	return false
}

// points of a question of type t on this exam.
func (e Exam) points(t scoring.QuestionType) float64 {
	if p, ok := e.Points[t]; ok && p > 0 {
		return p
	}
	if n := e.Size(); n > 0 {
		return math.Round(10000/float64(n)) / 100
	}
	return 1
}

var examTitleText = gridskill.Text{Field: "title", Max: 100}

// Validate checks an exam's settings. Errors: invalid.
func (e Exam) Validate() error {
	bad := func(f string, args ...any) error { return gridskill.Errorf(gridskill.EINVALID, f, args...) }
	switch {
	case strings.TrimSpace(e.Title) == "" || utf8.RuneCountInString(e.Title) > 100:
		return bad("the title has 1 to 100 characters")
	case examTitleText.Check(e.Title) != nil:
		return examTitleText.Check(e.Title)
	case len(e.UnitIDs) == 0:
		return bad("choose who sits the exam")
	case !e.ClosesAt.After(e.OpensAt):
		return bad("the exam must close after it opens")
	case e.Duration < time.Minute || e.Duration > 8*time.Hour:
		return bad("the duration is between 1 minute and 8 hours")
	case e.PassMark < 0 || e.PassMark > 100:
		return bad("the pass mark is a percentage from 0 to 100")
	case e.MaxAttempts < 1 || e.MaxAttempts > 20:
		return bad("allow 1 to 20 attempts")
	case e.Counts != CountHighest && e.Counts != CountLast:
		return bad("count the highest or the last attempt")
	case e.Review != ReviewNever && e.Review != ReviewAfterSubmit && e.Review != ReviewAfterClose:
		return bad("unknown review policy")
	case len(e.QuestionIDs) == 0 && (len(e.Rules) == 0 || len(e.Rules) > 20):
		return bad("a paper has 1 to 20 rules")
	case e.Size() > 200:
		return bad("a paper has at most 200 questions")
	case e.MaxSwitches < 0:
		return bad("the limit of screen switches cannot be negative")
	case e.ModuleID != "" && !moduleIDPattern.MatchString(e.ModuleID):
		return bad("malformed module id")
	}
	for i, id := range e.QuestionIDs {
		if !validID(id) || slices.Contains(e.QuestionIDs[:i], id) {
			return bad("choose each question of the paper once, by its id")
		}
	}
	for _, r := range e.Rules {
		if r.Count < 1 || (r.Type != "" && !slices.Contains(Types(), r.Type)) || r.Difficulty < 0 || r.Difficulty > 5 {
			return bad("each rule draws at least one question of a known type and difficulty 1 to 5")
		}
	}
	for t, p := range e.Points {
		if !slices.Contains(Types(), t) || p < 0 || p > 100 || math.IsNaN(p) {
			return bad("points per question are between 0 and 100")
		}
	}
	return nil
}

func toExamDoc(e Exam) examDoc {
	d := examDoc{ID: e.ID, Title: e.Title, UnitIDs: e.UnitIDs, OwnerUnitID: e.OwnerUnitID, OwnerPath: e.OwnerPath, OpensAt: e.OpensAt, ClosesAt: e.ClosesAt,
		DurationSec: int(e.Duration / time.Second), PassMark: e.PassMark, MaxAttempts: e.MaxAttempts, Counts: string(e.Counts), Points: e.Points,
		Shuffle: e.Shuffle, Review: string(e.Review), MaxSwitches: e.MaxSwitches, ModuleID: e.ModuleID, CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt,
		QuestionIDs: e.QuestionIDs, Fixed: e.Fixed, UserIDs: e.UserIDs, MakeUpOf: e.MakeUpOf}
	for _, r := range e.Rules {
		d.Rules = append(d.Rules, ruleDoc(r))
	}
	return d
}

func (d examDoc) exam() Exam {
	e := Exam{ID: d.ID, Title: d.Title, UnitIDs: d.UnitIDs, OwnerUnitID: d.OwnerUnitID, OwnerPath: d.OwnerPath, OpensAt: d.OpensAt.UTC(), ClosesAt: d.ClosesAt.UTC(),
		Duration: time.Duration(d.DurationSec) * time.Second, PassMark: d.PassMark, MaxAttempts: d.MaxAttempts, Counts: Counting(d.Counts), Points: d.Points,
		Shuffle: d.Shuffle, Review: Review(d.Review), MaxSwitches: d.MaxSwitches, ModuleID: d.ModuleID, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt,
		QuestionIDs: d.QuestionIDs, Fixed: d.Fixed, UserIDs: d.UserIDs, MakeUpOf: d.MakeUpOf}
	for _, r := range d.Rules {
		e.Rules = append(e.Rules, Rule(r))
	}
	return e
}

func (s *Service) loadExams(ctx context.Context) error {
	docs, err := s.repo.exams(ctx)
	if err != nil {
		return err
	}
	s.examMu.Lock()
	for _, d := range docs {
		s.exams[d.ID] = d.exam()
	}
	s.examMu.Unlock()
	return nil
}

// CreateExam sets up an exam for units inside the actor's area. Every rule
// must find enough active questions for a paper without repeats.
// Errors: forbidden, invalid, not_found (a unit).
func (s *Service) CreateExam(ctx context.Context, actor people.User, e Exam) (Exam, error) {
	e, err := s.checkExam(ctx, actor, e)
	if err != nil {
		return Exam{}, err
	}
	e.ID, e.OwnerUnitID, e.OwnerPath, e.CreatedBy, e.CreatedAt = newID("e-"), actor.UnitID, actor.UnitPath, actor.ID, s.clock.Now()
	if _, err := s.drawPaper(e, actor.UnitPath, 1); err != nil {
		return Exam{}, err
	}
	if err := s.repo.insertExam(ctx, toExamDoc(e)); err != nil {
		return Exam{}, gridskill.Internal(err)
	}
	s.examMu.Lock()
	s.exams[e.ID] = e
	s.examMu.Unlock()
	s.changed(ctx)
	// Every question the exam may draw is marked used now, while one trainer
	// waits, rather than as papers are drawn: on the embedded engine the
	// write of a whole bank's used flags holds the database for seconds, and
	// at a mass start it stalled every start and save behind it. An edit of
	// a question that no paper ends up holding then costs a version more.
	s.markUsed(ctx, s.drawable(e, actor.UnitPath))
	return e, nil
}

// checkExam fills an exam's defaults and checks its settings and that its
// units lie inside the actor's area. Errors: forbidden, invalid, not_found.
func (s *Service) checkExam(ctx context.Context, actor people.User, e Exam) (Exam, error) {
	if !actor.CanTeach(actor.UnitPath) {
		return Exam{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins set exams")
	}
	if e.Counts == "" {
		e.Counts = CountHighest
	}
	if e.Review == "" {
		e.Review = ReviewAfterSubmit
	}
	if e.MaxAttempts == 0 {
		e.MaxAttempts = 1
	}
	if err := e.Validate(); err != nil {
		return Exam{}, err
	}
	for _, id := range e.UnitIDs {
		u, err := s.people.Unit(ctx, id)
		if err != nil {
			return Exam{}, err
		}
		if !actor.CanTeach(u.Path) {
			return Exam{}, gridskill.Errorf(gridskill.EFORBIDDEN, "%s is outside your area", u.Name)
		}
	}
	return e, nil
}

// Exam returns one exam: to its audience, and to staff whose area holds its
// owner. Errors: invalid, not_found.
func (s *Service) Exam(ctx context.Context, actor people.User, id string) (Exam, error) {
	if !validID(id) {
		return Exam{}, gridskill.Errorf(gridskill.EINVALID, "malformed exam id")
	}
	s.examMu.RLock()
	e, ok := s.exams[id]
	s.examMu.RUnlock()
	if !ok || !(e.Sits(actor) || s.manages(actor, e)) {
		return Exam{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such exam")
	}
	return e, nil
}

// manages reports whether staff actor may see an exam's results.
func (s *Service) manages(actor people.User, e Exam) bool {
	if !isStaff(actor) {
		return false
	}
	if people.InScope(e.OwnerPath, actor.UnitID) {
		return true
	}
	for _, id := range e.UnitIDs {
		if id == actor.UnitID || slices.Contains(actor.UnitPath, id) {
			return true
		}
	}
	return false
}

// OpenExams returns the exams whose window is open now and whose audience
// includes the actor, soonest closing first.
func (s *Service) OpenExams(ctx context.Context, actor people.User) []Exam {
	now := s.clock.Now()
	var out []Exam
	s.examMu.RLock()
	for _, e := range s.exams {
		if e.IsOpen(now) && e.Sits(actor) {
			out = append(out, e)
		}
	}
	s.examMu.RUnlock()
	slices.SortFunc(out, func(a, b Exam) int {
		if c := a.ClosesAt.Compare(b.ClosesAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// ManagedExams returns the exams staff actor set or whose audience is in
// their area, newest first. Errors: forbidden.
func (s *Service) ManagedExams(ctx context.Context, actor people.User) ([]Exam, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "your role does not allow this")
	}
	var out []Exam
	s.examMu.RLock()
	for _, e := range s.exams {
		if s.manages(actor, e) {
			out = append(out, e)
		}
	}
	s.examMu.RUnlock()
	slices.SortFunc(out, func(a, b Exam) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// drawable lists the questions that some paper of e could hold.
func (s *Service) drawable(e Exam, ownerPath []string) []string {
	if len(e.QuestionIDs) > 0 {
		return slices.Clone(e.QuestionIDs)
	}
	var ids []string
	for _, q := range s.pool(ownerPath) {
		if slices.ContainsFunc(e.Rules, func(r Rule) bool { return r.matches(q) }) {
			ids = append(ids, q.ID)
		}
	}
	return ids
}

// pool is the active questions that an exam owned at ownerPath may draw
// today, in a stable order.
func (s *Service) pool(ownerPath []string) []Question {
	day := s.clock.Now().Format(time.DateOnly)
	owner := people.User{UnitID: ownerPath[len(ownerPath)-1], UnitPath: ownerPath}
	s.bankMu.RLock()
	pool := make([]Question, 0, len(s.bank))
	for _, q := range s.bank {
		if q.Drawable(day) && visible(owner, q) {
			pool = append(pool, q)
		}
	}
	s.bankMu.RUnlock()
	slices.SortFunc(pool, func(a, b Question) int { return strings.Compare(a.ID, b.ID) })
	return pool
}

// matches reports whether q fits the rule's tag, type and difficulty.
func (r Rule) matches(q Question) bool {
	return (r.Tag == "" || q.HasTag(r.Tag)) && (r.Type == "" || q.Type == r.Type) && (r.Difficulty == 0 || q.Difficulty == r.Difficulty)
}

// drawPaper picks the questions of one paper, reproducibly from seed: for
// each rule, Count distinct active questions matching it that the owner can
// use, never a question twice. Errors: invalid (too few questions).
func (s *Service) drawPaper(e Exam, ownerPath []string, seed uint64) ([]itemDoc, error) {
	if e.Fixed && len(e.QuestionIDs) == 0 {
		seed = fixedSeed(e)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pool := s.pool(ownerPath)
	var paper []itemDoc
	var err error
	if len(e.QuestionIDs) > 0 {
		paper, err = chosenPaper(e, pool, rng)
	} else {
		paper, err = drawnPaper(e, pool, rng)
	}
	if err != nil {
		return nil, err
	}
	if e.Shuffle {
		rng.Shuffle(len(paper), func(i, j int) { paper[i], paper[j] = paper[j], paper[i] })
	} else if len(e.QuestionIDs) == 0 {
		slices.SortStableFunc(paper, func(a, b itemDoc) int { return typeOrder(s.typeOf(a)) - typeOrder(s.typeOf(b)) })
	}
	return paper, nil
}

// fixedSeed is the seed of the one paper of a fixed exam.
func fixedSeed(e Exam) uint64 {
	var h uint64 = 14695981039346656037
	for _, b := range []byte(e.ID) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	return h
}

// chosenPaper is the paper of hand-picked questions, each of which must be
// active and usable by the exam's owner today. Errors: invalid.
func chosenPaper(e Exam, pool []Question, rng *rand.Rand) ([]itemDoc, error) {
	byID := make(map[string]Question, len(pool))
	for _, q := range pool {
		byID[q.ID] = q
	}
	paper := make([]itemDoc, 0, len(e.QuestionIDs))
	for i, id := range e.QuestionIDs {
		q, ok := byID[id]
		if !ok {
			return nil, gridskill.Errorf(gridskill.EINVALID, "question %d of the paper (%s) is not an active question of your bank", i+1, id)
		}
		paper = append(paper, paperItem(e, q, rng))
	}
	return paper, nil
}

// paperItem is question q on a paper of e, its options shuffled when e says.
func paperItem(e Exam, q Question, rng *rand.Rand) itemDoc {
	it := itemDoc{QID: q.ID, Version: q.Version, Points: e.points(q.Type)}
	if e.Shuffle && len(q.Options) > 1 {
		it.Perm = rng.Perm(len(q.Options))
	}
	return it
}

// drawnPaper draws each rule's questions from the pool. Errors: invalid.
func drawnPaper(e Exam, pool []Question, rng *rand.Rand) ([]itemDoc, error) {
	taken := map[string]bool{}
	var paper []itemDoc
	for _, r := range e.Rules {
		var cands []Question
		for _, q := range pool {
			if !taken[q.ID] && r.matches(q) {
				cands = append(cands, q)
			}
		}
		if len(cands) < r.Count {
			return nil, gridskill.Errorf(gridskill.EINVALID, "only %d active questions match the rule %s; it asks for %d", len(cands), r.Tag, r.Count)
		}
		for _, i := range rng.Perm(len(cands))[:r.Count] {
			q := cands[i]
			taken[q.ID] = true
			paper = append(paper, paperItem(e, q, rng))
		}
	}
	return paper, nil
}

func (s *Service) typeOf(it itemDoc) scoring.QuestionType {
	s.bankMu.RLock()
	defer s.bankMu.RUnlock()
	return s.versions[ref(it.QID, it.Version)].Type
}

func typeOrder(t scoring.QuestionType) int { return slices.Index(Types(), t) }

func (s *Service) examByID(id string) (Exam, bool) {
	s.examMu.RLock()
	defer s.examMu.RUnlock()
	e, ok := s.exams[id]
	return e, ok
}
