package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
)

type loginPage struct {
	Page
	Phone string
	Next  string
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	p := loginPage{Page: s.page(c, "Sign in"), Next: safeNext(c.Query("next"))}
	return c.Render("pages/login", p, "layouts/main")
}

func (s *Server) loginSubmit(c *fiber.Ctx) error {
	p := loginPage{Page: s.page(c, "Sign in"), Phone: c.FormValue("phone"), Next: safeNext(c.FormValue("next"))}
	u, err := s.people.Login(c.UserContext(), c.FormValue("phone"), c.FormValue("password"), c.IP())
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		c.Status(statusOf[gridskill.ErrorCode(err)])
		return c.Render("pages/login", p, "layouts/main")
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	if u.MustChangePassword {
		return c.Redirect("/account/password", fiber.StatusSeeOther)
	}
	return c.Redirect(p.Next, fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.people.Logout(c.UserContext(), u); err != nil {
		return err
	}
	s.clearSession(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// prefs stores the language and text-size choices in cookies and goes back.
func (s *Server) prefs(c *fiber.Ctx) error {
	year := 365 * 24 * 3600
	if l := c.Query("lang"); l != "" {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: pickLanguage(l), Path: "/", MaxAge: year, SameSite: "Lax", Secure: s.cfg.SecureCookies})
	}
	switch c.Query("big") {
	case "1":
		c.Cookie(&fiber.Cookie{Name: bigTextCookie, Value: "1", Path: "/", MaxAge: year, SameSite: "Lax", Secure: s.cfg.SecureCookies})
	case "0":
		c.Cookie(&fiber.Cookie{Name: bigTextCookie, Value: "", Path: "/", MaxAge: -1, SameSite: "Lax", Secure: s.cfg.SecureCookies})
	}
	return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
}
