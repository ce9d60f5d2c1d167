package certify

import (
	"context"
	"slices"

	"gridskill"
)

// Checklists tells whether a practical task checklist exists, for programs
// that require one accepted (practical.Service).
type Checklists interface {
	ChecklistExists(ctx context.Context, id string) (bool, error)
}

// checkChecklists refuses required checklists that do not exist, unless the
// program already required them. Nothing is checked while none is wired.
// Errors: invalid, internal.
func (s *Service) checkChecklists(ctx context.Context, p, old Program) error {
	if s.Checklists == nil {
		return nil
	}
	for _, id := range p.Requirements.Checklists {
		if slices.Contains(old.Requirements.Checklists, id) {
			continue
		}
		ok, err := s.Checklists.ChecklistExists(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return gridskill.Errorf(gridskill.EINVALID, "there is no checklist %q", id)
		}
	}
	return nil
}
