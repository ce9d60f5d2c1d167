package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gridskill/certify"
)

type certificatePage struct {
	Page
	Cert certify.Held
	// CanRevoke is set for an admin whose area holds the holder, and
	// CanReinstate instead when the certificate is revoked.
	CanRevoke, CanReinstate bool
	Audit                   []certify.AuditEntry
	// Titles names the required modules and exams.
	Titles func(id string) string
	Reason string
}

// ReqTitle names a required module or exam by its id.
func (p certificatePage) ReqTitle(id string) string { return p.Titles(id) }

// certificateShow is the printable certificate (A4 landscape on paper, one
// column on a phone) with its QR code, for its holder and admins in scope.
func (s *Server) certificateShow(c *fiber.Ctx) error {
	return s.renderCertificate(c, "", nil)
}

func (s *Server) renderCertificate(c *fiber.Ctx, reason string, problem error) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	id, err := url.PathUnescape(c.Params("id"))
	if err != nil {
		id = ""
	}
	held, err := s.certify.Certificate(ctx, u, id)
	if err != nil {
		return err
	}
	p := certificatePage{Page: s.page(c, "Certificate"), Cert: held, Titles: s.certify.Titles(ctx), Reason: reason}
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		c.Status(statusOf[p.Problem.Code])
	}
	if u.CanAdminister(held.UnitPath) {
		p.CanRevoke, p.CanReinstate = !held.Revoked, held.Revoked
		if p.Audit, err = s.certify.Audit(ctx, u, held.ID); err != nil {
			return err
		}
	}
	return c.Render("certify/certificate", p, "layouts/main")
}

// certificateRevoke revokes a certificate for the reason given on its page.
func (s *Server) certificateRevoke(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id, err := url.PathUnescape(c.Params("id"))
	if err != nil {
		id = ""
	}
	reason := c.FormValue("reason")
	if err := s.certify.Revoke(c.UserContext(), u, id, reason); err != nil {
		return s.renderCertificate(c, reason, err)
	}
	s.flash(c, "The certificate is revoked.")
	return c.Redirect("/certificates/"+url.PathEscape(id), fiber.StatusSeeOther)
}

// certificateReinstate lifts a revocation for the reason given on the
// certificate's page.
func (s *Server) certificateReinstate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id, err := url.PathUnescape(c.Params("id"))
	if err != nil {
		id = ""
	}
	reason := c.FormValue("reason")
	if _, err := s.certify.Reinstate(c.UserContext(), u, id, reason); err != nil {
		return s.renderCertificate(c, reason, err)
	}
	s.flash(c, "The certificate is valid again.")
	return c.Redirect("/certificates/"+url.PathEscape(id), fiber.StatusSeeOther)
}
