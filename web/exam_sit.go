package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/quiz"
	"gridskill/scoring"
)

type examCard struct {
	quiz.Exam
	Closes   string
	Minutes  int
	OpenID   string
	Tries    int
	Counted  *quiz.AttemptResult
	CanStart bool
}

type examListPage struct {
	Page
	Exams []examCard
}

// examListPage lists the exams open to the worker, with their own results.
func (s *Server) examListPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := examListPage{Page: s.page(c, "Exams")}
	for _, e := range s.quiz.OpenExams(c.UserContext(), u) {
		card := examCard{Exam: e, Closes: localTime(e.ClosesAt), Minutes: int(e.Duration.Minutes())}
		card.OpenID, _ = s.quiz.OpenAttempt(u, e.ID)
		rs := s.quiz.Results(u, e.ID)
		card.Tries = len(rs)
		if r, ok := quiz.Counted(e, rs); ok {
			card.Counted = &r
		}
		card.CanStart = card.OpenID != "" || card.Tries < e.MaxAttempts
		p.Exams = append(p.Exams, card)
	}
	return c.Render("quiz/exam_list", p, "layouts/main")
}

type examSitPage struct {
	Page
	Exam    quiz.Exam
	Minutes int
}

// examSitPage is the phone exam page; exam.js starts or resumes the attempt
// through the API and saves every answer as it is given.
func (s *Server) examSitPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	e, err := s.quiz.Exam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("quiz/sit", examSitPage{Page: s.page(c, e.Title), Exam: e, Minutes: int(e.Duration.Minutes())}, "layouts/main")
}

type examResultPage struct {
	Page
	Review    quiz.AttemptReview
	Submitted string
	Events    []string
}

// examResultPage shows a finished attempt's score and, when the exam allows,
// each question with the key and the explanation.
func (s *Server) examResultPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	rv, err := s.quiz.Review(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p := examResultPage{Page: s.page(c, "Exam result"), Review: rv, Submitted: localTime(rv.Result.SubmittedAt)}
	for _, ev := range rv.Events {
		p.Events = append(p.Events, localTime(ev.At)+" "+p.T(ev.Kind))
	}
	return c.Render("quiz/result", p, "layouts/main")
}

// Shown formats a given or right answer for reading.
func (p examResultPage) Shown(t scoring.QuestionType, v any) string {
	if a, ok := v.([]string); ok && t == scoring.TrueFalse && len(a) == 1 {
		v = a[0]
	}
	switch a := v.(type) {
	case string:
		switch a {
		case "":
			return p.T("(no answer)")
		case "T":
			return "对"
		case "F":
			return "错"
		}
		return a
	case []string:
		if len(a) == 0 {
			return p.T("(no answer)")
		}
		out := ""
		for i, x := range a {
			if i > 0 {
				out += " | "
			}
			out += x
		}
		return out
	}
	return p.T("(no answer)")
}

// Accepted formats the accepted answers of each blank.
func (p examResultPage) Accepted(b [][]string) string {
	out := ""
	for i, alts := range b {
		if i > 0 {
			out += " | "
		}
		for j, a := range alts {
			if j > 0 {
				out += " / "
			}
			out += a
		}
	}
	return out
}
