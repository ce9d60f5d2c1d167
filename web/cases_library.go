package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/cases"
	"gridskill/courses"
)

// casesPage is the Page of the case library's screens, with their labels.
type casesPage struct{ Page }

var caseTagLabels = map[cases.Tag]string{
	cases.Fraud: "Fraud", cases.Fundraising: "Illegal fundraising", cases.Dispute: "Dispute", cases.Hazard: "Hazard",
	cases.Information: "Information", cases.ResidentService: "Service to residents",
}

// TagLabel is the translated name of a case tag.
func (p casesPage) TagLabel(t cases.Tag) string { return p.T(caseTagLabels[t]) }

// Tags are every case tag.
func (p casesPage) Tags() []cases.Tag { return cases.Tags() }

type libraryPage struct {
	casesPage
	Query   cases.Query
	Library []cases.Case
	Mine    []cases.Case
	Pending []cases.Case
	Guides  []cases.Guide
	Curator bool
}

// casesLibrary is the searchable library, the viewer's own cases and, for
// trainers and admins, the cases waiting to be curated and the guide form.
func (s *Server) casesLibrary(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	q := cases.Query{Text: c.Query("q"), Tag: cases.Tag(c.Query("tag"))}
	if q.Tag != "" && !q.Tag.Valid() {
		return gridskill.Errorf(gridskill.EINVALID, "unknown tag %q", string(q.Tag))
	}
	p := libraryPage{casesPage: casesPage{s.page(c, "Case library")}, Query: q, Curator: u.CanTeach(u.UnitPath)}
	var err error
	if p.Library, err = s.cases.Library(ctx, u, q); err != nil {
		return err
	}
	if p.Mine, err = s.cases.Mine(ctx, u); err != nil {
		return err
	}
	if p.Guides, err = s.cases.Guides(ctx, u); err != nil {
		return err
	}
	if p.Curator {
		if p.Pending, err = s.cases.Pending(ctx, u); err != nil {
			return err
		}
	}
	return c.Render("cases/library", p, "layouts/main")
}

type caseFormPage struct {
	casesPage
	Input cases.Input
	Names string
}

// Chosen reports whether the form has tag t.
func (p caseFormPage) Chosen(t cases.Tag) bool {
	for _, x := range p.Input.Tags {
		if x == t {
			return true
		}
	}
	return false
}

func (s *Server) casesNew(c *fiber.Ctx) error {
	return c.Render("cases/new", caseFormPage{casesPage: casesPage{s.page(c, "Submit a case")}}, "layouts/main")
}

// parseCaseForm reads a case form: its tags ticked and the residents' names, one a line.
func parseCaseForm(c *fiber.Ctx) (cases.Input, string) {
	names := c.FormValue("names")
	in := cases.Input{Title: c.FormValue("title"), Happened: c.FormValue("happened"), Handling: c.FormValue("handling"), Outcome: c.FormValue("outcome")}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "tag" {
			in.Tags = append(in.Tags, cases.Tag(string(v)))
		}
	})
	if form, err := c.MultipartForm(); err == nil {
		for _, v := range form.Value["tag"] {
			in.Tags = append(in.Tags, cases.Tag(v))
		}
	}
	for _, n := range strings.FieldsFunc(names, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == '，' || r == '、' }) {
		in.Names = append(in.Names, strings.TrimSpace(n))
	}
	return in, names
}

func (s *Server) casesSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in, names := parseCaseForm(c)
	cs, err := s.cases.Submit(c.UserContext(), u, in)
	if err != nil {
		p := caseFormPage{casesPage: casesPage{s.page(c, "Submit a case")}, Input: in, Names: names}
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("cases/new", p, "layouts/main")
	}
	s.flash(c, "The case is submitted. Residents' names, phone numbers and ID numbers were masked.")
	return c.Redirect("/cases/"+cs.ID, fiber.StatusSeeOther)
}

type casePage struct {
	casesPage
	Case    cases.Case
	Curator bool
	Modules []courses.Module
}

// Chosen reports whether the case has tag t, for the curator's form.
func (p casePage) Chosen(t cases.Tag) bool {
	for _, x := range p.Case.Tags {
		if x == t {
			return true
		}
	}
	return false
}

func (s *Server) caseShow(c *fiber.Ctx) error { return s.renderCase(c, nil) }

func (s *Server) renderCase(c *fiber.Ctx, problem error) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	cs, err := s.cases.Case(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	p := casePage{casesPage: casesPage{s.page(c, "Case")}, Case: cs, Curator: u.CanTeach(cs.UnitPath)}
	if p.Curator && s.courses != nil {
		if p.Modules, err = s.courses.Editable(ctx, u); err != nil {
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
	return c.Status(status).Render("cases/case", p, "layouts/main")
}

func (s *Server) caseResult(c *fiber.Ctx, err error, done, next string) error {
	if err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EINTERNAL || code == gridskill.EFORBIDDEN {
			return err
		}
		return s.renderCase(c, err)
	}
	s.flash(c, done)
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (s *Server) casePublish(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in, _ := parseCaseForm(c)
	_, err := s.cases.Publish(c.UserContext(), u, c.Params("id"), in)
	return s.caseResult(c, err, "The case is in the library.", "/cases/"+c.Params("id"))
}

func (s *Server) caseToLesson(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	module := c.FormValue("module")
	_, err := s.cases.ToLesson(c.UserContext(), u, c.Params("id"), module)
	return s.caseResult(c, err, "The case is a lesson section of the module.", "/modules/"+module)
}

func (s *Server) caseToQuestion(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	q, err := s.cases.ToQuestion(c.UserContext(), u, c.Params("id"))
	return s.caseResult(c, err, "A draft question is written from the case; finish it in the bank.", "/quiz/questions/"+q.ID)
}

// guideCreate merges the cases ticked in the library into a work guide.
func (s *Server) guideCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var ids []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "case" {
			ids = append(ids, string(v))
		}
	})
	g, err := s.cases.CreateGuide(c.UserContext(), u, c.FormValue("title"), c.FormValue("intro"), ids)
	if err != nil {
		return err
	}
	s.flash(c, "The work guide is written.")
	return c.Redirect("/guides/"+g.ID, fiber.StatusSeeOther)
}

type guidePage struct {
	casesPage
	Guide cases.Guide
}

// guideShow is the work guide with its cases, laid out for printing: the
// 成果交流会's handout.
func (s *Server) guideShow(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	g, err := s.cases.Guide(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.Render("cases/guide", guidePage{casesPage: casesPage{s.page(c, "Work guide")}, Guide: g}, "layouts/main")
}

// guideExport sends the guide's cases as XLSX, for the 成果交流会.
func (s *Server) guideExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	g, err := s.cases.Guide(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	var rows [][]string
	for _, cs := range g.Cases {
		var tags []string
		for _, t := range cs.Tags {
			tags = append(tags, s.cat.translate("zh", caseTagLabels[t]))
		}
		rows = append(rows, []string{cs.Title, strings.Join(tags, "、"), cs.Happened, cs.Handling, cs.Outcome})
	}
	return sendSheet(c, "xlsx", "work-guide", "工作指南", []string{"案例", "类别", "事情经过", "处置方法", "处置结果"}, rows)
}
