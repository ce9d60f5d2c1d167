package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

type personPage struct {
	Page
	Person      people.User
	UnitPath    []string
	NewPassword string
}

func (s *Server) personPage(c *fiber.Ctx) error {
	return s.renderPerson(c, "")
}

func (s *Server) renderPerson(c *fiber.Ctx, newPassword string) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	person, err := s.people.Managed(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	p := personPage{Page: s.page(c, "Account"), Person: person, UnitPath: tree.Names(person.UnitID), NewPassword: newPassword}
	return c.Render("people/person", p, "layouts/main")
}

// personResetPassword shows the new one-time password once, on the page
// itself, never in a URL or a later page.
func (s *Server) personResetPassword(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	pw, err := s.people.ResetPassword(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderPerson(c, pw)
}

func (s *Server) personSetActive(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	// Only the form's own values count: a post without one changes nothing.
	var active bool
	switch c.FormValue("active") {
	case "1":
		active = true
	case "0":
	default:
		return gridskill.Errorf(gridskill.EINVALID, "say whether the account should be active")
	}
	if err := s.people.SetActive(c.UserContext(), u, c.Params("id"), active); err != nil {
		return err
	}
	if active {
		s.flash(c, "The account is active again.")
	} else {
		s.flash(c, "The account is deactivated; its sessions have ended.")
	}
	return c.Redirect("/people/"+c.Params("id"), fiber.StatusSeeOther)
}
