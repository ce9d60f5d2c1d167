package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/rotation"
)

// recordPlacements adds the worker's placements to their learning record,
// and whether the viewer may record one (an admin of the worker's area).
func (s *Server) recordPlacements(c *fiber.Ctx, p *recordPage) error {
	if s.rotation == nil {
		return nil
	}
	u, _ := currentUser(c)
	list, err := s.rotation.Placements(c.UserContext(), u, p.Record.WorkerID)
	if err != nil {
		return err
	}
	p.Placements = list
	if p.Record.WorkerID != u.ID {
		if w, err := s.people.User(c.UserContext(), p.Record.WorkerID); err == nil {
			p.CanPlace = u.CanAdminister(w.UnitPath)
		}
	}
	return nil
}

// PlacementKind is the translated name of a kind of placement.
func (p recordPage) PlacementKind(k rotation.Kind) string {
	if k == rotation.Rotate {
		return p.T("Rotation (轮岗)")
	}
	return p.T("Learning on the job (跟班学习)")
}
