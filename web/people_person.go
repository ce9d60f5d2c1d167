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
	// CanEdit shows the edit form, Form as typed, with the roles and units
	// the viewer may give.
	CanEdit bool
	Form    people.PersonEdit
	Roles   []people.Role
	Units   []unitOption
}

func (s *Server) personPage(c *fiber.Ctx) error {
	return s.renderPerson(c, "")
}

func (s *Server) renderPerson(c *fiber.Ctx, newPassword string) error {
	p, err := s.personView(c)
	if err != nil {
		return err
	}
	p.NewPassword = newPassword
	return c.Render("people/person", p, "layouts/main")
}

// personView builds the page of the account in the path.
func (s *Server) personView(c *fiber.Ctx) (personPage, error) {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	person, err := s.people.Managed(ctx, u, c.Params("id"))
	if err != nil {
		return personPage{}, err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return personPage{}, err
	}
	p := personPage{Page: s.page(c, "Account"), Person: person, UnitPath: tree.Names(person.UnitID), CanEdit: true, Units: unitOptions(tree, u.UnitID),
		Form: people.PersonEdit{Name: person.Name, Role: person.Role, UnitID: person.UnitID, EmployeeNo: person.EmployeeNo, JoinedOn: person.JoinedOn}}
	for _, r := range people.Roles() {
		if r == person.Role || u.Role == people.DistrictAdmin || !r.IsAdmin() {
			p.Roles = append(p.Roles, r)
		}
	}
	return p, nil
}

// personUpdate: parse → update → the person's page, or the form with the problem.
func (s *Server) personUpdate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.people.Managed(c.UserContext(), u, c.Params("id")); err != nil {
		return err
	}
	edit := people.PersonEdit{Name: c.FormValue("name"), Role: people.Role(c.FormValue("role")), UnitID: c.FormValue("unit"),
		EmployeeNo: c.FormValue("employeeNo"), JoinedOn: c.FormValue("joinedOn")}
	_, err := s.people.UpdatePerson(c.UserContext(), u, c.Params("id"), edit)
	if err == nil {
		s.flash(c, "The account is saved.")
		return c.Redirect("/people/"+c.Params("id"), fiber.StatusSeeOther)
	}
	if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND && c.FormValue("unit") == "" {
		return err
	}
	p, perr := s.personView(c)
	if perr != nil {
		return perr
	}
	if err := p.problem(err); err != nil {
		return err
	}
	p.Form = edit
	return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("people/person", p, "layouts/main")
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
