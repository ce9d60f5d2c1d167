package contest

import (
	"context"

	"gridskill/people"
)

// Sheet is what a printed result sheet or certificate shows: the contest,
// its standings and awards, the organizing unit's name and the judges'.
type Sheet struct {
	Contest   Contest
	Standings Standings
	Awards    []AwardRecord
	Organizer string
	Judges    []string
}

// PrintSheet gathers a contest's printable results. Its organizers only.
// Errors: invalid, not_found, forbidden, internal.
func (s *Service) PrintSheet(ctx context.Context, actor people.User, id string) (Sheet, error) {
	c, err := s.managed(actor, id)
	if err != nil {
		return Sheet{}, err
	}
	st, err := s.standings(ctx, c)
	if err != nil {
		return Sheet{}, err
	}
	awards, err := s.ContestAwards(ctx, actor, id)
	if err != nil {
		return Sheet{}, err
	}
	out := Sheet{Contest: c, Standings: st, Awards: awards}
	if tree, err := s.people.Tree(ctx); err == nil {
		if u, ok := tree.Unit(c.UnitID); ok {
			out.Organizer = u.Name
		}
	}
	seen := map[string]bool{}
	for _, r := range c.Rounds {
		for _, j := range r.Judges {
			if seen[j] {
				continue
			}
			seen[j] = true
			if u, err := s.people.User(ctx, j); err == nil {
				out.Judges = append(out.Judges, u.Name)
			}
		}
	}
	return out, nil
}
