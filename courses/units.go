package courses

import (
	"context"
	"slices"

	"gridskill"
)

// UnitRecords names what courses keep about the given units, for a unit
// that is to be merged or deleted: modules it owns and modules assigned to
// it. Each is a catalogue key.
func (s *Service) UnitRecords(ctx context.Context, ids []string) ([]string, error) {
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var why []string
	for _, m := range c.modules {
		if slices.Contains(ids, m.OwnerUnitID) {
			why = append(why, "course modules belong to it")
			break
		}
	}
	for _, a := range c.assignments {
		if slices.Contains(ids, a.UnitID) {
			why = append(why, "course modules are assigned to it")
			break
		}
	}
	return why, nil
}
