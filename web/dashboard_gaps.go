package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gridskill/dashboard"
	"gridskill/notify"
)

type gapsPage struct {
	Page
	H dashboard.Heatmap
}

// CellHref opens a cell.
func (p gapsPage) CellHref(unitID, tag string) string {
	return "/dashboard/gaps/cell?" + url.Values{"unit": {unitID}, "tag": {tag}}.Encode()
}

// dashboardGaps is the knowledge-gap heatmap: correct rate by topic × unit.
func (s *Server) dashboardGaps(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	h, err := s.board().Heatmap(c.UserContext(), u, c.Query("unit"))
	if err != nil {
		return err
	}
	return c.Render("dashboard/gaps", gapsPage{Page: s.page(c, "Knowledge gaps"), H: h}, "layouts/main")
}

type gapCellPage struct {
	Page
	D         dashboard.CellDetail
	Threshold int
}

// dashboardGapCell opens one cell: its weakest questions and weak workers.
func (s *Server) dashboardGapCell(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	d, err := s.board().Cell(c.UserContext(), u, c.Query("unit"), c.Query("tag"))
	if err != nil {
		return err
	}
	return c.Render("dashboard/cell", gapCellPage{Page: s.page(c, "Knowledge gaps"), D: d, Threshold: dashboard.Threshold}, "layouts/main")
}

func cellBack(d dashboard.CellDetail) string {
	return "/dashboard/gaps/cell?" + url.Values{"unit": {d.Scope.ID}, "tag": {d.Tag}}.Encode()
}

// dashboardGapPractice gives the weak workers of a cell a drill of its topic.
func (s *Server) dashboardGapPractice(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	d, err := s.board().Cell(c.UserContext(), u, c.FormValue("unit"), c.FormValue("tag"))
	if err != nil {
		return err
	}
	p := s.page(c, "Knowledge gaps")
	sent, err := s.notify.Remind(c.UserContext(), u, notify.Reminder{
		Key: "drill:" + d.Scope.ID + ":" + d.Tag, Workers: d.Weak(),
		Text: "Targeted practice assigned: %s", Args: []string{d.Tag},
		Link:    "/practice/question?" + url.Values{"mode": {"tag"}, "tag": {d.Tag}}.Encode(),
		Message: p.T("Targeted practice assigned: %s", d.Tag),
	})
	if err != nil {
		return err
	}
	s.flash(c, p.T("Targeted practice sent to %d people", sent.Notices))
	return c.Redirect(cellBack(d), fiber.StatusSeeOther)
}

// dashboardGapRetrain assigns the cell's module to its unit again and tells
// the weak workers.
func (s *Server) dashboardGapRetrain(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	m, weak, err := s.board().Retrain(ctx, u, c.FormValue("unit"), c.FormValue("tag"), c.FormValue("module"))
	if err != nil {
		return err
	}
	p := s.page(c, "Knowledge gaps")
	n := 0
	if len(weak) > 0 {
		sent, err := s.notify.Remind(ctx, u, notify.Reminder{
			Key: "retrain:" + c.FormValue("unit") + ":" + m.ID, Workers: weak,
			Text: "Please study %s again", Args: []string{m.Title}, Link: "/learn/" + m.ID,
			Message: p.T("Please study %s again", m.Title),
		})
		if err != nil {
			return err
		}
		n = sent.Notices
	}
	s.flash(c, p.T("%s assigned again; %d people told", m.Title, n))
	return c.Redirect("/dashboard/gaps/cell?"+url.Values{"unit": {c.FormValue("unit")}, "tag": {c.FormValue("tag")}}.Encode(), fiber.StatusSeeOther)
}

type cellJSON struct {
	Tag     string `json:"tag"`
	Right   int    `json:"right"`
	Wrong   int    `json:"wrong"`
	Percent *int   `json:"percent"`
}

// apiDashboardGaps is the heatmap as JSON.
func (s *Server) apiDashboardGaps(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	h, err := s.board().Heatmap(c.UserContext(), u, c.Query("unit"))
	if err != nil {
		return err
	}
	type rowJSON struct {
		Unit  unitJSON   `json:"unit"`
		Cells []cellJSON `json:"cells"`
	}
	row := func(r dashboard.HeatRow) rowJSON {
		out := rowJSON{Unit: unitJSON{r.Unit.ID, r.Unit.Name, r.Unit.Kind}, Cells: []cellJSON{}}
		for _, c := range r.Cells {
			j := cellJSON{Tag: c.Tag, Right: c.Right, Wrong: c.Wrong}
			if rate := c.Rate(); rate >= 0 {
				j.Percent = &rate
			}
			out.Cells = append(out.Cells, j)
		}
		return out
	}
	units := []rowJSON{}
	for _, r := range h.Rows {
		units = append(units, row(r))
	}
	return c.JSON(fiber.Map{"tags": h.Tags, "total": row(h.Total), "units": units})
}
