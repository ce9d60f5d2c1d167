package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill/courses"
)

type moduleVersionsPage struct {
	Page
	Module   courses.Module
	Versions []courses.VersionChange
	Impact   courses.MajorImpact
	// Certificates is how many certificates in force a major change sends
	// back to study; -1 when the viewer may not count them (trainers).
	Certificates int
}

// coursesVersions shows a module's version history with what changed, and
// what a major change would send back to study.
func (s *Server) coursesVersions(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	m, err := s.courses.ModuleForStaff(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	vs, err := s.courses.Versions(ctx, u, m.ID)
	if err != nil {
		return err
	}
	_, impact, err := s.courses.Progress(ctx, u, m.ID)
	if err != nil {
		return err
	}
	p := moduleVersionsPage{Page: s.page(c, "Versions"), Module: m, Versions: vs, Impact: impact, Certificates: -1}
	if u.Role.IsAdmin() {
		if p.Certificates, err = s.certify.RequiringModule(ctx, u, m.ID); err != nil {
			return err
		}
	}
	return c.Render("courses/versions", p, "layouts/main")
}

type moduleProgressPage struct {
	Page
	Module courses.Module
	Rows   []moduleProgressRow
	Impact courses.MajorImpact
}

type moduleProgressRow struct {
	courses.ProgressRow
	Unit string
}

// coursesProgress lists each worker's progress in a module.
func (s *Server) coursesProgress(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	m, err := s.courses.ModuleForStaff(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	rows, impact, err := s.courses.Progress(ctx, u, m.ID)
	if err != nil {
		return err
	}
	p := moduleProgressPage{Page: s.page(c, "Progress"), Module: m, Impact: impact}
	for _, r := range rows {
		p.Rows = append(p.Rows, moduleProgressRow{ProgressRow: r, Unit: strings.Join(r.Units, " ")})
	}
	return c.Render("courses/progress", p, "layouts/main")
}
