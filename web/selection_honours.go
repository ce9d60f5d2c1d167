package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/selection"
)

// transcriptHonours are the honours shown on a transcript the viewer may
// already read (certify checked it): the worker's own and their grid's.
func (s *Server) transcriptHonours(c *fiber.Ctx, workerID string) ([]selection.Honour, error) {
	if s.selection == nil {
		return nil, nil
	}
	w, err := s.people.User(c.UserContext(), workerID)
	if err != nil {
		return nil, err
	}
	return s.selection.Honours(c.UserContext(), w)
}
