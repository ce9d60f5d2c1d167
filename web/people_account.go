package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

type accountPage struct {
	Page
	Me       people.User
	Unit     people.Unit
	UnitPath []string
}

func (s *Server) accountPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	tree, err := s.people.Tree(c.UserContext())
	if err != nil {
		return err
	}
	unit, _ := tree.Unit(u.UnitID)
	p := accountPage{Page: s.page(c, "Account"), Me: u, Unit: unit, UnitPath: tree.Names(u.UnitID)}
	return c.Render("pages/account", p, "layouts/main")
}

type passwordPage struct {
	Page
	Forced bool
}

func (s *Server) passwordPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := passwordPage{Page: s.page(c, "Change password"), Forced: u.MustChangePassword}
	return c.Render("pages/password", p, "layouts/main")
}

// passwordSubmit changes the password; the old sessions end, so the
// browser gets a fresh token at once.
func (s *Server) passwordSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := passwordPage{Page: s.page(c, "Change password"), Forced: u.MustChangePassword}
	if c.FormValue("new") != c.FormValue("confirm") {
		p.Problem = gridskill.Errorf(gridskill.EINVALID, "the two new passwords differ")
		return c.Status(fiber.StatusBadRequest).Render("pages/password", p, "layouts/main")
	}
	updated, err := s.people.ChangePassword(c.UserContext(), u, c.FormValue("current"), c.FormValue("new"))
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("pages/password", p, "layouts/main")
	}
	if err := s.startSession(c, updated); err != nil {
		return err
	}
	s.flash(c, "Your password has been changed.")
	return c.Redirect("/", fiber.StatusSeeOther)
}
