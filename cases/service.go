package cases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
)

// Lessons adds a lesson to a module (courses.Service).
type Lessons interface {
	AddLesson(ctx context.Context, actor people.User, moduleID string, in courses.LessonInput) (courses.Lesson, error)
}

// Questions writes a question to the bank (quiz.Service).
type Questions interface {
	Create(ctx context.Context, actor people.User, q quiz.Question) (quiz.Question, error)
}

// Service is the case library.
type Service struct {
	repo      repo
	clock     gridskill.Clock
	lessons   Lessons
	questions Questions
}

// NewService returns the case library; lessons and questions may be nil
// (turning a case into one is then refused).
func NewService(db *mongo.Database, clock gridskill.Clock, lessons Lessons, questions Questions) *Service {
	return &Service{repo: newRepo(db), clock: clock, lessons: lessons, questions: questions}
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)

// ValidID reports whether s has the shape of a case or guide id.
func ValidID(s string) bool { return idPattern.MatchString(s) }

func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func curator(u people.User) bool { return u.Active && (u.Role == people.Trainer || u.Role.IsAdmin()) }

// canRead: the author, a curator of the case's area, and once published the
// people of the curator's unit.
func canRead(actor people.User, c Case) bool {
	return actor.ID == c.AuthorID || actor.CanTeach(c.UnitPath) || c.State == Published && actor.Active && people.InScope(actor.UnitPath, c.ScopeID)
}

// Submit stores a case written by a worker, a shadowing participant or
// anyone else signed in. Residents' names given, phone numbers and ID
// numbers are masked before it is stored: no one, the curators included,
// sees them afterwards. Errors: forbidden, invalid.
func (s *Service) Submit(ctx context.Context, actor people.User, in Input) (Case, error) {
	if !actor.Active {
		return Case{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this account is not active")
	}
	if err := in.Validate(); err != nil {
		return Case{}, err
	}
	in, masked := in.mask()
	c := Case{ID: newID("c-"), Title: in.Title, Happened: in.Happened, Handling: in.Handling, Outcome: in.Outcome, Tags: in.Tags, State: Submitted,
		AuthorID: actor.ID, AuthorName: actor.Name, UnitID: actor.UnitID, UnitPath: actor.UnitPath, Masked: masked, SubmittedAt: s.clock.Now()}
	return c, s.repo.insert(ctx, s.repo.cases, newCaseDoc(c))
}

// Case returns a case the actor may read. Errors: invalid, not_found.
func (s *Service) Case(ctx context.Context, actor people.User, id string) (Case, error) {
	if !ValidID(id) {
		return Case{}, gridskill.Errorf(gridskill.EINVALID, "malformed case id")
	}
	d, err := s.repo.caseByID(ctx, id)
	if err != nil {
		return Case{}, err
	}
	c := d.caseOf()
	if !canRead(actor, c) {
		return Case{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such case")
	}
	return c, nil
}

// Query narrows the library.
type Query struct {
	Text string
	Tag  Tag
}

func (q Query) matches(c Case) bool {
	if q.Tag != "" {
		found := false
		for _, t := range c.Tags {
			found = found || t == q.Tag
		}
		if !found {
			return false
		}
	}
	q.Text = strings.TrimSpace(q.Text)
	return q.Text == "" || strings.Contains(c.Title+"\n"+c.Happened+"\n"+c.Handling+"\n"+c.Outcome, q.Text)
}

// Library lists the published cases the actor may read, matching q.
// Errors: internal.
func (s *Service) Library(ctx context.Context, actor people.User, q Query) ([]Case, error) {
	docs, err := s.repo.casesWhere(ctx, bson.M{"state": string(Published), "scopeId": bson.M{"$in": actor.UnitPath}})
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, d := range docs {
		if c := d.caseOf(); canRead(actor, c) && q.matches(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Pending lists the cases waiting for a curator of the actor's area.
// Errors: forbidden, internal.
func (s *Service) Pending(ctx context.Context, actor people.User) ([]Case, error) {
	if !curator(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins curate cases")
	}
	docs, err := s.repo.casesWhere(ctx, bson.M{"state": string(Submitted), "unitPath": actor.UnitID})
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, d := range docs {
		if c := d.caseOf(); actor.CanTeach(c.UnitPath) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Mine lists the cases the actor wrote. Errors: internal.
func (s *Service) Mine(ctx context.Context, actor people.User) ([]Case, error) {
	docs, err := s.repo.casesWhere(ctx, bson.M{"authorId": actor.ID})
	if err != nil {
		return nil, err
	}
	out := make([]Case, len(docs))
	for i, d := range docs {
		out[i] = d.caseOf()
	}
	return out, nil
}

// Publish puts a case, as the curator edited it (masked again), in the
// library of the curator's unit. Errors: invalid, not_found, forbidden.
func (s *Service) Publish(ctx context.Context, actor people.User, id string, in Input) (Case, error) {
	c, err := s.Case(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	if !curator(actor) || !actor.CanTeach(c.UnitPath) {
		return Case{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins of the case's area publish it")
	}
	if err := in.Validate(); err != nil {
		return Case{}, err
	}
	in, masked := in.mask()
	c.Title, c.Happened, c.Handling, c.Outcome, c.Tags = in.Title, in.Happened, in.Handling, in.Outcome, in.Tags
	c.Masked = c.Masked || masked
	c.State, c.PublishedAt, c.PublishedBy, c.ScopeID = Published, s.clock.Now(), actor.ID, actor.UnitID
	d := newCaseDoc(c)
	if _, err := s.repo.cases.ReplaceOne(ctx, bson.M{"_id": c.ID}, d); err != nil {
		return Case{}, gridskill.Internal(err)
	}
	return c, nil
}

// ToLesson adds the case as a lesson section of a module the curator may
// edit. Errors: invalid, not_found, forbidden (the module's own errors too).
func (s *Service) ToLesson(ctx context.Context, actor people.User, id, moduleID string) (courses.Lesson, error) {
	c, err := s.publishedFor(ctx, actor, id)
	if err != nil {
		return courses.Lesson{}, err
	}
	if s.lessons == nil {
		return courses.Lesson{}, gridskill.Errorf(gridskill.EFORBIDDEN, "lessons cannot be written here")
	}
	title := []rune("案例：" + c.Title)
	if len(title) > 60 {
		title = title[:60]
	}
	return s.lessons.AddLesson(ctx, actor, moduleID, courses.LessonInput{Title: string(title), Markdown: c.Markdown(), Minutes: 5})
}

// ToQuestion writes a draft true/false question from the case (the way it
// was handled, stated as right), for the curator to finish in the bank.
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) ToQuestion(ctx context.Context, actor people.User, id string) (quiz.Question, error) {
	c, err := s.publishedFor(ctx, actor, id)
	if err != nil {
		return quiz.Question{}, err
	}
	if s.questions == nil {
		return quiz.Question{}, gridskill.Errorf(gridskill.EFORBIDDEN, "questions cannot be written here")
	}
	stem := []rune("案例：" + c.Happened + " 网格员的处置：" + c.Handling + " 这样处置是正确的。")
	if len(stem) > 900 {
		stem = append(stem[:897], '…')
	}
	return s.questions.Create(ctx, actor, quiz.Question{Type: scoring.TrueFalse, Stem: string(stem), Correct: []string{"T"},
		Explanation: c.Outcome, Tags: []string{questionTag(c)}, Difficulty: 2, Status: quiz.Draft})
}

// questionTag is the bank's category tag for the case's first tag.
func questionTag(c Case) string {
	switch c.Tags[0] {
	case Fraud:
		return "反诈"
	case Fundraising:
		return "防范非法集资"
	case Dispute:
		return "矛盾纠纷调解"
	case Hazard:
		return "安全隐患巡查"
	case Information:
		return "信息采集"
	}
	return "网格职责"
}

// publishedFor is a published case that the actor curates.
func (s *Service) publishedFor(ctx context.Context, actor people.User, id string) (Case, error) {
	c, err := s.Case(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	if !curator(actor) || !actor.CanTeach(c.UnitPath) && !people.InScope(actor.UnitPath, c.ScopeID) {
		return Case{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins reuse cases")
	}
	if c.State != Published {
		return Case{}, gridskill.Errorf(gridskill.ECONFLICT, "publish the case first")
	}
	return c, nil
}

// CreateGuide merges published cases into a work guide of the curator's
// unit. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) CreateGuide(ctx context.Context, actor people.User, title, intro string, caseIDs []string) (Guide, error) {
	if !curator(actor) {
		return Guide{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins write work guides")
	}
	title, intro = strings.TrimSpace(title), strings.TrimSpace(intro)
	switch {
	case title == "":
		return Guide{}, gridskill.Errorf(gridskill.EINVALID, "the guide needs a title")
	case len(caseIDs) == 0 || len(caseIDs) > 50:
		return Guide{}, gridskill.Errorf(gridskill.EINVALID, "choose one to %d cases", 50)
	}
	if err := titleText.Check(title); err != nil {
		return Guide{}, err
	}
	if err := bodyText.Check(intro); err != nil {
		return Guide{}, err
	}
	intro, _ = Mask(intro, nil)
	g := Guide{ID: newID("g-"), Title: title, Intro: intro, UnitID: actor.UnitID, UnitPath: actor.UnitPath, CreatedBy: actor.ID, CreatedAt: s.clock.Now()}
	seen := map[string]bool{}
	for _, id := range caseIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, err := s.Case(ctx, actor, id)
		if err != nil {
			return Guide{}, err
		}
		if c.State != Published {
			return Guide{}, gridskill.Errorf(gridskill.ECONFLICT, "publish the case first")
		}
		g.CaseIDs, g.Cases = append(g.CaseIDs, c.ID), append(g.Cases, c)
	}
	d := guideDoc{ID: g.ID, Title: g.Title, Intro: g.Intro, CaseIDs: g.CaseIDs, UnitID: g.UnitID, UnitPath: g.UnitPath, CreatedBy: g.CreatedBy, CreatedAt: g.CreatedAt}
	return g, s.repo.insert(ctx, s.repo.guides, d)
}

// Guide returns a work guide with its cases to the people of its unit.
// Errors: invalid, not_found.
func (s *Service) Guide(ctx context.Context, actor people.User, id string) (Guide, error) {
	if !ValidID(id) {
		return Guide{}, gridskill.Errorf(gridskill.EINVALID, "malformed guide id")
	}
	d, err := s.repo.guideByID(ctx, id)
	if err != nil {
		return Guide{}, err
	}
	if !actor.Active || !people.InScope(actor.UnitPath, d.UnitID) {
		return Guide{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such guide")
	}
	g := Guide{ID: d.ID, Title: d.Title, Intro: d.Intro, CaseIDs: d.CaseIDs, UnitID: d.UnitID, UnitPath: d.UnitPath, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
	for _, cid := range d.CaseIDs {
		if cd, err := s.repo.caseByID(ctx, cid); err == nil {
			g.Cases = append(g.Cases, cd.caseOf())
		}
	}
	return g, nil
}

// Guides lists the guides of the actor's unit and the units above it.
// Errors: internal.
func (s *Service) Guides(ctx context.Context, actor people.User) ([]Guide, error) {
	docs, err := s.repo.guidesIn(ctx, actor.UnitPath)
	if err != nil {
		return nil, err
	}
	var out []Guide
	for _, d := range docs {
		out = append(out, Guide{ID: d.ID, Title: d.Title, Intro: d.Intro, CaseIDs: d.CaseIDs, UnitID: d.UnitID, CreatedAt: d.CreatedAt})
	}
	return out, nil
}

// PublishedBy counts the author's cases in the library, for the annual
// selection. It reads for the system, not for a person. Errors: internal.
func (s *Service) PublishedBy(ctx context.Context, authorID string) (int, error) {
	docs, err := s.repo.casesWhere(ctx, bson.M{"authorId": authorID, "state": string(Published)})
	return len(docs), err
}
