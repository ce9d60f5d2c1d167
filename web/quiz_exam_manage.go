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

// examFormOf is an exam's settings as the exam form shows them.
func examFormOf(e quiz.Exam) examSetupForm {
	zone := gridskill.ChinaZone()
	f := examSetupForm{Title: e.Title, OpensAt: e.OpensAt.In(zone).Format(formTime), ClosesAt: e.ClosesAt.In(zone).Format(formTime),
		Minutes: strconv.Itoa(int(e.Duration / time.Minute)), PassMark: strconv.Itoa(e.PassMark), MaxAttempts: strconv.Itoa(e.MaxAttempts),
		MaxSwitches: strconv.Itoa(e.MaxSwitches), Counts: e.Counts, Review: e.Review, Shuffle: e.Shuffle, Fixed: e.Fixed,
		Questions: strings.Join(e.QuestionIDs, "\n"), Points: map[scoring.QuestionType]string{}}
	if len(e.UnitIDs) > 0 {
		f.UnitID = e.UnitIDs[0]
	}
	for _, r := range e.Rules {
		f.Rules = append(f.Rules, examRuleForm{Tag: r.Tag, Type: r.Type, Difficulty: strconv.Itoa(r.Difficulty), Count: strconv.Itoa(r.Count)})
	}
	for t, v := range e.Points {
		f.Points[t] = quizFloat(v)
	}
	return f
}

// examEditForm is the exam form set up to edit exam id.
func (s *Server) examEditForm(c *fiber.Ctx, id string, f examSetupForm) (examNewPage, error) {
	p, err := s.examNew(c, f)
	if err != nil {
		return p, err
	}
	p.Title, p.Heading, p.Action, p.Button, p.Editing = "Edit the exam", "Edit the exam", "/quiz/exams/"+id, "Save the exam", id
	return p, nil
}

// examAdminEdit shows the exam form filled with an exam's settings, while
// nobody has started it.
func (s *Server) examAdminEdit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	e, err := s.quiz.EditableExam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p, err := s.examEditForm(c, e.ID, examFormOf(e))
	if err != nil {
		return err
	}
	if s.quiz.Started(e.ID) {
		p.Problem = gridskill.Errorf(gridskill.ECONFLICT, "someone has started this exam, so its paper and rules can no longer change; extend or close its window instead")
	}
	return c.Render("quiz/exam_new", p, "layouts/main")
}

// examAdminUpdate: parse → update → the exam's page, or the form with the problem.
func (s *Server) examAdminUpdate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id := c.Params("id")
	if _, err := s.quiz.EditableExam(c.UserContext(), u, id); err != nil {
		return err
	}
	f, e, err := parseExamForm(c)
	if err == nil {
		_, err = s.quiz.UpdateExam(c.UserContext(), u, id, e)
	}
	if err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EFORBIDDEN {
			return err
		}
		p, perr := s.examEditForm(c, id, f)
		if perr != nil {
			return perr
		}
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("quiz/exam_new", p, "layouts/main")
	}
	s.flash(c, "Exam saved.")
	return c.Redirect("/quiz/exams/"+id, fiber.StatusSeeOther)
}

// examAdminExtend moves the exam's close later.
func (s *Server) examAdminExtend(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	closes, err := formWindowTime(c.FormValue("closesAt"), "closesAt")
	if err == nil {
		_, err = s.quiz.ExtendExam(c.UserContext(), u, c.Params("id"), closes)
	}
	return s.examManaged(c, err, "The exam's window is extended.", "")
}

// examAdminClose ends the exam's window now.
func (s *Server) examAdminClose(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, _, err := s.quiz.CloseExam(c.UserContext(), u, c.Params("id"))
	return s.examManaged(c, err, "The exam is closed; attempts in progress were submitted.", "")
}

// examAdminMakeUp sets a make-up exam for those who failed or missed it.
func (s *Server) examAdminMakeUp(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	opens, err := formWindowTime(c.FormValue("opensAt"), "opensAt")
	var closes time.Time
	if err == nil {
		closes, err = formWindowTime(c.FormValue("closesAt"), "closesAt")
	}
	var m quiz.Exam
	if err == nil {
		m, err = s.quiz.MakeUpExam(c.UserContext(), u, c.Params("id"), opens, closes)
	}
	return s.examManaged(c, err, "Make-up exam set.", m.ID)
}

// examManaged ends a management action: on success the exam's page (or
// the one created) with a message; bad input re-renders the page with the
// problem and changes nothing.
func (s *Server) examManaged(c *fiber.Ctx, err error, done, next string) error {
	if err == nil {
		s.flash(c, done)
		if next == "" {
			next = c.Params("id")
		}
		return c.Redirect("/quiz/exams/"+next, fiber.StatusSeeOther)
	}
	if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EFORBIDDEN {
		return err
	}
	p, perr := s.examResults(c)
	if perr != nil {
		return perr
	}
	if err := p.problem(err); err != nil {
		return err
	}
	if v := c.FormValue("closesAt"); v != "" {
		p.NewClose, p.MakeUpCloses = v, v
	}
	if v := c.FormValue("opensAt"); v != "" {
		p.MakeUpOpens = v
	}
	return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("quiz/exam_results", p, "layouts/main")
}

// formWindowTime reads a date and time typed in China's time. Errors: invalid.
func formWindowTime(v, field string) (time.Time, error) {
	t, err := time.ParseInLocation(formTime, strings.TrimSpace(v), gridskill.ChinaZone())
	if err != nil {
		e := gridskill.Errorf(gridskill.EINVALID, "enter the window as a date and time")
		e.Fields = []gridskill.FieldError{{Field: field, Reason: "enter the window as a date and time"}}
		return time.Time{}, e
	}
	return t, nil
}

type examSamplePage struct {
	Page
	Exam      quiz.Exam
	Questions []examSampleRow
	Next      uint64
}

type examSampleRow struct {
	quiz.SampleQuestion
	N   int
	Key string
}

// examAdminSample shows a paper of the exam as a worker could draw it, with
// the keys; another draw is one link away.
func (s *Server) examAdminSample(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	e, err := s.quiz.Exam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	seed, _ := strconv.ParseUint(c.Query("draw", "1"), 10, 64)
	qs, err := s.quiz.SamplePaper(c.UserContext(), u, e.ID, seed)
	if err != nil {
		return err
	}
	p := examSamplePage{Page: s.page(c, "Sample paper"), Exam: e, Next: seed + 1}
	for i, q := range qs {
		p.Questions = append(p.Questions, examSampleRow{SampleQuestion: q, N: i + 1, Key: q.Record().Answer})
	}
	return c.Render("quiz/exam_sample", p, "layouts/main")
}
