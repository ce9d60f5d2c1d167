package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gridskill/dashboard"
	"gridskill/people"
)

// overview is the dashboard part of a page: the numbers of a unit and of
// the units below it, a bar chart by unit and the twelve-month trend.
type overview struct {
	O      dashboard.Overview
	Chart  string // which share the bars show
	Charts []chartChoice
	Bars   barChart
	Trend  trendChart
}

type chartChoice struct{ Key, Label string }

type dashboardPage struct {
	Page
	Board overview
}

// chartKinds are the shares a bar chart can show, with their labels.
func chartKinds() []chartChoice {
	return []chartChoice{{"required", "Required modules completed"}, {"certified", "Certified"}, {"sat", "Sat an exam"}, {"passed", "Passed (of those who sat)"}}
}

// dashboardHome is the leaders' dashboard of a unit in the admin's area.
func (s *Server) dashboardHome(c *fiber.Ctx) error {
	p := dashboardPage{Page: s.page(c, "Dashboard")}
	ov, err := s.overviewOf(c, &p.Page, c.Query("unit"), c.Query("chart"))
	if err != nil {
		return err
	}
	p.Board = ov
	return c.Render("dashboard/overview", p, "layouts/main")
}

// overviewOf computes the dashboard of a unit and draws its charts.
func (s *Server) overviewOf(c *fiber.Ctx, p *Page, unitID, chart string) (overview, error) {
	u, _ := currentUser(c)
	o, err := s.board().Overview(c.UserContext(), u, unitID)
	if err != nil {
		return overview{}, err
	}
	ov := overview{O: o, Chart: "required"}
	for _, k := range chartKinds() {
		ov.Charts = append(ov.Charts, chartChoice{k.Key, p.T(k.Label)})
		if k.Key == chart {
			ov.Chart = chart
		}
	}
	var bars []bar
	title := ""
	for _, k := range ov.Charts {
		if k.Key == ov.Chart {
			title = k.Label
		}
	}
	for _, r := range o.Rows {
		bars = append(bars, bar{Label: r.Unit.Name, Value: share(r, ov.Chart), Href: drillHref(r.Unit, ov.Chart)})
	}
	ov.Bars = newBarChart(title, bars)
	var labels []string
	var sat, done []int
	for _, m := range o.Trend {
		labels, sat, done = append(labels, m.Label), append(sat, m.Sittings), append(done, m.Completions)
	}
	ov.Trend = newTrendChart(p.T("The last twelve months"), p.T("Exams sat"), p.T("Modules completed"), labels, sat, done)
	return ov, nil
}

func share(r dashboard.Row, kind string) int {
	switch kind {
	case "certified":
		return r.CertifiedPct()
	case "sat":
		return r.SatPct()
	case "passed":
		return r.PassPct()
	}
	return r.RequiredPct()
}

// drillHref opens the dashboard of a unit below; a grid has nothing below,
// so its bar opens its people.
func drillHref(u people.Unit, chart string) string {
	if u.Kind == people.Grid {
		return "/dashboard/people?metric=workers&unit=" + url.QueryEscape(u.ID)
	}
	return "/dashboard?unit=" + url.QueryEscape(u.ID) + "&chart=" + url.QueryEscape(chart)
}

// homeDashboard puts the admin's own dashboard on their home page.
func (s *Server) homeDashboard(c *fiber.Ctx, p *homePage) error {
	u, _ := currentUser(c)
	if !u.Role.IsAdmin() {
		return nil
	}
	ov, err := s.overviewOf(c, &p.Page, "", c.Query("chart"))
	if err != nil {
		return err
	}
	p.Dashboard = &ov
	return nil
}

// apiDashboard is the dashboard as JSON.
func (s *Server) apiDashboard(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	o, err := s.board().Overview(c.UserContext(), u, c.Query("unit"))
	if err != nil {
		return err
	}
	return c.JSON(newOverviewJSON(o))
}

type dashRowJSON struct {
	Unit         unitJSON `json:"unit"`
	Workers      int      `json:"workers"`
	RequiredDone int      `json:"requiredDone"`
	Certified    int      `json:"certified"`
	Expiring     int      `json:"expiring90"`
	Sat          int      `json:"sat"`
	Passed       int      `json:"passed"`
	OnlineHours  float64  `json:"onlineHours"`
	OfflineHours float64  `json:"offlineHours"`
	Contestants  int      `json:"contestants"`
	Awarded      int      `json:"awarded"`
}

type monthJSON struct {
	Month        string `json:"month"`
	Completions  int    `json:"completions"`
	Sittings     int    `json:"sittings"`
	Passes       int    `json:"passes"`
	Certificates int    `json:"certificates"`
}

type overviewJSON struct {
	Total dashRowJSON   `json:"total"`
	Units []dashRowJSON `json:"units"`
	Trend []monthJSON   `json:"trend"`
}

func newDashRowJSON(r dashboard.Row) dashRowJSON {
	return dashRowJSON{Unit: unitJSON{r.Unit.ID, r.Unit.Name, r.Unit.Kind}, Workers: r.Workers, RequiredDone: r.RequiredDone,
		Certified: r.Certified, Expiring: r.Expiring, Sat: r.Sat, Passed: r.Passed, OnlineHours: r.Online, OfflineHours: r.Offline, Contestants: r.Contestants, Awarded: r.Awarded}
}

func newOverviewJSON(o dashboard.Overview) overviewJSON {
	out := overviewJSON{Total: newDashRowJSON(o.Total), Units: []dashRowJSON{}}
	for _, r := range o.Rows {
		out.Units = append(out.Units, newDashRowJSON(r))
	}
	for _, m := range o.Trend {
		out.Trend = append(out.Trend, monthJSON{m.Label, m.Completions, m.Sittings, m.Passes, m.Certificates})
	}
	return out
}
