package web

import (
	"context"

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
	root, err := s.unitTree(c.UserContext(), u)
	if err != nil {
		return err
	}
	p.Root = root
	return c.Render("people/units", p, "layouts/main")
}

// unitTree is the actor's unit and everything below it, with active accounts
// counted per subtree; nil when the actor's unit no longer exists.
func (s *Server) unitTree(ctx context.Context, actor people.User) (*unitNode, error) {
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := s.people.CountByUnit(ctx, actor)
	if err != nil {
		return nil, err
	}
	var build func(unit people.Unit) *unitNode
	build = func(unit people.Unit) *unitNode {
		n := &unitNode{Unit: unit, People: counts[unit.ID]}
		for _, ch := range tree.Children(unit.ID) {
			n.Children = append(n.Children, build(ch))
		}
		return n
	}
	root, ok := tree.Unit(actor.UnitID)
	if !ok {
		return nil, nil
	}
	return build(root), nil
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
