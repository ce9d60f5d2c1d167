package certify

import (
	"context"

	"gridskill/people"
)

// Holdings returns the unrevoked certificates in the admin actor's area (or
// the given unit in it) with their states, for leaders' dashboards and
// reminders. Errors: forbidden, not_found.
func (s *Service) Holdings(ctx context.Context, actor people.User, unitID string) ([]Held, error) {
	return s.heldIn(ctx, actor, unitID)
}
