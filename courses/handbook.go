package courses

import (
	"context"

	"gridskill"
	"gridskill/people"
)

// Handbook is every published module a unit's workers study, as one book
// for offline study (全科网格一本通).
type Handbook struct {
	Unit     people.Unit
	Versions []Version
}

// Minutes is the handbook's total study time.
func (h Handbook) Minutes() int {
	n := 0
	for _, v := range h.Versions {
		n += v.Minutes
	}
	return n
}

// Handbook returns the published modules that the workers of a unit (the
// actor's own when unitID is empty) may study, each at its published
// version with its lessons, in catalogue order. The actor reads their own
// unit, or a unit inside the area they teach. Errors: invalid, not_found, forbidden.
func (s *Service) Handbook(ctx context.Context, actor people.User, unitID string) (Handbook, error) {
	if unitID == "" {
		unitID = actor.UnitID
	}
	if len(unitID) > 64 {
		return Handbook{}, gridskill.Errorf(gridskill.EINVALID, "malformed unit id")
	}
	unit, err := s.people.Unit(ctx, unitID)
	if err != nil {
		return Handbook{}, err
	}
	if unitID != actor.UnitID && !actor.CanTeach(unit.Path) {
		return Handbook{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return Handbook{}, err
	}
	reader := people.User{Active: true, Role: people.Worker, UnitID: unit.ID, UnitPath: unit.Path}
	h := Handbook{Unit: unit}
	for _, id := range c.order {
		m := c.modules[id]
		if m.Published == nil || !canRead(reader, m) {
			continue
		}
		d, err := s.repo.version(ctx, m.ID, m.Published.Version)
		if err != nil {
			return Handbook{}, err
		}
		h.Versions = append(h.Versions, d.version())
	}
	return h, nil
}
