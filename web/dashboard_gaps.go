package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gridskill/courses"
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

// gapPractice gives the weak workers of a cell a drill of its topic, in
// their notices and the unit's group robot (in the sender's language).
func (s *Server) gapPractice(c *fiber.Ctx, unitID, tag string) (dashboard.CellDetail, notify.Sent, error) {
	u, _ := currentUser(c)
	d, err := s.board().Cell(c.UserContext(), u, unitID, tag)
	if err != nil {
		return d, notify.Sent{}, err
	}
	p := s.page(c, "Knowledge gaps")
	sent, err := s.notify.Remind(c.UserContext(), u, notify.Reminder{
		Key: "drill:" + d.Scope.ID + ":" + d.Tag, Workers: d.Weak(),
		Text: "Targeted practice assigned: %s", Args: []string{d.Tag},
		Link:    "/practice/question?" + url.Values{"mode": {"tag"}, "tag": {d.Tag}}.Encode(),
		Message: p.T("Targeted practice assigned: %s", d.Tag),
	})
	return d, sent, err
}

// gapRetrain assigns a cell's module to its unit again and tells the weak workers.
func (s *Server) gapRetrain(c *fiber.Ctx, unitID, tag, moduleID string) (courses.Module, notify.Sent, error) {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	m, weak, err := s.board().Retrain(ctx, u, unitID, tag, moduleID)
	if err != nil || len(weak) == 0 {
		return m, notify.Sent{}, err
	}
	p := s.page(c, "Knowledge gaps")
	sent, err := s.notify.Remind(ctx, u, notify.Reminder{
		Key: "retrain:" + unitID + ":" + m.ID, Workers: weak,
		Text: "Please study %s again", Args: []string{m.Title}, Link: "/learn/" + m.ID,
		Message: p.T("Please study %s again", m.Title),
	})
	return m, sent, err
}

// dashboardGapPractice gives the weak workers of a cell a drill of its topic.
func (s *Server) dashboardGapPractice(c *fiber.Ctx) error {
	d, sent, err := s.gapPractice(c, c.FormValue("unit"), c.FormValue("tag"))
	if err != nil {
		return err
	}
	s.flash(c, s.page(c, "Knowledge gaps").T("Targeted practice sent to %d people", sent.Notices))
	return c.Redirect(cellBack(d), fiber.StatusSeeOther)
}

// dashboardGapRetrain assigns the cell's module to its unit again and tells
// the weak workers.
func (s *Server) dashboardGapRetrain(c *fiber.Ctx) error {
	m, sent, err := s.gapRetrain(c, c.FormValue("unit"), c.FormValue("tag"), c.FormValue("module"))
	if err != nil {
		return err
	}
	s.flash(c, s.page(c, "Knowledge gaps").T("%s assigned again; %d people told", m.Title, sent.Notices))
	return c.Redirect("/dashboard/gaps/cell?"+url.Values{"unit": {c.FormValue("unit")}, "tag": {c.FormValue("tag")}}.Encode(), fiber.StatusSeeOther)
}

// apiDashboardGapCell opens one cell as JSON: its weakest questions, the
// workers under the threshold and the modules that teach the topic.
func (s *Server) apiDashboardGapCell(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	d, err := s.board().Cell(c.UserContext(), u, c.Query("unit"), c.Query("tag"))
	if err != nil {
		return err
	}
	type weakJSON struct {
		Question string `json:"question"`
		Stem     string `json:"stem"`
		Workers  int    `json:"workers"`
		Misses   int    `json:"misses"`
	}
	type personJSON struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Unit    string `json:"unit"`
		Right   int    `json:"right"`
		Wrong   int    `json:"wrong"`
		Percent int    `json:"percent"`
	}
	type moduleJSON struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	out := struct {
		Unit      unitJSON     `json:"unit"`
		Tag       string       `json:"tag"`
		Cell      cellJSON     `json:"cell"`
		Threshold int          `json:"threshold"`
		Weakest   []weakJSON   `json:"weakest"`
		People    []personJSON `json:"people"`
		Modules   []moduleJSON `json:"modules"`
	}{Unit: unitJSON{d.Scope.ID, d.Scope.Name, d.Scope.Kind}, Tag: d.Tag, Cell: cellJSON{Tag: d.Tag, Right: d.Cell.Right, Wrong: d.Cell.Wrong},
		Threshold: dashboard.Threshold, Weakest: []weakJSON{}, People: []personJSON{}, Modules: []moduleJSON{}}
	if rate := d.Cell.Rate(); rate >= 0 {
		out.Cell.Percent = &rate
	}
	for _, w := range d.Weakest {
		out.Weakest = append(out.Weakest, weakJSON{w.QuestionID, w.Stem, w.Workers, w.Misses})
	}
	for _, p := range d.People {
		out.People = append(out.People, personJSON{p.Worker.ID, p.Worker.Name, p.Worker.UnitID, p.Right, p.Wrong, p.Rate()})
	}
	for _, m := range d.Modules {
		out.Modules = append(out.Modules, moduleJSON{m.ID, m.Title})
	}
	return c.JSON(out)
}

type gapActionJSON struct {
	Unit   string `json:"unit"`
	Tag    string `json:"tag"`
	Module string `json:"module"`
}

// apiDashboardGapPractice sends a cell's weak workers a drill of its topic:
// {"unit","tag"} → {"notices","robots","failed"}.
func (s *Server) apiDashboardGapPractice(c *fiber.Ctx) error {
	var in gapActionJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	_, sent, err := s.gapPractice(c, in.Unit, in.Tag)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notices": sent.Notices, "robots": sent.Robots, "failed": sent.Failed})
}

// apiDashboardGapRetrain assigns a cell's module to its unit again:
// {"unit","tag","module"} → {"module","notices","robots","failed"}.
func (s *Server) apiDashboardGapRetrain(c *fiber.Ctx) error {
	var in gapActionJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, sent, err := s.gapRetrain(c, in.Unit, in.Tag, in.Module)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"module": m.ID, "notices": sent.Notices, "robots": sent.Robots, "failed": sent.Failed})
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
