package web

import (
	"io/fs"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
	"gridskill/quiz"
)

type examCard struct {
	quiz.Exam
	Closes  string
	Minutes int
	// OpenID is the worker's attempt in progress, if any.
	OpenID string
	Tries  int
	Left   int
	// Counted is the attempt that counts, Best the highest score.
	Counted  *quiz.AttemptResult
	Best     *quiz.AttemptResult
	CanStart bool
}

type examListPage struct {
	Page
	Exams []examCard
}

// examListPage lists the exams open to the worker, with their own results.
func (s *Server) examListPage(c *fiber.Ctx) error {
	p := examListPage{Page: s.page(c, "Exams"), Exams: s.examCards(c)}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("quiz/exam_list", p, "layouts/main")
}

// examCards are the exams open to the worker, each with the attempts left,
// the best score and the attempt in progress.
func (s *Server) examCards(c *fiber.Ctx) []examCard {
	u, _ := currentUser(c)
	var cards []examCard
	for _, e := range s.quiz.OpenExams(c.UserContext(), u) {
		card := examCard{Exam: e, Closes: localTime(e.ClosesAt), Minutes: int(e.Duration.Minutes())}
		card.OpenID, _ = s.quiz.OpenAttempt(u, e.ID)
		rs := s.quiz.Results(u, e.ID)
		card.Tries = len(rs)
		card.Left = max(0, e.MaxAttempts-len(rs))
		if card.OpenID != "" {
			card.Left = max(0, card.Left-1) // the one in progress is used
		}
		if r, ok := quiz.Counted(e, rs); ok {
			card.Counted = &r
			best := quiz.Best(rs)
			card.Best = &best
		}
		card.CanStart = card.OpenID != "" || card.Tries < e.MaxAttempts
		cards = append(cards, card)
	}
	return cards
}

type examRulesPage struct {
	Page
	Exam    quiz.Exam
	Minutes int
	Closes  string
	Used    int
	Left    int
	OpenID  string
	Counted *quiz.AttemptResult
	// LastID is the worker's latest finished attempt, whose unsent answers
	// the page looks for on the phone.
	LastID string
	// Module is the published module the exam assesses, when the worker may read it.
	Module *courses.Module
}

// examRulesPage shows what an attempt at an exam means before it starts:
// questions, time, pass mark, attempts left and the screen-switch rule. Only
// its Start button (a POST) starts an attempt.
func (s *Server) examRulesPage(c *fiber.Ctx) error {
	p, err := s.examRules(c)
	if err != nil {
		return err
	}
	return c.Render("quiz/exam_rules", p, "layouts/main")
}

func (s *Server) examRules(c *fiber.Ctx) (examRulesPage, error) {
	u, _ := currentUser(c)
	e, err := s.quiz.Exam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return examRulesPage{}, err
	}
	rs := s.quiz.Results(u, e.ID)
	p := examRulesPage{Page: s.page(c, e.Title), Exam: e, Minutes: int(e.Duration.Minutes()), Closes: localTime(e.ClosesAt), Used: len(rs), Left: max(0, e.MaxAttempts-len(rs))}
	p.OpenID, _ = s.quiz.OpenAttempt(u, e.ID)
	if p.OpenID != "" {
		p.Left = max(0, p.Left-1) // the one in progress is used
	}
	if r, ok := quiz.Counted(e, rs); ok {
		p.Counted = &r
		p.LastID = rs[len(rs)-1].ID
	}
	p.Module = s.examModule(c, e.ModuleID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return p, nil
}

// examModule is the published module an exam assesses, for a link back to
// it, or nil when the exam names none or the viewer cannot read it.
func (s *Server) examModule(c *fiber.Ctx, moduleID string) *courses.Module {
	if moduleID == "" || s.courses == nil {
		return nil
	}
	u, _ := currentUser(c)
	m, _, err := s.courses.Published(c.UserContext(), u, moduleID)
	if err != nil {
		return nil
	}
	return &m
}

// examStart starts the worker's attempt (or finds the open one) and goes to
// the sitting; a refusal is shown on the rules page.
func (s *Server) examStart(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, _, err := s.quiz.Start(c.UserContext(), u, c.Params("id"))
	if err != nil {
		p, perr := s.examRules(c)
		if perr != nil {
			return perr
		}
		if err := p.problem(err); err != nil {
			return err
		}
		c.Status(statusOf[gridskill.ErrorCode(err)])
		return c.Render("quiz/exam_rules", p, "layouts/main")
	}
	return c.Redirect("/exams/"+c.Params("id")+"/sit", fiber.StatusSeeOther)
}

type examSitPage struct {
	Page
	Exam      quiz.Exam
	Minutes   int
	AttemptID string
}

// examSitPage is the phone exam page of the worker's open attempt; exam.js
// reads the attempt through the API and saves every answer as it is given.
// Without an open attempt it goes to the rules page: it never starts one, so
// Back or a reload after submitting cannot.
func (s *Server) examSitPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	e, err := s.quiz.Exam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	id, ok := s.quiz.OpenAttempt(u, e.ID)
	if !ok {
		return c.Redirect("/exams/"+e.ID, fiber.StatusSeeOther)
	}
	return c.Render("quiz/sit", examSitPage{Page: s.page(c, e.Title), Exam: e, Minutes: int(e.Duration.Minutes()), AttemptID: id}, "layouts/main")
}

// examServiceWorker serves the service worker from the site's root, so that
// its scope covers the sitting and result pages.
func (s *Server) examServiceWorker(static fs.FS) fiber.Handler {
	return func(c *fiber.Ctx) error {
		b, err := fs.ReadFile(static, "sw.js")
		if err != nil {
			return gridskill.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Send(b)
	}
}

// examOfflinePage is the page the service worker shows instead of the
// browser's error page when a sitting or a result cannot be loaded. It holds
// nobody's data, so the cached copy is safe for whoever uses the phone next.
func (s *Server) examOfflinePage(c *fiber.Ctx) error {
	p := s.page(c, "No network")
	p.User, p.CSRF, p.Flash = nil, "", ""
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Render("quiz/offline", p, "layouts/main")
}
