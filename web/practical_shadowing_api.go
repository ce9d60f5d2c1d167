package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/practical"
)

type pairingJSON struct {
	Participant taskPersonJSON `json:"participant"`
	Host        taskPersonJSON `json:"host"`
	TaskID      string         `json:"taskId"`
	SignedOffAt *time.Time     `json:"signedOffAt,omitempty"`
	Reflection  string         `json:"reflection"`
	// Items done, for the organizer: accepted and recorded of all.
	Accepted *int `json:"accepted,omitempty"`
	Recorded *int `json:"recorded,omitempty"`
	Items    *int `json:"items,omitempty"`
}

type programmeJSON struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Date        string        `json:"date"`
	ChecklistID string        `json:"checklistId"`
	Prompt      string        `json:"prompt"`
	Pairings    []pairingJSON `json:"pairings"`
}

func pairingOut(pr practical.Pairing) pairingJSON {
	out := pairingJSON{Participant: taskPersonJSON{ID: pr.ParticipantID, Name: pr.ParticipantName}, Host: taskPersonJSON{ID: pr.HostID, Name: pr.HostName},
		TaskID: pr.TaskID, Reflection: pr.Reflection}
	if !pr.SignedOffAt.IsZero() {
		t := pr.SignedOffAt
		out.SignedOffAt = &t
	}
	return out
}

func programmeOut(p practical.Programme, rows []practical.SummaryRow) programmeJSON {
	out := programmeJSON{ID: p.ID, Title: p.Title, Date: p.Date, ChecklistID: p.ChecklistID, Prompt: p.Prompt, Pairings: []pairingJSON{}}
	if rows != nil {
		for _, r := range rows {
			pj := pairingOut(r.Pairing)
			pj.Accepted, pj.Recorded, pj.Items = &r.Accepted, &r.Recorded, &r.Items
			out.Pairings = append(out.Pairings, pj)
		}
		return out
	}
	for _, pr := range p.Pairings {
		out.Pairings = append(out.Pairings, pairingOut(pr))
	}
	return out
}

func (s *Server) apiProgrammes(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.practical.Programmes(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := struct {
		Programmes []programmeJSON `json:"programmes"`
	}{Programmes: []programmeJSON{}}
	for _, p := range list {
		out.Programmes = append(out.Programmes, programmeOut(p, nil))
	}
	return c.JSON(out)
}

func (s *Server) apiProgrammeCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Title       string `json:"title"`
		Date        string `json:"date"`
		ChecklistID string `json:"checklistId"`
		Prompt      string `json:"prompt"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.practical.CreateProgramme(c.UserContext(), u, practical.ProgrammeInput{Title: in.Title, Date: in.Date, ChecklistID: in.ChecklistID, Prompt: in.Prompt})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(programmeOut(p, nil))
}

// apiProgramme is the programme as the caller may see it; its organizers get
// each pairing's items done (the summary).
func (s *Server) apiProgramme(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	p, err := s.practical.Programme(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	if u.CanAdminister(p.UnitPath) {
		_, rows, err := s.practical.Summary(ctx, u, p.ID)
		if err != nil {
			return err
		}
		return c.JSON(programmeOut(p, rows))
	}
	return c.JSON(programmeOut(p, nil))
}

func (s *Server) apiPair(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Participant string `json:"participant"`
		Host        string `json:"host"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.practical.Pair(c.UserContext(), u, c.Params("id"), in.Participant, in.Host)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(programmeOut(p, nil))
}

func (s *Server) apiSignOff(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p, err := s.practical.SignOff(c.UserContext(), u, c.Params("id"), c.Params("participant"))
	if err != nil {
		return err
	}
	return c.JSON(programmeOut(p, nil))
}

func (s *Server) apiReflect(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Reflection string `json:"reflection"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.practical.Reflect(c.UserContext(), u, c.Params("id"), in.Reflection)
	if err != nil {
		return err
	}
	return c.JSON(programmeOut(p, nil))
}
