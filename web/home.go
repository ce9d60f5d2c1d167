package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/contest"
	"gridskill/courses"
	"gridskill/people"
)

type homePage struct {
	Page
	UnitPath []string
	Units    []unitCount       // admins: the units directly below theirs
	People   int               // admins and trainers: accounts in their area
	Learning []courses.Item    // workers: their modules, required-and-due first
	Modules  []courses.Module  // trainers: the modules they may edit
	Exams    []examCard        // workers: the exams open to them now
	Contests []contest.Contest // workers: the competitions they take part in
	// Dashboard is an admin's dashboard of their area.
	Dashboard *overview
	// Unread is a worker's count of notices not cleared.
	Unread int
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
	if err := s.homeCourses(c, &p); err != nil {
		return err
	}
	s.homeContests(c, &p)
	s.homeExams(c, &p)
	if err := s.homeDashboard(c, &p); err != nil {
		return err
	}
	if err := s.homeNotices(c, &p); err != nil {
		return err
	}
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
