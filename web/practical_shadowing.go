package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/practical"
)

type programmesPage struct {
	practicalPage
	Programmes []practical.Programme
	Checklists []practical.Checklist
	Input      practical.ProgrammeInput
	Organizer  bool
}

// practicalProgrammes lists the shadowing days the viewer organizes, takes
// part in or hosts; admins also get the form for a new one.
func (s *Server) practicalProgrammes(c *fiber.Ctx) error {
	return s.renderProgrammes(c, practical.ProgrammeInput{Date: s.today()}, nil)
}

func (s *Server) renderProgrammes(c *fiber.Ctx, in practical.ProgrammeInput, problem error) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	list, err := s.practical.Programmes(ctx, u)
	if err != nil {
		return err
	}
	p := programmesPage{practicalPage: practicalPage{s.page(c, "Shadowing days")}, Programmes: list, Input: in, Organizer: u.Role.IsAdmin()}
	if p.Organizer {
		if p.Checklists, err = s.practical.Checklists(ctx, u); err != nil {
			return err
		}
	}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("practical/programmes", p, "layouts/main")
}

func (s *Server) practicalProgrammeCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in := practical.ProgrammeInput{Title: c.FormValue("title"), Date: c.FormValue("date"), ChecklistID: c.FormValue("checklist"), Prompt: c.FormValue("prompt")}
	p, err := s.practical.CreateProgramme(c.UserContext(), u, in)
	if err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.EINTERNAL || code == gridskill.EFORBIDDEN {
			return err
		}
		return s.renderProgrammes(c, in, err)
	}
	s.flash(c, "The shadowing day is set up. Pair its participants with their hosts.")
	return c.Redirect("/shadowing/"+p.ID, fiber.StatusSeeOther)
}

type programmePage struct {
	practicalPage
	Programme practical.Programme
	Rows      []practical.SummaryRow
	Organizer bool
	// Own is the viewer's pairing as a participant.
	Own    *practical.Pairing
	ViewID string
	Pair   struct{ Participant, Host string }
}

// practicalProgramme shows a shadowing day: to its organizers every pairing's
// progress and the pairing form, to a participant their day and reflection
// form, to a host the participants to sign off.
func (s *Server) practicalProgramme(c *fiber.Ctx) error {
	return s.renderProgramme(c, "", "", nil)
}

func (s *Server) renderProgramme(c *fiber.Ctx, participant, host string, problem error) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	prog, err := s.practical.Programme(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	p := programmePage{practicalPage: practicalPage{s.page(c, "Shadowing day")}, Programme: prog, Organizer: u.CanAdminister(prog.UnitPath), ViewID: u.ID}
	p.Pair.Participant, p.Pair.Host = participant, host
	if p.Organizer {
		if _, p.Rows, err = s.practical.Summary(ctx, u, prog.ID); err != nil {
			return err
		}
	}
	if own, ok := prog.Of(u.ID); ok && own.ParticipantID == u.ID {
		p.Own = &own
	}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("practical/programme", p, "layouts/main")
}

// programmeResult answers a programme form: back to the programme, or the
// programme again with the problem.
func (s *Server) programmeResult(c *fiber.Ctx, err error, done string) error {
	if err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EINTERNAL || code == gridskill.EFORBIDDEN {
			return err
		}
		return s.renderProgramme(c, c.FormValue("participant"), c.FormValue("host"), err)
	}
	s.flash(c, done)
	return c.Redirect("/shadowing/"+c.Params("id"), fiber.StatusSeeOther)
}

func (s *Server) practicalPair(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.practical.Pair(c.UserContext(), u, c.Params("id"), c.FormValue("participant"), c.FormValue("host"))
	return s.programmeResult(c, err, "The participant is paired and has the day's checklist.")
}

func (s *Server) practicalSignOff(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.practical.SignOff(c.UserContext(), u, c.Params("id"), c.Params("participant"))
	return s.programmeResult(c, err, "The day is signed off.")
}

func (s *Server) practicalReflect(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.practical.Reflect(c.UserContext(), u, c.Params("id"), c.FormValue("reflection"))
	return s.programmeResult(c, err, "Your reflection is saved.")
}

type summaryPage struct {
	practicalPage
	Programme practical.Programme
	Rows      []practical.SummaryRow
}

// practicalSummary is the organizer's summary, laid out for printing.
func (s *Server) practicalSummary(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	prog, rows, err := s.practical.Summary(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.Render("practical/summary", summaryPage{practicalPage: practicalPage{s.page(c, "Shadowing summary")}, Programme: prog, Rows: rows}, "layouts/main")
}

// summaryHeader is the header row of the summary spreadsheet.
func summaryHeader() []string {
	return []string{"跟岗人员", "带教网格员", "已通过项", "已记录项", "任务项", "带教签字", "心得体会"}
}

// practicalSummaryExport sends the summary as XLSX.
func (s *Server) practicalSummaryExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	prog, rows, err := s.practical.Summary(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	var out [][]string
	for _, r := range rows {
		signed := ""
		if !r.SignedOffAt.IsZero() {
			signed = r.SignedOffAt.In(gridskill.ChinaZone()).Format("2006-01-02 15:04")
		}
		out = append(out, []string{r.ParticipantName, r.HostName, strconv.Itoa(r.Accepted), strconv.Itoa(r.Recorded), strconv.Itoa(r.Items), signed, r.Reflection})
	}
	name := "shadowing-" + strings.ReplaceAll(prog.Date, "-", "")
	return sendSheet(c, "xlsx", name, "跟岗汇总", summaryHeader(), out)
}
