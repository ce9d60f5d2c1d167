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
	case len(e.Rules) == 0 || len(e.Rules) > 20:
		return bad("a paper has 1 to 20 rules")
	case e.Size() > 200:
		return bad("a paper has at most 200 questions")
	case e.MaxSwitches < 0:
		return bad("the limit of screen switches cannot be negative")
	case e.ModuleID != "" && !moduleIDPattern.MatchString(e.ModuleID):
		return bad("malformed module id")
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
		Shuffle: e.Shuffle, Review: string(e.Review), MaxSwitches: e.MaxSwitches, ModuleID: e.ModuleID, CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt}
	for _, r := range e.Rules {
		d.Rules = append(d.Rules, ruleDoc(r))
	}
	return d
}

func (d examDoc) exam() Exam {
	e := Exam{ID: d.ID, Title: d.Title, UnitIDs: d.UnitIDs, OwnerUnitID: d.OwnerUnitID, OwnerPath: d.OwnerPath, OpensAt: d.OpensAt.UTC(), ClosesAt: d.ClosesAt.UTC(),
		Duration: time.Duration(d.DurationSec) * time.Second, PassMark: d.PassMark, MaxAttempts: d.MaxAttempts, Counts: Counting(d.Counts), Points: d.Points,
		Shuffle: d.Shuffle, Review: Review(d.Review), MaxSwitches: d.MaxSwitches, ModuleID: d.ModuleID, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
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
	// Every question the exam may draw is marked used now, while one trainer
	// waits, rather than as papers are drawn: on the embedded engine the
	// write of a whole bank's used flags holds the database for seconds, and
	// at a mass start it stalled every start and save behind it. An edit of
	// a question that no paper ends up holding then costs a version more.
	s.markUsed(ctx, s.drawable(e, actor.UnitPath))
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
	if !ok || !(e.Audience(actor.UnitPath) || s.manages(actor, e)) {
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
		if e.IsOpen(now) && e.Audience(actor.UnitPath) {
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
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pool := s.pool(ownerPath)
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
			it := itemDoc{QID: q.ID, Version: q.Version, Points: e.points(q.Type)}
			if e.Shuffle && len(q.Options) > 1 {
				it.Perm = rng.Perm(len(q.Options))
			}
			paper = append(paper, it)
		}
	}
	if e.Shuffle {
		rng.Shuffle(len(paper), func(i, j int) { paper[i], paper[j] = paper[j], paper[i] })
	} else {
		slices.SortStableFunc(paper, func(a, b itemDoc) int { return typeOrder(s.typeOf(a)) - typeOrder(s.typeOf(b)) })
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
