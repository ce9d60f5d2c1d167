package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/practical"
)

type checklistsPage struct {
	practicalPage
	Checklists []practical.Checklist
}

// practicalChecklists lists the checklists the viewer may assign.
func (s *Server) practicalChecklists(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.practical.Checklists(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.Render("practical/checklists", checklistsPage{practicalPage: practicalPage{s.page(c, "Practical tasks")}, Checklists: list}, "layouts/main")
}

type checklistFormPage struct {
	practicalPage
	Input practical.ChecklistInput
	Items string
}

func (s *Server) practicalChecklistNew(c *fiber.Ctx) error {
	p := checklistFormPage{practicalPage: practicalPage{s.page(c, "New checklist")}, Input: practical.ChecklistInput{Hours: 4}}
	return c.Render("practical/checklist_new", p, "layouts/main")
}

// parseChecklistForm reads the checklist form: its items typed one a line.
func parseChecklistForm(c *fiber.Ctx) (practical.ChecklistInput, string, error) {
	items := c.FormValue("items")
	in := practical.ChecklistInput{Title: c.FormValue("title"), Summary: c.FormValue("summary")}
	hours, err := strconv.ParseFloat(strings.TrimSpace(c.FormValue("hours")), 64)
	if err != nil {
		return in, items, gridskill.Errorf(gridskill.EINVALID, "hours must be a number")
	}
	in.Hours = hours
	in.Items, err = practical.ParseItems(items)
	return in, items, err
}

func (s *Server) practicalChecklistCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in, items, err := parseChecklistForm(c)
	var cl practical.Checklist
	if err == nil {
		cl, err = s.practical.CreateChecklist(c.UserContext(), u, in)
	}
	if err != nil {
		p := checklistFormPage{practicalPage: practicalPage{s.page(c, "New checklist")}, Input: in, Items: items}
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("practical/checklist_new", p, "layouts/main")
	}
	s.flash(c, "The checklist is saved. Assign it to people below.")
	return c.Redirect("/practical/checklists/"+cl.ID, fiber.StatusSeeOther)
}

type checklistPage struct {
	practicalPage
	Checklist practical.Checklist
	Tasks     []practical.Task
	Assign    assignForm
	Today     string
}

type assignForm struct {
	Phones, Mentor, Due string
}

func (s *Server) practicalChecklistShow(c *fiber.Ctx) error {
	return s.renderChecklist(c, assignForm{}, nil)
}

// renderChecklist shows a checklist with its assignment form and the
// progress of everyone it was assigned to in the viewer's area.
func (s *Server) renderChecklist(c *fiber.Ctx, form assignForm, problem error) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	cl, err := s.practical.Checklist(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	tasks, err := s.practical.Progress(ctx, u, cl.ID)
	if err != nil {
		return err
	}
	p := checklistPage{practicalPage: practicalPage{s.page(c, "Practical tasks")}, Checklist: cl, Tasks: tasks, Assign: form, Today: s.today()}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("practical/checklist", p, "layouts/main")
}

func (s *Server) today() string { return s.clock.Now().In(gridskill.ChinaZone()).Format("2006-01-02") }

// practicalAssign assigns the checklist to the people typed (phone numbers,
// one a line), with a mentor and a due date; everyone is checked first.
func (s *Server) practicalAssign(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	form := assignForm{Phones: c.FormValue("phones"), Mentor: c.FormValue("mentor"), Due: c.FormValue("due")}
	in := practical.AssignInput{Phones: phoneLines(form.Phones), Mentor: form.Mentor, Due: form.Due}
	if _, err := s.practical.Assign(c.UserContext(), u, c.Params("id"), in); err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EINTERNAL {
			return err
		}
		return s.renderChecklist(c, form, err)
	}
	s.flash(c, "The checklist is assigned.")
	return c.Redirect("/practical/checklists/"+c.Params("id"), fiber.StatusSeeOther)
}

// phoneLines reads phone numbers typed one a line (a name may follow).
func phoneLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == '，' || r == '\r' })
		if len(fields) > 0 {
			out = append(out, fields[0])
		}
	}
	return out
}
