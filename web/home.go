package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/people"
)

type homePage struct {
	Page
	UnitPath []string
	Units    []unitCount // admins: the units directly below theirs
	People   int         // admins and trainers: accounts in their area
}

// home is each role's start page: workers see their learning, trainers their
// material, admins their area.
func (s *Server) home(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	p := homePage{Page: s.page(c, "Home"), UnitPath: tree.Names(u.UnitID)}
	if u.Role != people.Worker {
		counts, err := s.people.CountByUnit(ctx, u)
		if err != nil {
			return err
		}
		p.People = counts[u.UnitID]
		for _, child := range tree.Children(u.UnitID) {
			p.Units = append(p.Units, unitCount{Unit: child, People: counts[child.ID]})
		}
	}
	return c.Render("pages/home", p, "layouts/main")
}

type unitCount struct {
	Unit   people.Unit
	People int
}
