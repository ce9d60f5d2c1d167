package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/rotation"
)

type batchJSON struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Sessions []string `json:"sessions"`
	People   []string `json:"people"`
}

type planJSON struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	CycleStart string      `json:"cycleStart"`
	CycleEnd   string      `json:"cycleEnd"`
	Batches    []batchJSON `json:"batches"`
}

type coverageJSON struct {
	Worker   taskPersonJSON `json:"worker"`
	Batch    string         `json:"batch,omitempty"`
	Attended bool           `json:"attended"`
}

func planOut(p rotation.Plan) planJSON {
	out := planJSON{ID: p.ID, Title: p.Title, CycleStart: p.CycleStart, CycleEnd: p.CycleEnd, Batches: []batchJSON{}}
	for _, b := range p.Batches {
		out.Batches = append(out.Batches, batchJSON{ID: b.ID, Title: b.Title, Start: b.Start, End: b.End, Sessions: orNone(b.Sessions), People: orNone(b.People)})
	}
	return out
}

func orNone(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Server) apiPlans(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.rotation.Plans(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := struct {
		Plans []planJSON `json:"plans"`
	}{Plans: []planJSON{}}
	for _, p := range list {
		out.Plans = append(out.Plans, planOut(p))
	}
	return c.JSON(out)
}

func (s *Server) apiPlanCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Title      string `json:"title"`
		CycleStart string `json:"cycleStart"`
		CycleEnd   string `json:"cycleEnd"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.rotation.CreatePlan(c.UserContext(), u, rotation.PlanInput{Title: in.Title, CycleStart: in.CycleStart, CycleEnd: in.CycleEnd})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(planOut(p))
}

// apiPlan is the plan with its coverage: every worker of its units, the
// batch they are in ("" when not scheduled yet) and their attendance.
func (s *Server) apiPlan(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p, rows, err := s.rotation.Coverage(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	out := struct {
		planJSON
		Coverage []coverageJSON `json:"coverage"`
	}{planOut(p), []coverageJSON{}}
	for _, r := range rows {
		cj := coverageJSON{Worker: taskPersonJSON{ID: r.Worker.ID, Name: r.Worker.Name}, Attended: r.Attended}
		if r.Batch != nil {
			cj.Batch = r.Batch.ID
		}
		out.Coverage = append(out.Coverage, cj)
	}
	return c.JSON(out)
}

func (s *Server) apiBatchAdd(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Title string `json:"title"`
		Start string `json:"start"`
		End   string `json:"end"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.rotation.AddBatch(c.UserContext(), u, c.Params("id"), rotation.BatchInput{Title: in.Title, Start: in.Start, End: in.End})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(planOut(p))
}

func (s *Server) apiSchedule(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Phones []string `json:"phones"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.rotation.Schedule(c.UserContext(), u, c.Params("id"), c.Params("batch"), in.Phones)
	if err != nil {
		return err
	}
	return c.JSON(planOut(p))
}

func (s *Server) apiLinkSession(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Session string `json:"session"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.rotation.LinkSession(c.UserContext(), u, c.Params("id"), c.Params("batch"), in.Session)
	if err != nil {
		return err
	}
	return c.JSON(planOut(p))
}

type placementJSON struct {
	ID         string        `json:"id"`
	Kind       rotation.Kind `json:"kind"`
	Place      string        `json:"place"`
	Start      string        `json:"start"`
	Days       int           `json:"days"`
	Evaluation string        `json:"evaluation"`
	Rating     int           `json:"rating"`
}

func placementOut(p rotation.Placement) placementJSON {
	return placementJSON{ID: p.ID, Kind: p.Kind, Place: p.Place, Start: p.Start, Days: p.Days, Evaluation: p.Evaluation, Rating: p.Rating}
}

func (s *Server) apiPlacementCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Worker     string        `json:"worker"`
		Kind       rotation.Kind `json:"kind"`
		Place      string        `json:"place"`
		Start      string        `json:"start"`
		Days       int           `json:"days"`
		Evaluation string        `json:"evaluation"`
		Rating     int           `json:"rating"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.rotation.RecordPlacement(c.UserContext(), u, in.Worker, rotation.PlacementInput{Kind: in.Kind, Place: in.Place, Start: in.Start, Days: in.Days, Evaluation: in.Evaluation, Rating: in.Rating})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(placementOut(p))
}

func (s *Server) apiPlacements(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.rotation.Placements(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	out := struct {
		Placements []placementJSON `json:"placements"`
	}{Placements: []placementJSON{}}
	for _, p := range list {
		out.Placements = append(out.Placements, placementOut(p))
	}
	return c.JSON(out)
}
