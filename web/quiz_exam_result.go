package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"gridskill/certify"
	"gridskill/courses"
	"gridskill/quiz"
	"gridskill/scoring"
)

type examResultPage struct {
	Page
	Review    quiz.AttemptReview
	Submitted string
	Events    []string
	// Items are the questions shown: all, or only the wrong ones.
	Items     []quiz.ReviewItem
	OnlyWrong bool
	Wrong     int
	// Certificates are the worker's own certificates that ask for this exam.
	Certificates []certify.Held
	// Restudy are the modules that teach what the paper's wrong answers were about.
	Restudy []courses.Module
	// Module is the module the exam assesses.
	Module *courses.Module
}

// examResultPage shows a finished attempt's score, the certificate it
// earned, the modules to study again and, when the exam allows, each
// question with the key and the explanation (?only=wrong: the wrong ones).
func (s *Server) examResultPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	rv, err := s.quiz.Review(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	p := examResultPage{Page: s.page(c, "Exam result"), Review: rv, Submitted: localTime(rv.Result.SubmittedAt), OnlyWrong: c.Query("only") == "wrong"}
	for _, ev := range rv.Events {
		p.Events = append(p.Events, localTime(ev.At)+" "+p.T(ev.Kind))
	}
	for _, it := range rv.Items {
		if !it.Correct {
			p.Wrong++
		}
		if !p.OnlyWrong || !it.Correct {
			p.Items = append(p.Items, it)
		}
	}
	if rv.Result.UserID == u.ID {
		if p.Certificates, err = s.examCertificates(c, rv); err != nil {
			return err
		}
		if p.Restudy, err = s.examRestudy(c, rv.Missed); err != nil {
			return err
		}
		if e, err := s.quiz.Exam(c.UserContext(), u, rv.Result.ExamID); err == nil {
			p.Module = s.examModule(c, e.ModuleID)
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("quiz/result", p, "layouts/main")
}

// examCertificates lists the worker's certificates whose program asks for
// the attempt's exam, after a passed attempt.
func (s *Server) examCertificates(c *fiber.Ctx, rv quiz.AttemptReview) ([]certify.Held, error) {
	if !rv.Result.Passed || s.certify == nil {
		return nil, nil
	}
	u, _ := currentUser(c)
	mine, err := s.certify.Mine(c.UserContext(), u)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(mine, func(h certify.Held) bool {
		return !slices.ContainsFunc(h.Requirements.Exams, func(r scoring.ExamReq) bool { return r.ExamID == rv.Exam.ID })
	}), nil
}

// examRestudy lists the published modules visible to the worker whose
// check tags name a tag of the paper's wrong answers, most missed first.
func (s *Server) examRestudy(c *fiber.Ctx, missed []string) ([]courses.Module, error) {
	if len(missed) == 0 || s.courses == nil {
		return nil, nil
	}
	u, _ := currentUser(c)
	mods, err := s.courses.Visible(c.UserContext(), u)
	if err != nil {
		return nil, err
	}
	var out []courses.Module
	for _, t := range missed {
		for _, m := range mods {
			if m.Published != nil && slices.Contains(m.Published.CheckTags, t) && !slices.ContainsFunc(out, func(x courses.Module) bool { return x.ID == m.ID }) {
				out = append(out, m)
			}
		}
	}
	return out[:min(len(out), 3)], nil
}
