package people

import (
	"context"
	"slices"
	"strings"
)

// ByPhones returns the accounts with the given phone numbers, keyed by
// phone, for matching a training sign-in sheet, from the accounts held in
// memory (a find by phone scans the users collection). Callers check scope.
// Errors: internal.
func (s *Service) ByPhones(ctx context.Context, phones []string) (map[string]User, error) {
	out := map[string]User{}
	if len(phones) == 0 {
		return out, nil
	}
	if err := s.Load(ctx); err != nil {
		return nil, err
	}
	for _, p := range phones {
		if d, ok := s.dir.byPhoneNumber(p); ok {
			out[d.Phone] = d.user()
		}
	}
	return out, nil
}

// Workers returns every active grid worker in the subtree of scopeID, for
// completion reports, ordered by id, from the accounts held in memory: the
// dashboards, exam analyses and reports that ask for them on every view
// scanned the users collection each time. Callers check the actor may see
// that subtree. Errors: internal.
func (s *Service) Workers(ctx context.Context, scopeID string) ([]User, error) {
	if err := s.Load(ctx); err != nil {
		return nil, err
	}
	docs := s.dir.matching(func(u userDoc) bool {
		return u.Role == string(Worker) && u.Active && InScope(u.UnitPath, scopeID)
	})
	slices.SortFunc(docs, func(a, b userDoc) int { return strings.Compare(a.ID, b.ID) })
	out := make([]User, len(docs))
	for i, d := range docs {
		out[i] = d.user()
	}
	return out, nil
}
