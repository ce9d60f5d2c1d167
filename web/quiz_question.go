package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/quiz"
	"gridskill/scoring"
)

type questionPage struct {
	Page
	IsNew    bool
	ID       string
	Version  int
	Status   quiz.Status
	Form     quiz.Record
	Options  []quizOptionField
	Dates    [2]string // effective, retire
	Preview  *quiz.Question
	Stats    *quiz.QuestionStats
	Types    []string
	Statuses []quiz.Status
	// Existing is the question a refused stem repeats, linked from the problem.
	Existing *quiz.Question
}

type quizOptionField struct {
	Key, Name, Value string
}

func (s *Server) newQuestionPage(c *fiber.Ctx, title string, rec quiz.Record) questionPage {
	p := questionPage{Page: s.page(c, title), Form: rec, Types: []string{"单选", "多选", "判断", "填空"}, Statuses: []quiz.Status{quiz.Active, quiz.Draft, quiz.Retired}, Status: quiz.Active}
	for i, k := range quiz.OptionKeys() {
		p.Options = append(p.Options, quizOptionField{Key: k, Name: "option" + k, Value: rec.Options[i]})
	}
	return p
}

// quizQuestionNew shows an empty question form.
func (s *Server) quizQuestionNew(c *fiber.Ctx) error {
	p := s.newQuestionPage(c, "New question", quiz.Record{Type: "单选", Difficulty: "2"})
	p.IsNew = true
	return c.Render("quiz/question", p, "layouts/main")
}

// questionForm reads the question form the way a template row is read.
func questionForm(c *fiber.Ctx) (quiz.Record, quiz.Status, [2]string) {
	r := quiz.Record{Type: c.FormValue("type"), Stem: c.FormValue("stem"), Answer: c.FormValue("answer"), Explanation: c.FormValue("explanation"),
		Tags: c.FormValue("tags"), Difficulty: c.FormValue("difficulty"), Source: c.FormValue("source")}
	for i, k := range quiz.OptionKeys() {
		r.Options[i] = c.FormValue("option" + k)
	}
	return r, quiz.Status(c.FormValue("status")), [2]string{c.FormValue("effectiveOn"), c.FormValue("retireOn")}
}

// parseQuestionForm turns the form into a question, or the form's problems.
func parseQuestionForm(rec quiz.Record, st quiz.Status, dates [2]string) (quiz.Question, error) {
	q, problems := quiz.ParseRecord(rec)
	if len(problems) > 0 {
		return q, &gridskill.Error{Code: gridskill.EINVALID, Message: "the question has problems", Format: "the question has problems", Fields: problems}
	}
	q.Status, q.EffectiveOn, q.RetireOn = st, dates[0], dates[1]
	return q, q.Validate()
}

// quizQuestionCreate: preview or store a new question.
func (s *Server) quizQuestionCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	rec, st, dates := questionForm(c)
	p := s.newQuestionPage(c, "New question", rec)
	p.IsNew, p.Status, p.Dates = true, st, dates
	q, err := parseQuestionForm(rec, st, dates)
	if err == nil && c.FormValue("action") == "preview" {
		p.Preview = &q
		return c.Render("quiz/question", p, "layouts/main")
	}
	if err == nil {
		q, err = s.quiz.Create(c.UserContext(), u, q)
	}
	if gridskill.ErrorCode(err) == gridskill.ECONFLICT {
		if dup, ok := s.quiz.SameStem(u, rec.Stem); ok {
			p.Existing = &dup
		}
	}
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("quiz/question", p, "layouts/main")
	}
	s.flash(c, "Question saved.")
	return c.Redirect("/quiz/questions/"+q.ID, fiber.StatusSeeOther)
}

// quizQuestionPage shows a question's edit form, its preview and its statistics.
func (s *Server) quizQuestionPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	q, err := s.quiz.Question(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	st, err := s.quiz.Stats(ctx, u, q.ID)
	if err != nil {
		return err
	}
	p := s.editPage(c, q)
	p.Preview, p.Stats = &q, &st
	return c.Render("quiz/question", p, "layouts/main")
}

func (s *Server) editPage(c *fiber.Ctx, q quiz.Question) questionPage {
	p := s.newQuestionPage(c, "Edit question", q.Record())
	p.ID, p.Version, p.Status, p.Dates = q.ID, q.Version, q.Status, [2]string{q.EffectiveOn, q.RetireOn}
	return p
}

// quizQuestionSave: preview or store an edited question (a new version when papers hold it).
func (s *Server) quizQuestionSave(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	old, err := s.quiz.Question(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	rec, st, dates := questionForm(c)
	p := s.editPage(c, old)
	p.Form, p.Status, p.Dates = rec, st, dates
	p.Options = s.newQuestionPage(c, "", rec).Options
	q, err := parseQuestionForm(rec, st, dates)
	if err == nil && c.FormValue("action") == "preview" {
		p.Preview = &q
		return c.Render("quiz/question", p, "layouts/main")
	}
	if err == nil {
		_, err = s.quiz.Update(ctx, u, old.ID, q)
	}
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("quiz/question", p, "layouts/main")
	}
	s.flash(c, "Question saved.")
	return c.Redirect("/quiz/questions/"+old.ID, fiber.StatusSeeOther)
}

// quizQuestionStatus retires or reactivates a question.
func (s *Server) quizQuestionStatus(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.quiz.SetStatus(c.UserContext(), u, c.Params("id"), quiz.Status(c.FormValue("status"))); err != nil {
		return err
	}
	s.flash(c, "Question saved.")
	return c.Redirect("/quiz/questions/"+c.Params("id"), fiber.StatusSeeOther)
}

// IsType reports whether the previewed question is of type t.
func (p questionPage) IsType(t string) bool { return p.Preview != nil && string(p.Preview.Type) == t }

// BlankAnswer is the preview's key of a blank question.
func (p questionPage) KeyText() string {
	if p.Preview == nil {
		return ""
	}
	return p.Preview.Record().Answer
}

// FlagNotes are an item's flags, each as a sentence.
func (p questionPage) FlagNotes(st scoring.ItemStats) []string {
	var out []string
	for _, f := range st.Flags {
		out = append(out, p.FlagNote(f))
	}
	return out
}
