package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill/certify"
	"gridskill/people"
	"gridskill/scoring"
)

type certifyHomePage struct {
	Page
	Programs []certify.Program
	// Editable holds the ids of programs the viewer may edit.
	Editable map[string]bool
}

// certifyHome is the admins' certification start: programs and the lists.
func (s *Server) certifyHome(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ps, err := s.certify.Programs(c.UserContext(), u)
	if err != nil {
		return err
	}
	tree, err := s.people.Tree(c.UserContext())
	if err != nil {
		return err
	}
	p := certifyHomePage{Page: s.page(c, "Certification"), Programs: ps, Editable: map[string]bool{}}
	for _, prog := range ps {
		if issuer, ok := tree.Unit(prog.IssuerID); ok && u.CanAdminister(issuer.Path) {
			p.Editable[prog.ID] = true
		}
	}
	return c.Render("certify/home", p, "layouts/main")
}

// programRows is how many module and exam lines the program form offers.
const programRows = 3

type moduleRow struct {
	ModuleID   string
	MinVersion int
	CheckExam  string
}

type examRow struct {
	ExamID   string
	MinScore string
}

type programForm struct {
	Page
	ID             string
	Name           string
	ValidityMonths string
	MinHours       string
	Modules        []moduleRow
	Exams          []examRow
	AwardLevel     int
	AwardContest   string
	Audience       []string
	// Units are the units the audience may name: the issuing unit's streets and communities.
	Units         []people.Unit
	ModuleChoices []certify.Choice
	ExamChoices   []certify.Choice
	IssuerName    string
	// Checklists are the practical checklists required; ChecklistChoices
	// those the admin may require (certify_checklists.go).
	Checklists       []string
	ChecklistChoices []certify.Choice
}

// Chosen reports whether unit id is in the audience.
func (f programForm) Chosen(id string) bool { return slices.Contains(f.Audience, id) }

// Levels are the award levels to choose from.
func (f programForm) Levels() []scoring.AwardLevel {
	return []scoring.AwardLevel{scoring.FirstPrize, scoring.SecondPrize, scoring.ThirdPrize, scoring.Excellence}
}

func (s *Server) fillProgramForm(c *fiber.Ctx, f *programForm, issuerID string) error {
	ctx := c.UserContext()
	var err error
	if f.ModuleChoices, f.ExamChoices, err = s.certify.Choices(ctx); err != nil {
		return err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	if issuer, ok := tree.Unit(issuerID); ok {
		f.IssuerName = issuer.Name
	}
	for _, unit := range tree.Subtree(issuerID) {
		if unit.Kind == people.Street || unit.Kind == people.Community {
			f.Units = append(f.Units, unit)
		}
	}
	if f.ChecklistChoices, err = s.checklistChoices(c, f.Checklists); err != nil {
		return err
	}
	for len(f.Modules) < programRows {
		f.Modules = append(f.Modules, moduleRow{MinVersion: 1})
	}
	for len(f.Exams) < programRows {
		f.Exams = append(f.Exams, examRow{})
	}
	return nil
}

func (s *Server) renderProgramForm(c *fiber.Ctx, f programForm, issuerID string) error {
	if err := s.fillProgramForm(c, &f, issuerID); err != nil {
		return err
	}
	if f.Problem != nil {
		c.Status(statusOf[f.Problem.Code])
	}
	return c.Render("certify/program", f, "layouts/main")
}

// programNew is the form for a new program issued by the admin's unit.
func (s *Server) programNew(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	return s.renderProgramForm(c, programForm{Page: s.page(c, "New program"), ValidityMonths: "24"}, u.UnitID)
}

// programEdit is the form to change a program.
func (s *Server) programEdit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	prog, err := s.certify.Program(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	f := programForm{Page: s.page(c, "Edit program"), ID: prog.ID, Name: prog.Name,
		ValidityMonths: strconv.Itoa(prog.ValidityMonths), MinHours: strconv.FormatFloat(prog.Requirements.MinHours, 'f', -1, 64),
		Audience: prog.Audience}
	for _, m := range prog.Requirements.Modules {
		f.Modules = append(f.Modules, moduleRow{ModuleID: m.ModuleID, MinVersion: m.MinVersion, CheckExam: prog.Checks[m.ModuleID]})
	}
	for _, e := range prog.Requirements.Exams {
		f.Exams = append(f.Exams, examRow{ExamID: e.ExamID, MinScore: strconv.FormatFloat(e.MinScore, 'f', -1, 64)})
	}
	if a := prog.Requirements.Award; a != nil {
		f.AwardLevel, f.AwardContest = int(a.MinLevel), a.ContestID
	}
	f.Checklists = prog.Requirements.Checklists
	return s.renderProgramForm(c, f, prog.IssuerID)
}

// programSave creates (no id) or updates a program from the form.
func (s *Server) programSave(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	f, prog := parseProgramForm(c)
	f.ID = c.Params("id")
	issuerID := u.UnitID
	var err error
	if f.ID == "" {
		f.Page = s.page(c, "New program")
		prog, err = s.certify.CreateProgram(ctx, u, prog)
	} else {
		f.Page = s.page(c, "Edit program")
		var old certify.Program
		if old, err = s.certify.Program(ctx, u, f.ID); err != nil {
			return err
		}
		issuerID = old.IssuerID
		prog.ID = f.ID
		prog, err = s.certify.UpdateProgram(ctx, u, prog)
	}
	if err != nil {
		if err := f.problem(err); err != nil {
			return err
		}
		return s.renderProgramForm(c, f, issuerID)
	}
	s.flash(c, "The program is saved. Certificates already issued keep the requirements they were issued under.")
	return c.Redirect("/certification", fiber.StatusSeeOther)
}

// parseProgramForm reads the form; numbers that do not parse become -1 so
// that validation names them.
func parseProgramForm(c *fiber.Ctx) (programForm, certify.Program) {
	f := programForm{Name: c.FormValue("name"), ValidityMonths: c.FormValue("validity"), MinHours: c.FormValue("hours"),
		AwardContest: strings.TrimSpace(c.FormValue("award_contest"))}
	p := certify.Program{Name: f.Name, ValidityMonths: int(programNumber(f.ValidityMonths)), Checks: map[string]string{}}
	if v := programNumber(f.ValidityMonths); v != float64(int(v)) {
		p.ValidityMonths = -1
	}
	p.Requirements.MinHours = programNumber(f.MinHours)
	parseProgramRows(c, &f, &p)
	f.AwardLevel, _ = strconv.Atoi(c.FormValue("award_level"))
	if f.AwardLevel != 0 {
		p.Requirements.Award = &scoring.AwardReq{ContestID: f.AwardContest, MinLevel: scoring.AwardLevel(f.AwardLevel)}
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "audience" && len(v) > 0 {
			f.Audience = append(f.Audience, string(v))
		}
		if string(k) == "checklist" && len(v) > 0 {
			f.Checklists = append(f.Checklists, string(v))
		}
	})
	p.Audience = f.Audience
	p.Requirements.Checklists = f.Checklists
	return f, p
}

// parseProgramRows reads the module and exam rows into the form as typed
// and into the program's requirements.
func parseProgramRows(c *fiber.Ctx, f *programForm, p *certify.Program) {
	for i := range programRows {
		k := strconv.Itoa(i)
		row := moduleRow{ModuleID: strings.TrimSpace(c.FormValue("module" + k)), CheckExam: strings.TrimSpace(c.FormValue("check" + k))}
		row.MinVersion, _ = strconv.Atoi(strings.TrimSpace(c.FormValue("version" + k)))
		f.Modules = append(f.Modules, row)
		if row.ModuleID != "" {
			p.Requirements.Modules = append(p.Requirements.Modules, scoring.ModuleReq{ModuleID: row.ModuleID, MinVersion: row.MinVersion})
			if row.CheckExam != "" {
				p.Checks[row.ModuleID] = row.CheckExam
			}
		}
		erow := examRow{ExamID: strings.TrimSpace(c.FormValue("exam" + k)), MinScore: c.FormValue("score" + k)}
		f.Exams = append(f.Exams, erow)
		if erow.ExamID != "" {
			p.Requirements.Exams = append(p.Requirements.Exams, scoring.ExamReq{ExamID: erow.ExamID, MinScore: programNumber(erow.MinScore)})
		}
	}
}

// programNumber reads a number of the program form: 0 when empty, -1 when
// it does not parse.
func programNumber(s string) float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return v
}
