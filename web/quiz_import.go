package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/quiz"
)

type quizImportPage struct {
	Page
	Result *bankImport
}

// quizImportPage shows the upload form and the template links.
func (s *Server) quizImportPage(c *fiber.Ctx) error {
	return c.Render("quiz/import", quizImportPage{Page: s.page(c, "Import questions")}, "layouts/main")
}

// quizImportSubmit: check the whole file, then import; duplicates are listed
// and, without a choice, nothing is written.
func (s *Server) quizImportSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := quizImportPage{Page: s.page(c, "Import questions")}
	res, err := s.importQuestions(c, u)
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("quiz/import", p, "layouts/main")
	}
	p.Result = &res
	if !res.Written {
		c.Status(fiber.StatusConflict)
	}
	return c.Render("quiz/import", p, "layouts/main")
}

// quizTemplate sends the question bank template with one example per type.
func (s *Server) quizTemplate(c *fiber.Ctx) error {
	return sendSheet(c, c.Params("ext"), "题库模板", "题库", quiz.Header(), quiz.Examples())
}

// quizExport sends the questions the trainer can see (filtered like the bank
// page) in the template's columns, so the file imports back as it is.
func (s *Server) quizExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	qs, err := s.quiz.Export(c.UserContext(), u, quizFilter(c))
	if err != nil {
		return err
	}
	return sendSheet(c, c.Params("ext"), s.datedName("题库"), "题库", quiz.Header(), quiz.Rows(qs))
}
