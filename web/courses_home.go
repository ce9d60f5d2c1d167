package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/people"
)

// homeCourses fills the home page's courses sections: a worker's learning
// (the cached catalogue and one summary document) and a trainer's modules.
func (s *Server) homeCourses(c *fiber.Ctx, p *homePage) error {
	if s.courses == nil {
		return nil
	}
	u, _ := currentUser(c)
	var err error
	switch u.Role {
	case people.Worker:
		p.Learning, err = s.courses.MyLearning(c.UserContext(), u)
	case people.Trainer:
		p.Modules, err = s.courses.Editable(c.UserContext(), u)
	}
	return err
}
