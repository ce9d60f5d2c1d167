package contest

import (
	"context"
	"fmt"
	"io"
	"slices"

	"gridskill"
	"gridskill/people"
	"gridskill/sheet"
)

// Columns of a participant list, as in the roster.
const (
	ColPhone = "手机号"
	ColTeam  = "队伍"
)

// ImportParticipants makes the workers listed in a spreadsheet (XLSX or
// CSV, a 手机号 column, an optional 队伍 column) the participants. With a
// 队伍 column the named teams replace the communities. The whole list is
// checked first; problems are reported per row and change nothing. Errors:
// invalid (with row details), not_found, forbidden, conflict while a round
// is live.
func (s *Service) ImportParticipants(ctx context.Context, actor people.User, id string, r io.Reader, filename string) (Contest, error) {
	if c, err := s.managed(actor, id); err != nil {
		return Contest{}, err
	} else if err := s.participantsFixed(c); err != nil {
		return Contest{}, err
	}
	lim := sheet.DefaultLimits()
	lim.MaxRows = MaxParticipants
	tab, err := sheet.Read(r, filename, lim)
	if err != nil {
		return Contest{}, err
	}
	phoneCol, teamCol := tab.Col(ColPhone), tab.Col(ColTeam)
	if phoneCol < 0 {
		return Contest{}, &gridskill.Error{Code: gridskill.EINVALID, Message: "column missing from the header", Format: "column missing from the header",
			Fields: []gridskill.FieldError{{Row: 1, Field: ColPhone, Reason: "column missing from the header"}}}
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Contest{}, err
	}
	var problems []gridskill.FieldError
	var participants []Participant
	var teams []Team
	seen := map[string]bool{}
	for _, row := range tab.Rows {
		phone := people.NormalizePhone(row.Cell(phoneCol))
		w, ok, err := s.people.InAreaByPhone(ctx, actor, phone)
		if err != nil {
			return Contest{}, err
		}
		switch {
		case phone == "" || !ok || !w.Active || w.Role != people.Worker:
			problems = append(problems, gridskill.FieldError{Row: row.Line, Field: ColPhone, Reason: "no active worker in your area has this phone number"})
			continue
		case seen[w.ID]:
			problems = append(problems, gridskill.FieldError{Row: row.Line, Field: ColPhone, Reason: "listed twice"})
			continue
		}
		seen[w.ID] = true
		team := Team{ID: communityOf(tree, w).ID, Name: communityOf(tree, w).Name}
		if teamCol >= 0 {
			name := row.Cell(teamCol)
			if name == "" {
				problems = append(problems, gridskill.FieldError{Row: row.Line, Field: ColTeam, Reason: "the team is empty"})
				continue
			}
			team = Team{ID: "team-" + name, Name: name}
			if err := team.Validate(); err != nil {
				problems = append(problems, gridskill.RowProblem(err, row.Line, ColTeam))
				continue
			}
		}
		if !slices.ContainsFunc(teams, func(t Team) bool { return t.ID == team.ID }) {
			teams = append(teams, team)
		}
		participants = append(participants, Participant{ID: w.ID, Name: w.Name, UnitID: w.UnitID, TeamID: team.ID})
	}
	if len(problems) > 0 {
		return Contest{}, &gridskill.Error{Code: gridskill.EINVALID, Message: "the list has problems; nothing was changed",
			Format: "the list has problems; nothing was changed", Fields: problems}
	}
	if len(participants) == 0 {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the list names no one")
	}
	return s.change(ctx, actor, id, Act{"Participants imported", fmt.Sprint(len(participants))}, func(c *Contest) error {
		if err := s.participantsFixed(*c); err != nil {
			return err
		}
		keepCaptains(teams, c.Teams)
		c.Participants, c.Teams, c.UnitIDs, c.Advanced = participants, teams, nil, nil
		return nil
	})
}
