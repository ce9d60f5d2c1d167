package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/people"
)

// homeExams lists on a worker's home page the exams open to them, with
// their attempts left, best score and the attempt in progress.
func (s *Server) homeExams(c *fiber.Ctx, p *homePage) {
	if u, ok := currentUser(c); ok && u.Role == people.Worker {
		p.Exams = s.examCards(c)
	}
}
