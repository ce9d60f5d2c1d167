package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
	"gridskill/quiz"
	"gridskill/scoring"
)

type examAdminRow struct {
	quiz.Exam
	Window string
}

type examAdminListPage struct {
	Page
	Exams []examAdminRow
}

// examAdminList lists the exams a trainer or admin manages.
func (s *Server) examAdminList(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	exams, err := s.quiz.ManagedExams(c.UserContext(), u)
	if err != nil {
		return err
	}
	p := examAdminListPage{Page: s.page(c, "Exams")}
	for _, e := range exams {
		p.Exams = append(p.Exams, examAdminRow{Exam: e, Window: localTime(e.OpensAt) + " – " + localTime(e.ClosesAt)})
	}
	return c.Render("quiz/exams", p, "layouts/main")
}

type examNewPage struct {
	Page
	// Heading, Action and Button name the form: a new exam's, or an edit.
	Heading, Action, Button string
	// Editing is the id of the exam being edited.
	Editing string
	Units   []unitOption
	Tags    []quiz.TagCount
	Types   []scoring.QuestionType
	Form    examSetupForm
	Rules   []examRuleRow
	Points  []examPointsRow
	// Modules are the published modules the exam may assess.
	Modules []courses.Module
}

// examPointsRow is the points field of one question type.
type examPointsRow struct {
	Type  scoring.QuestionType
	Value string
}

type examRuleRow struct {
	examRuleForm
	I, N int
}

// examSetupForm is the exam form as typed, so that a refused form comes
// back with what was in it.
type examSetupForm struct {
	Title, UnitID, OpensAt, ClosesAt string
	ModuleID                         string
	Minutes, PassMark, MaxAttempts   string
	MaxSwitches                      string
	Counts                           quiz.Counting
	Review                           quiz.Review
	Shuffle, Fixed                   bool
	// Questions is the hand-picked paper as typed: question ids.
	Questions string
	Rules     []examRuleForm
	// Points holds the points per question typed for each type.
	Points map[scoring.QuestionType]string
}

// examRuleForm is one drawing rule as typed.
type examRuleForm struct {
	Tag               string
	Type              scoring.QuestionType
	Difficulty, Count string
}

// examRules is how many rule rows the form has at most.
const examRules = 8

func (s *Server) examNew(c *fiber.Ctx, f examSetupForm) (examNewPage, error) {
	u, _ := currentUser(c)
	tree, err := s.people.Tree(c.UserContext())
	if err != nil {
		return examNewPage{}, err
	}
	for len(f.Rules) < 4 {
		f.Rules = append(f.Rules, examRuleForm{})
	}
	p := examNewPage{Page: s.page(c, "New exam"), Heading: "New exam", Action: "/quiz/exams", Button: "Create the exam",
		Units: unitOptions(tree, u.UnitID), Tags: s.quiz.Tags(u), Types: quiz.Types(), Form: f}
	if s.courses != nil {
		mods, err := s.courses.Visible(c.UserContext(), u)
		if err != nil {
			return examNewPage{}, err
		}
		for _, m := range mods {
			if m.Published != nil {
				p.Modules = append(p.Modules, m)
			}
		}
	}
	for i, r := range f.Rules {
		p.Rules = append(p.Rules, examRuleRow{examRuleForm: r, I: i, N: i + 1})
	}
	for _, t := range quiz.Types() {
		p.Points = append(p.Points, examPointsRow{Type: t, Value: f.Points[t]})
	}
	return p, nil
}

// examAdminNew shows the exam form.
func (s *Server) examAdminNew(c *fiber.Ctx) error {
	now := s.clock.Now()
	p, err := s.examNew(c, examSetupForm{OpensAt: now.In(gridskill.ChinaZone()).Format("2006-01-02T15:04"), ClosesAt: now.AddDate(0, 0, 7).In(gridskill.ChinaZone()).Format("2006-01-02T15:04"),
		Minutes: "30", PassMark: "80", MaxAttempts: "1", MaxSwitches: "0", Counts: quiz.CountHighest, Review: quiz.ReviewAfterSubmit, Shuffle: true,
		Rules: []examRuleForm{{Difficulty: "0", Count: "20"}}})
	if err != nil {
		return err
	}
	return c.Render("quiz/exam_new", p, "layouts/main")
}

// examAdminCreate: parse → create → the exam's page, or the form with the problem.
func (s *Server) examAdminCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	f, e, err := parseExamForm(c)
	if err == nil {
		e, err = s.quiz.CreateExam(c.UserContext(), u, e)
	}
	if err != nil {
		p, perr := s.examNew(c, f)
		if perr != nil {
			return perr
		}
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("quiz/exam_new", p, "layouts/main")
	}
	s.flash(c, "Exam created.")
	return c.Redirect("/quiz/exams/"+e.ID, fiber.StatusSeeOther)
}

// parseExamForm reads the exam form into the form as typed and the exam it
// asks for. A number that is not one is refused (invalid) with one problem
// for each such field; so is a window that is not a date and time. The
// rules of a valid exam are the service's to check.
func parseExamForm(c *fiber.Ctx) (examSetupForm, quiz.Exam, error) {
	f := examSetupForm{Title: c.FormValue("title"), UnitID: c.FormValue("unit"), ModuleID: c.FormValue("module"), OpensAt: c.FormValue("opensAt"), ClosesAt: c.FormValue("closesAt"),
		Minutes: c.FormValue("minutes"), PassMark: c.FormValue("passMark"), MaxAttempts: c.FormValue("maxAttempts"), MaxSwitches: c.FormValue("maxSwitches"),
		Counts: quiz.Counting(c.FormValue("counts")), Review: quiz.Review(c.FormValue("review")), Shuffle: c.FormValue("shuffle") == "1",
		Fixed: c.FormValue("fixed") == "1", Questions: c.FormValue("questions"), Points: map[scoring.QuestionType]string{}}
	var n examNumbers
	e := quiz.Exam{Title: f.Title, UnitIDs: []string{f.UnitID}, ModuleID: f.ModuleID, Duration: time.Duration(n.whole("minutes", f.Minutes)) * time.Minute,
		PassMark: n.whole("passMark", f.PassMark), MaxAttempts: n.whole("maxAttempts", f.MaxAttempts), MaxSwitches: n.whole("maxSwitches", f.MaxSwitches),
		Counts: f.Counts, Review: f.Review, Shuffle: f.Shuffle, Fixed: f.Fixed, QuestionIDs: questionIDs(f.Questions)}
	e.Rules, f.Rules = parseExamRules(c, &n)
	if len(e.QuestionIDs) > 0 {
		e.Rules = nil
	}
	e.Points = parseExamPoints(c, &n, f.Points)
	var err error
	e.OpensAt, err = time.ParseInLocation("2006-01-02T15:04", f.OpensAt, gridskill.ChinaZone())
	if err == nil {
		e.ClosesAt, err = time.ParseInLocation("2006-01-02T15:04", f.ClosesAt, gridskill.ChinaZone())
	}
	if err != nil {
		n.bad = append(n.bad, gridskill.FieldError{Field: "opensAt", Reason: "enter the window as a date and time"})
	}
	return f, e, n.err()
}

// questionIDs reads hand-picked question ids separated by lines, spaces,
// commas or semicolons.
func questionIDs(s string) []string {
	ids := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" \t\r\n,;，；、", r) })
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// parseExamRules reads the drawing rules: the exam's, those with questions
// to draw, and the form's, which also keeps a row whose count is no number.
func parseExamRules(c *fiber.Ctx, n *examNumbers) ([]quiz.Rule, []examRuleForm) {
	var rules []quiz.Rule
	var rows []examRuleForm
	for i := range examRules {
		k := strconv.Itoa(i)
		r := examRuleForm{Tag: c.FormValue("tag" + k), Type: scoring.QuestionType(c.FormValue("type" + k)),
			Difficulty: c.FormValue("difficulty" + k), Count: c.FormValue("count" + k)}
		bad := len(n.bad)
		rule := quiz.Rule{Tag: r.Tag, Type: r.Type, Difficulty: n.whole("difficulty"+k, r.Difficulty), Count: n.whole("count"+k, r.Count)}
		if rule.Count > 0 {
			rules = append(rules, rule)
		}
		if rule.Count > 0 || len(n.bad) > bad {
			rows = append(rows, r)
		}
	}
	return rules, rows
}

// parseExamPoints reads the points per question of each type, keeping what
// was typed in typed; nil when none is set.
func parseExamPoints(c *fiber.Ctx, n *examNumbers, typed map[scoring.QuestionType]string) map[scoring.QuestionType]float64 {
	var out map[scoring.QuestionType]float64
	for _, t := range quiz.Types() {
		v := strings.TrimSpace(c.FormValue("points_" + string(t)))
		if v == "" {
			continue
		}
		typed[t] = v
		if p, ok := n.points("points_"+string(t), v); ok {
			if out == nil {
				out = map[scoring.QuestionType]float64{}
			}
			out[t] = p
		}
	}
	return out
}

// examNumbers reads the exam form's numbers and keeps a problem for each
// one that is not a number.
type examNumbers struct{ bad []gridskill.FieldError }

// whole reads an integer field; empty is 0.
func (n *examNumbers) whole(field, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		n.bad = append(n.bad, gridskill.FieldError{Field: field, Reason: "enter a whole number, not %q", Args: []any{s}})
	}
	return v
}

// points reads a points-per-question field, a number above 0.
func (n *examNumbers) points(field, s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		n.bad = append(n.bad, gridskill.FieldError{Field: field, Reason: "points per question are a number above 0, or empty to split evenly"})
		return 0, false
	}
	return v, true
}

func (n *examNumbers) err() error {
	switch len(n.bad) {
	case 0:
		return nil
	case 1:
		e := gridskill.Errorf(gridskill.EINVALID, n.bad[0].Reason, n.bad[0].Args...)
		e.Fields = n.bad
		return e
	}
	e := gridskill.Errorf(gridskill.EINVALID, "%d fields of the form are not valid; see below", len(n.bad))
	e.Fields = n.bad
	return e
}

// QuizNum shows a score.
func (Page) QuizNum(v float64) string { return quizFloat(v) }
