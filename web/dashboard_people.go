package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/dashboard"
	"gridskill/notify"
	"gridskill/people"
)

type dashboardPeoplePage struct {
	Page
	L       dashboard.List
	Heading string
	Query   string // the list's query string, for the export and the reminder
}

// metricLabels name each list.
var metricLabels = map[dashboard.Metric]string{
	dashboard.Workers:         "Workers",
	dashboard.RequiredDone:    "Completed every required module",
	dashboard.RequiredMissing: "Has not finished a required module",
	dashboard.Certified:       "Certified",
	dashboard.Uncertified:     "Not certified",
	dashboard.Expiring:        "Certificate expires within %d days",
	dashboard.Sat:             "Sat an exam in the last twelve months",
	dashboard.Unsat:           "Has not sat an exam",
	dashboard.Passed:          "Passed an exam",
	dashboard.Failed:          "Sat but passed no exam",
	dashboard.Trained:         "Training hours this year",
	dashboard.Contestants:     "Took part in a competition",
	dashboard.Awarded:         "Won a competition award",
}

// listQuery reads a list's query from the request (query string or form).
func listQuery(get func(string) string) (dashboard.Query, error) {
	q := dashboard.Query{Metric: dashboard.Metric(get("metric")), UnitID: get("unit"), ExamID: get("exam")}
	if q.Metric == "" {
		q.Metric = dashboard.Workers
	}
	if d := get("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return q, gridskill.Errorf(gridskill.EINVALID, "choose 30, 60 or 90 days")
		}
		q.Days = n
	}
	return q, q.Validate()
}

func encodeQuery(q dashboard.Query, scopeID string) string {
	v := url.Values{"metric": {string(q.Metric)}, "unit": {scopeID}}
	if q.Days != 0 {
		v.Set("days", strconv.Itoa(q.Days))
	}
	if q.ExamID != "" {
		v.Set("exam", q.ExamID)
	}
	return v.Encode()
}

func (s *Server) peopleList(c *fiber.Ctx, get func(string) string) (dashboard.List, error) {
	q, err := listQuery(get)
	if err != nil {
		return dashboard.List{}, err
	}
	u, _ := currentUser(c)
	return s.board().Who(c.UserContext(), u, q)
}

func (p Page) listHeading(l dashboard.List) string {
	h := p.T(metricLabels[l.Query.Metric])
	if l.Query.Metric == dashboard.Expiring {
		h = p.T(metricLabels[l.Query.Metric], l.Query.Days)
	}
	if l.Exam.ID != "" {
		h += " · " + l.Exam.Title
	}
	return h + " · " + l.Scope.Name
}

// dashboardPeople is the list of people behind a number of the dashboard.
func (s *Server) dashboardPeople(c *fiber.Ctx) error {
	l, err := s.peopleList(c, func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	p := dashboardPeoplePage{Page: s.page(c, "People"), L: l, Query: encodeQuery(l.Query, l.Scope.ID)}
	p.Heading = p.listHeading(l)
	return c.Render("dashboard/people", p, "layouts/main")
}

// dashboardPeopleExport downloads a list as a spreadsheet.
func (s *Server) dashboardPeopleExport(c *fiber.Ctx) error {
	l, err := s.peopleList(c, func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	p := s.page(c, "People")
	header := []string{p.T("Name"), p.T("Phone"), p.T("Unit"), p.T("Required modules not finished"), p.T("Due"), p.T("Certificate expires"), p.T("Training hours")}
	rows := make([][]string, 0, len(l.Entries))
	for _, e := range l.Entries {
		rows = append(rows, []string{e.Worker.Name, e.Worker.Phone, strings.Join(e.Units, " / "), strings.Join(e.Missing, "；"),
			chinaDay(e.Due), chinaDay(e.Expires), strconv.FormatFloat(e.Hours, 'f', 1, 64)})
	}
	return sendSheet(c, "xlsx", "people-"+string(l.Query.Metric), p.T("People"), header, rows)
}

// reminderOf turns a chasing list into the reminder its people get.
func (s *Server) reminderOf(p Page, l dashboard.List) (notify.Reminder, error) {
	if !l.Query.Metric.Chasing() {
		return notify.Reminder{}, gridskill.Errorf(gridskill.EINVALID, "reminders go to the lists of who still has to do something")
	}
	r := notify.Reminder{Key: string(l.Query.Metric) + ":" + l.Scope.ID, Workers: make([]people.User, 0, len(l.Entries))}
	for _, e := range l.Entries {
		r.Workers = append(r.Workers, e.Worker)
	}
	switch l.Query.Metric {
	case dashboard.RequiredMissing:
		r.Text, r.Link = "Reminder: please finish your required training", "/"
	case dashboard.Expiring:
		r.Key += ":" + strconv.Itoa(l.Query.Days)
		r.Text, r.Link = "Reminder: your certificate expires soon; please renew it", "/transcript"
	case dashboard.Unsat:
		r.Text, r.Link = "Reminder: please sit your exam", "/exams"
		if l.Exam.ID != "" {
			r.Key += ":" + l.Exam.ID
			r.Text, r.Args, r.Link = "Reminder: please sit the exam %s", []string{l.Exam.Title}, "/exams/"+l.Exam.ID
		}
	}
	r.Message = p.T("Reminder from %s: %s", p.User.Name, p.listHeading(l))
	return r, nil
}

// dashboardRemind sends a chasing list's reminder in one click.
func (s *Server) dashboardRemind(c *fiber.Ctx) error {
	l, err := s.peopleList(c, func(k string) string { return c.FormValue(k) })
	if err != nil {
		return err
	}
	p := s.page(c, "People")
	u, _ := currentUser(c)
	r, err := s.reminderOf(p, l)
	if err != nil {
		return err
	}
	sent, err := s.notify.Remind(c.UserContext(), u, r)
	if err != nil {
		return err
	}
	s.flash(c, p.T("Reminder sent: %d new notices, %d group messages, %d groups not reached", sent.Notices, sent.Robots, sent.Failed))
	return c.Redirect("/dashboard/people?"+encodeQuery(l.Query, l.Scope.ID), fiber.StatusSeeOther)
}

type listedJSON struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Units   []string `json:"units"`
	Missing []string `json:"missingModules,omitempty"`
	Due     string   `json:"due,omitempty"`
	Expires string   `json:"certificateExpires,omitempty"`
	Hours   float64  `json:"hours"`
}

// apiDashboardPeople is a list as JSON.
func (s *Server) apiDashboardPeople(c *fiber.Ctx) error {
	l, err := s.peopleList(c, func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	out := make([]listedJSON, 0, len(l.Entries))
	for _, e := range l.Entries {
		out = append(out, listedJSON{ID: e.Worker.ID, Name: e.Worker.Name, Units: e.Units, Missing: e.Missing, Due: chinaDay(e.Due), Expires: chinaDay(e.Expires), Hours: e.Hours})
	}
	return c.JSON(fiber.Map{"metric": l.Query.Metric, "unit": l.Scope.ID, "people": out})
}

// apiDashboardRemind sends a chasing list's reminder: {"metric","unit","days","exam"}.
func (s *Server) apiDashboardRemind(c *fiber.Ctx) error {
	var in struct {
		Metric string `json:"metric"`
		Unit   string `json:"unit"`
		Days   int    `json:"days"`
		Exam   string `json:"exam"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	days := ""
	if in.Days != 0 {
		days = strconv.Itoa(in.Days)
	}
	vals := map[string]string{"metric": in.Metric, "unit": in.Unit, "days": days, "exam": in.Exam}
	l, err := s.peopleList(c, func(k string) string { return vals[k] })
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	r, err := s.reminderOf(s.page(c, "People"), l)
	if err != nil {
		return err
	}
	sent, err := s.notify.Remind(c.UserContext(), u, r)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notices": sent.Notices, "robots": sent.Robots, "failed": sent.Failed})
}

// chinaDay is a date as China reads it, "" for none.
func chinaDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gridskill.ChinaZone()).Format(time.DateOnly)
}
