package contest

import (
	"context"
	"slices"
	"strings"

	"gridskill"
	"gridskill/people"
)

// The chain (community → street → district): a contest takes entrants from
// another contest's overall results, so the communities' contests feed the
// street's final and the streets' finals feed the district's. Community-level
// contests are organized by the street for its communities (participants
// chosen by community unit); no community role was added.

// Advancement is one entrant a contest took from another contest's results.
type Advancement struct {
	WorkerID    string `json:"workerId" bson:"worker"`
	Name        string `json:"name" bson:"name"`
	FromContest string `json:"fromContest" bson:"fromContest"`
	FromTitle   string `json:"fromTitle" bson:"fromTitle"`
	// Rank is the entrant's overall rank in the earlier contest.
	Rank int `json:"rank" bson:"rank"`
}

// Ways of taking the top N of another contest.
const (
	PerAll  = ""     // the top N overall
	PerTeam = "team" // the top N of each of its teams
	PerUnit = "unit" // the top N of each unit just below this contest's organizer
)

// Feed is a contest that took entrants from this one.
type Feed struct {
	ContestID string
	Title     string
	Count     int
}

// AdvanceFrom makes the top N of another contest's overall standings
// participants of this one (overall, per team of the earlier contest, or
// per unit just below this contest's organizer), beside those it has; a
// second call from the same contest replaces its entrants. The earlier
// contest must be run by the actor's area and have finished rounds. Teams
// here are the units just below the organizer: streets in a district's
// final, communities in a street's. Errors: invalid, not_found, forbidden,
// conflict (a round is live or has finished).
func (s *Service) AdvanceFrom(ctx context.Context, actor people.User, id, fromID string, topN int, per string) (Contest, error) {
	if topN < 1 || topN > MaxParticipants {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the number advancing must be at least 1")
	}
	if per != PerAll && per != PerTeam && per != PerUnit {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "advance the top N overall, per team or per unit")
	}
	c, err := s.managed(actor, id)
	if err != nil {
		return Contest{}, err
	}
	if fromID == id {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "a contest cannot take entrants from itself")
	}
	from, err := s.managed(actor, fromID)
	if err != nil {
		return Contest{}, err
	}
	st, err := s.standings(ctx, from)
	if err != nil {
		return Contest{}, err
	}
	if len(st.Overall) == 0 {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the earlier contest has no individual results yet")
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Contest{}, err
	}
	var picked []Advancement
	var workers []people.User
	counts := map[string]int{}
	for _, r := range st.Overall {
		w, err := s.people.User(ctx, r.ID)
		if err != nil || !w.Active {
			continue
		}
		group := ""
		switch per {
		case PerTeam:
			group = r.TeamID
		case PerUnit:
			group = unitBelow(tree, w, c.UnitID).ID
		}
		if counts[group] >= topN {
			continue
		}
		counts[group]++
		picked = append(picked, Advancement{WorkerID: r.ID, Name: r.Name, FromContest: from.ID, FromTitle: from.Title, Rank: r.Rank})
		workers = append(workers, w)
	}
	return s.change(ctx, actor, id, Act{"Entrants taken from another contest", from.Title}, func(c *Contest) error {
		if err := s.participantsFixed(*c); err != nil {
			return err
		}
		dropAdvanced(c, from.ID)
		for i, w := range workers {
			if _, ok := c.Participant(w.ID); !ok {
				team := unitBelow(tree, w, c.UnitID)
				if !slices.ContainsFunc(c.Teams, func(t Team) bool { return t.ID == team.ID }) {
					c.Teams = append(c.Teams, Team{ID: team.ID, Name: team.Name})
				}
				c.Participants = append(c.Participants, Participant{ID: w.ID, Name: w.Name, UnitID: w.UnitID, TeamID: team.ID})
			}
			c.Advanced = append(c.Advanced, picked[i])
		}
		if len(c.Participants) > MaxParticipants {
			return gridskill.Errorf(gridskill.EINVALID, "a contest has at most %d participants", MaxParticipants)
		}
		return nil
	})
}

// dropAdvanced removes the entrants taken from a contest, and those of them
// who are participants for no other reason.
func dropAdvanced(c *Contest, fromID string) {
	var gone []string
	c.Advanced = slices.DeleteFunc(c.Advanced, func(a Advancement) bool {
		if a.FromContest == fromID {
			gone = append(gone, a.WorkerID)
			return true
		}
		return false
	})
	c.Participants = slices.DeleteFunc(c.Participants, func(p Participant) bool {
		return slices.Contains(gone, p.ID) && !slices.ContainsFunc(c.Advanced, func(a Advancement) bool { return a.WorkerID == p.ID })
	})
	c.Teams = slices.DeleteFunc(c.Teams, func(t Team) bool { return len(c.Members(t.ID)) == 0 })
}

// unitBelow is the worker's unit just below the unit top in the tree (their
// street under a district, their community under a street), or their own
// unit when top is not above it.
func unitBelow(tree *people.Tree, w people.User, top string) people.Unit {
	path := append(slices.Clone(w.UnitPath), w.UnitID)
	if i := slices.Index(path, top); i >= 0 && i+1 < len(path) {
		if u, ok := tree.Unit(path[i+1]); ok {
			return u
		}
	}
	u, _ := tree.Unit(w.UnitID)
	return u
}

// Feeds lists the contests that took entrants from this one, for its page.
func (s *Service) Feeds(c Contest) []Feed {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Feed
	for _, o := range s.contests {
		n := 0
		for _, a := range o.Advanced {
			if a.FromContest == c.ID {
				n++
			}
		}
		if n > 0 {
			out = append(out, Feed{ContestID: o.ID, Title: o.Title, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b Feed) int { return strings.Compare(a.ContestID, b.ContestID) })
	return out
}
