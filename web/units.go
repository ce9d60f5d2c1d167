package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

type unitsPage struct {
	Page
	Root   *unitNode
	Parent string
	Name   string
}

type unitNode struct {
	Unit     people.Unit
	People   int
	Children []*unitNode
}

func (s *Server) unitsPage(c *fiber.Ctx) error {
	p := unitsPage{Page: s.page(c, "Units")}
	return s.renderUnits(c, p)
}

func (s *Server) renderUnits(c *fiber.Ctx, p unitsPage) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	counts, err := s.people.CountByUnit(ctx, u)
	if err != nil {
		return err
	}
	var build func(unit people.Unit) *unitNode
	build = func(unit people.Unit) *unitNode {
		n := &unitNode{Unit: unit, People: counts[unit.ID]}
		for _, ch := range tree.Children(unit.ID) {
			n.Children = append(n.Children, build(ch))
		}
		return n
	}
	if root, ok := tree.Unit(u.UnitID); ok {
		p.Root = build(root)
	}
	return c.Render("people/units", p, "layouts/main")
}

func (s *Server) unitCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := unitsPage{Page: s.page(c, "Units"), Parent: c.FormValue("parent"), Name: c.FormValue("name")}
	created, err := s.people.CreateUnit(c.UserContext(), u, p.Parent, p.Name)
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		c.Status(statusOf[gridskill.ErrorCode(err)])
		return s.renderUnits(c, p)
	}
	s.flash(c, "The unit has been added.")
	_ = created
	return c.Redirect("/units", fiber.StatusSeeOther)
}
