package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/certify"
	"gridskill/people"
)

type coveragePage struct {
	Page
	Programs []certify.Program
	Coverage certify.Coverage
	// Units are the admin's unit and the streets and communities below it, to report on.
	Units []people.Unit
}

// certifyCoverage shows a program's coverage by community and grid.
func (s *Server) certifyCoverage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	ps, err := s.certify.Programs(ctx, u)
	if err != nil {
		return err
	}
	programID := c.Query("program")
	if programID == "" {
		if len(ps) == 0 {
			return c.Redirect("/certification", fiber.StatusSeeOther)
		}
		programID = ps[0].ID
	}
	cov, err := s.certify.Coverage(ctx, u, programID, c.Query("unit"))
	if err != nil {
		return err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	p := coveragePage{Page: s.page(c, "Coverage"), Programs: ps, Coverage: cov}
	for _, unit := range tree.Subtree(u.UnitID) {
		if unit.Kind != people.Grid {
			p.Units = append(p.Units, unit)
		}
	}
	return c.Render("certify/coverage", p, "layouts/main")
}

// certifyCoverageExport downloads a program's coverage as a spreadsheet.
func (s *Server) certifyCoverageExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	cov, err := s.certify.Coverage(c.UserContext(), u, c.Query("program"), c.Query("unit"))
	if err != nil {
		return err
	}
	p := s.page(c, "Coverage")
	header := []string{p.T("Unit"), p.T("Workers"), p.T("Certified"), p.T("Coverage %"), p.T("Expiring soon"), p.T("Refresher due"), p.T("Expired"), p.T("Revoked")}
	var rows [][]string
	for _, r := range cov.Rows {
		rows = append(rows, []string{strings.Repeat("  ", r.Depth) + r.Unit.Name, strconv.Itoa(r.Workers), strconv.Itoa(r.InForce),
			strconv.Itoa(r.Percent()), strconv.Itoa(r.Expiring), strconv.Itoa(r.RefresherDue), strconv.Itoa(r.Expired), strconv.Itoa(r.Revoked)})
	}
	return sendSheet(c, "xlsx", s.datedName(cov.Program.Name, "覆盖情况"), cov.Program.Name, header, rows)
}

type certListPage struct {
	Page
	Heading string
	Days    int
	Certs   []certify.Held
	Export  string
	Unit    string
}

// Windows are the choices of the expiring list.
func (certListPage) Windows() []int { return []int{30, 60, 90} }

func expiringDays(c *fiber.Ctx) (int, error) {
	d := c.Query("days", "30")
	n, err := strconv.Atoi(d)
	if err != nil || n < 1 || n > 366 {
		return 0, gridskill.Errorf(gridskill.EINVALID, "choose between 1 and 366 days")
	}
	return n, nil
}

// certifyExpiring lists the certificates expiring in the next 30, 60 or 90 days.
func (s *Server) certifyExpiring(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	days, err := expiringDays(c)
	if err != nil {
		return err
	}
	certs, err := s.certify.Expiring(c.UserContext(), u, c.Query("unit"), days)
	if err != nil {
		return err
	}
	p := certListPage{Page: s.page(c, "Expiring certificates"), Heading: "Expiring certificates", Days: days, Certs: certs,
		Export: "/certification/expiring.xlsx?days=" + strconv.Itoa(days), Unit: c.Query("unit")}
	return c.Render("certify/list", p, "layouts/main")
}

// certifyRefresher lists the certificates whose holders must re-study a changed module.
func (s *Server) certifyRefresher(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	certs, err := s.certify.RefresherDueList(c.UserContext(), u, c.Query("unit"))
	if err != nil {
		return err
	}
	p := certListPage{Page: s.page(c, "Refresher due"), Heading: "Refresher due", Certs: certs, Export: "/certification/refresher.xlsx", Unit: c.Query("unit")}
	return c.Render("certify/list", p, "layouts/main")
}

// certifyExpiringExport downloads the expiring list.
func (s *Server) certifyExpiringExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	days, err := expiringDays(c)
	if err != nil {
		return err
	}
	certs, err := s.certify.Expiring(c.UserContext(), u, c.Query("unit"), days)
	if err != nil {
		return err
	}
	return s.sendCertList(c, "即将到期的证书", certs)
}

// certifyRefresherExport downloads the refresher-due list.
func (s *Server) certifyRefresherExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	certs, err := s.certify.RefresherDueList(c.UserContext(), u, c.Query("unit"))
	if err != nil {
		return err
	}
	return s.sendCertList(c, "需复训的证书", certs)
}

func (s *Server) sendCertList(c *fiber.Ctx, name string, certs []certify.Held) error {
	p := s.page(c, "Certification")
	tree, err := s.people.Tree(c.UserContext())
	if err != nil {
		return err
	}
	header := []string{p.T("Holder"), p.T("Unit"), p.T("Certificate"), p.T("Number"), p.T("Issued on"), p.T("Valid until"), p.T("State")}
	var rows [][]string
	for _, h := range certs {
		rows = append(rows, []string{h.HolderName, strings.Join(tree.Names(h.UnitID), " / "), h.ProgramName, h.Number,
			p.CertDate(h.IssuedAt), p.CertDate(h.ExpiresAt), p.StateLabel(h.State)})
	}
	return sendSheet(c, "xlsx", s.datedName(name), p.T("Certification"), header, rows)
}
