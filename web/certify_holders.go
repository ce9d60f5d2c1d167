package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/certify"
)

type holdersPage struct {
	Page
	Programs []certify.Program
	Filter   certify.HolderFilter
	States   []certify.State
	Certs    []certify.Held
	// Issue form as typed.
	IssueProgram, IssuePhone, IssueReason string
}

// certifyHolders lists the certificates of the admin's area, searchable by
// holder or number, with a form to issue one by hand.
func (s *Server) certifyHolders(c *fiber.Ctx) error {
	p, err := s.holdersView(c, certify.HolderFilter{ProgramID: c.Query("program"), Query: c.Query("q"), State: certify.State(c.Query("state"))})
	if err != nil {
		return err
	}
	return c.Render("certify/holders", p, "layouts/main")
}

func (s *Server) holdersView(c *fiber.Ctx, f certify.HolderFilter) (holdersPage, error) {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	ps, err := s.certify.Programs(ctx, u)
	if err != nil {
		return holdersPage{}, err
	}
	certs, err := s.certify.Holders(ctx, u, f)
	if err != nil {
		return holdersPage{}, err
	}
	return holdersPage{Page: s.page(c, "Certificate holders"), Programs: ps, Filter: f, Certs: certs,
		States: []certify.State{certify.Valid, certify.Expiring, certify.RefresherDue, certify.Expired, certify.Revoked}}, nil
}

// certifyIssue issues a certificate by hand to the worker with the phone
// number given, for the reason given.
func (s *Server) certifyIssue(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	program, phone, reason := c.FormValue("program"), c.FormValue("phone"), c.FormValue("reason")
	var held certify.Held
	found, err := s.people.ByPhones(ctx, []string{phone})
	if err == nil {
		w, ok := found[phone]
		if !ok || !u.CanAdminister(w.UnitPath) {
			err = gridskill.Errorf(gridskill.ENOTFOUND, "no worker of your area has this phone number")
		} else {
			held, err = s.certify.IssueManually(ctx, u, program, w.ID, reason)
		}
	}
	if err == nil {
		s.flash(c, "The certificate is issued.")
		return c.Redirect("/certificates/"+held.ID, fiber.StatusSeeOther)
	}
	if code := gridskill.ErrorCode(err); code == gridskill.EINTERNAL || code == gridskill.EFORBIDDEN && program == "" {
		return err
	}
	p, perr := s.holdersView(c, certify.HolderFilter{})
	if perr != nil {
		return perr
	}
	if err := p.problem(err); err != nil {
		return err
	}
	p.IssueProgram, p.IssueReason = program, reason
	if code := gridskill.ErrorCode(err); code != gridskill.ENOTFOUND && code != gridskill.EFORBIDDEN {
		p.IssuePhone = phone // never echo a number that may be another area's
	}
	return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("certify/holders", p, "layouts/main")
}
