package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"gridskill/certify"
)

// checklistChoices are the practical checklists an admin may require in a
// program: those they may assign, and those the program requires already.
func (s *Server) checklistChoices(c *fiber.Ctx, required []string) ([]certify.Choice, error) {
	if s.practical == nil {
		return nil, nil
	}
	u, _ := currentUser(c)
	list, err := s.practical.Checklists(c.UserContext(), u)
	if err != nil {
		return nil, err
	}
	var out []certify.Choice
	for _, cl := range list {
		out = append(out, certify.Choice{ID: cl.ID, Title: cl.Title})
	}
	for _, id := range required {
		if !slices.ContainsFunc(out, func(ch certify.Choice) bool { return ch.ID == id }) {
			out = append(out, certify.Choice{ID: id, Title: id})
		}
	}
	return out, nil
}

// ChecklistChosen reports whether the program requires checklist id.
func (f programForm) ChecklistChosen(id string) bool { return slices.Contains(f.Checklists, id) }
