package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/scoring"
	"gridskill/selection"
)

type partJSON struct {
	Criterion scoring.Criterion `json:"criterion"`
	Value     float64           `json:"value"`
	Points    float64           `json:"points"`
	Weight    float64           `json:"weight"`
	Adds      float64           `json:"adds"`
}

type candidateJSON struct {
	Worker    taskPersonJSON `json:"worker"`
	Total     float64        `json:"total"`
	Rank      int            `json:"rank"`
	Parts     []partJSON     `json:"parts"`
	Nominated bool           `json:"nominated"`
}

type gridJSON struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Total     float64 `json:"total"`
	Rank      int     `json:"rank"`
	Nominated bool    `json:"nominated"`
}

type weightJSON struct {
	Criterion scoring.Criterion `json:"criterion"`
	Weight    float64           `json:"weight"`
}

type selectionJSON struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Year       int             `json:"year"`
	Weights    []weightJSON    `json:"weights"`
	Approved   bool            `json:"approved"`
	Candidates []candidateJSON `json:"candidates,omitempty"`
	Grids      []gridJSON      `json:"grids,omitempty"`
}

func selectionOut(e selection.Evaluation) selectionJSON {
	out := selectionJSON{ID: e.ID, Title: e.Title, Year: e.Year, Weights: []weightJSON{}, Approved: e.Approved}
	for _, w := range e.Weights {
		out.Weights = append(out.Weights, weightJSON(w))
	}
	return out
}

func (s *Server) apiSelections(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.selection.Evaluations(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := struct {
		Selections []selectionJSON `json:"selections"`
	}{Selections: []selectionJSON{}}
	for _, e := range list {
		out.Selections = append(out.Selections, selectionOut(e))
	}
	return c.JSON(out)
}

func (s *Server) apiSelectionCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Title   string       `json:"title"`
		Year    int          `json:"year"`
		Weights []weightJSON `json:"weights"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sin := selection.Input{Title: in.Title, Year: in.Year}
	for _, w := range in.Weights {
		sin.Weights = append(sin.Weights, scoring.Weight{Criterion: w.Criterion, Weight: w.Weight})
	}
	e, err := s.selection.Create(c.UserContext(), u, sin)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(selectionOut(e))
}

// apiSelection is the ranked, explained list of workers and grids.
func (s *Server) apiSelection(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	e, cands, grids, err := s.selection.Ranking(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	out := selectionOut(e)
	out.Candidates, out.Grids = []candidateJSON{}, []gridJSON{}
	for _, cd := range cands {
		cj := candidateJSON{Worker: taskPersonJSON{ID: cd.Worker.ID, Name: cd.Worker.Name}, Total: cd.Total, Rank: cd.Rank, Nominated: cd.Nominated}
		for _, p := range cd.Parts {
			cj.Parts = append(cj.Parts, partJSON(p))
		}
		out.Candidates = append(out.Candidates, cj)
	}
	for _, g := range grids {
		out.Grids = append(out.Grids, gridJSON{ID: g.Unit.ID, Name: g.Unit.Name, Total: g.Total, Rank: g.Rank, Nominated: g.Nominated})
	}
	return c.JSON(out)
}

func (s *Server) apiSelectionAppraise(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Worker string  `json:"worker"`
		Score  float64 `json:"score"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.selection.Appraise(c.UserContext(), u, c.Params("id"), in.Worker, in.Score); err != nil {
		return err
	}
	return c.JSON(struct {
		Saved bool `json:"saved"`
	}{true})
}

func (s *Server) apiSelectionNominate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Holder string `json:"holder"`
		On     bool   `json:"on"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.selection.Nominate(c.UserContext(), u, c.Params("id"), in.Holder, in.On); err != nil {
		return err
	}
	return c.JSON(struct {
		Saved bool `json:"saved"`
	}{true})
}

func (s *Server) apiSelectionApprove(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	hons, err := s.selection.Approve(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	type honourJSON struct {
		Title  string `json:"title"`
		Year   int    `json:"year"`
		Holder string `json:"holder"`
		ID     string `json:"holderId"`
	}
	out := struct {
		Honours []honourJSON `json:"honours"`
	}{Honours: []honourJSON{}}
	for _, h := range hons {
		out.Honours = append(out.Honours, honourJSON{h.Title, h.Year, h.Holder, h.HolderID})
	}
	return c.JSON(out)
}
