package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
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
	Units  []unitOption
	Tags   []quiz.TagCount
	Types  []scoring.QuestionType
	Form   examSetupForm
	Rules  []examRuleRow
	Points []examPointsRow
}

// examPointsRow is the points field of one question type.
type examPointsRow struct {
	Type  scoring.QuestionType
	Value string
}

type examRuleRow struct {
	examRuleJSON
	I, N int
}

type examSetupForm struct {
	Title, UnitID, OpensAt, ClosesAt string
	Minutes, PassMark, MaxAttempts   int
	MaxSwitches                      int
	Counts                           quiz.Counting
	Review                           quiz.Review
	Shuffle                          bool
	Rules                            []examRuleJSON
	// Points holds the points per question typed for each type, as typed.
	Points map[scoring.QuestionType]string
}

func (s *Server) examNew(c *fiber.Ctx, f examSetupForm) (examNewPage, error) {
	u, _ := currentUser(c)
	tree, err := s.people.Tree(c.UserContext())
	if err != nil {
		return examNewPage{}, err
	}
	for len(f.Rules) < 4 {
		f.Rules = append(f.Rules, examRuleJSON{})
	}
	p := examNewPage{Page: s.page(c, "New exam"), Units: unitOptions(tree, u.UnitID), Tags: s.quiz.Tags(u), Types: quiz.Types(), Form: f}
	for i, r := range f.Rules {
		p.Rules = append(p.Rules, examRuleRow{examRuleJSON: r, I: i, N: i + 1})
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
		Minutes: 30, PassMark: 80, MaxAttempts: 1, Counts: quiz.CountHighest, Review: quiz.ReviewAfterSubmit, Shuffle: true,
		Rules: []examRuleJSON{{Count: 20}}})
	if err != nil {
		return err
	}
	return c.Render("quiz/exam_new", p, "layouts/main")
}

// examAdminCreate: parse → create → the exam's page, or the form with the problem.
func (s *Server) examAdminCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	f := examSetupForm{Title: c.FormValue("title"), UnitID: c.FormValue("unit"), OpensAt: c.FormValue("opensAt"), ClosesAt: c.FormValue("closesAt"),
		Counts: quiz.Counting(c.FormValue("counts")), Review: quiz.Review(c.FormValue("review")), Shuffle: c.FormValue("shuffle") == "1"}
	f.Minutes, _ = strconv.Atoi(c.FormValue("minutes"))
	f.PassMark, _ = strconv.Atoi(c.FormValue("passMark"))
	f.MaxAttempts, _ = strconv.Atoi(c.FormValue("maxAttempts"))
	f.MaxSwitches, _ = strconv.Atoi(c.FormValue("maxSwitches"))
	e := quiz.Exam{Title: f.Title, UnitIDs: []string{f.UnitID}, Duration: time.Duration(f.Minutes) * time.Minute, PassMark: f.PassMark,
		MaxAttempts: f.MaxAttempts, Counts: f.Counts, Review: f.Review, Shuffle: f.Shuffle, MaxSwitches: f.MaxSwitches}
	for i := 0; i < 8; i++ {
		n := strconv.Itoa(i)
		r := examRuleJSON{Tag: c.FormValue("tag" + n), Type: scoring.QuestionType(c.FormValue("type" + n))}
		r.Difficulty, _ = strconv.Atoi(c.FormValue("difficulty" + n))
		r.Count, _ = strconv.Atoi(c.FormValue("count" + n))
		if r.Count > 0 {
			f.Rules = append(f.Rules, r)
			e.Rules = append(e.Rules, quiz.Rule(r))
		}
	}
	f.Points = map[scoring.QuestionType]string{}
	var badPoints bool
	for _, t := range quiz.Types() {
		v := strings.TrimSpace(c.FormValue("points_" + string(t)))
		if v == "" {
			continue
		}
		f.Points[t] = v
		p, err := strconv.ParseFloat(v, 64)
		if err != nil || p <= 0 {
			badPoints = true
			continue
		}
		if e.Points == nil {
			e.Points = map[scoring.QuestionType]float64{}
		}
		e.Points[t] = p
	}
	var err error
	e.OpensAt, err = time.ParseInLocation("2006-01-02T15:04", f.OpensAt, gridskill.ChinaZone())
	if err == nil {
		e.ClosesAt, err = time.ParseInLocation("2006-01-02T15:04", f.ClosesAt, gridskill.ChinaZone())
	}
	switch {
	case err != nil:
		err = gridskill.Errorf(gridskill.EINVALID, "enter the window as a date and time")
	case badPoints:
		err = gridskill.Errorf(gridskill.EINVALID, "points per question are a number above 0, or empty to split evenly")
	default:
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

type examResultRow struct {
	quiz.AttemptResult
	Name      string
	Submitted string
}

type examResultsPage struct {
	Page
	Exam   quiz.Exam
	Window string
	Rows   []examResultRow
	Open   int
	Passed int
}

// examAdminResults shows an exam's finished attempts with screen switches.
func (s *Server) examAdminResults(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	e, err := s.quiz.Exam(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	rs, open, err := s.quiz.ExamResults(ctx, u, e.ID)
	if err != nil {
		return err
	}
	p := examResultsPage{Page: s.page(c, "Exam results"), Exam: e, Window: localTime(e.OpensAt) + " – " + localTime(e.ClosesAt), Open: open}
	for _, r := range rs {
		name := r.UserID
		if person, err := s.people.User(ctx, r.UserID); err == nil {
			name = person.Name
		}
		if r.Passed {
			p.Passed++
		}
		p.Rows = append(p.Rows, examResultRow{AttemptResult: r, Name: name, Submitted: localTime(r.SubmittedAt)})
	}
	return c.Render("quiz/exam_results", p, "layouts/main")
}

// QuizNum shows a score.
func (Page) QuizNum(v float64) string { return quizFloat(v) }
