package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

type unitPage struct {
	Page
	Unit     people.Unit
	Names    []string
	People   int
	Children []people.Unit
	// Parents are the units it may move below, Peers those it may merge into.
	Parents, Peers []unitOption
	Name           string
}

// unitPage shows a unit with its rename, move, merge and delete forms.
func (s *Server) unitPage(c *fiber.Ctx) error {
	p, err := s.unitView(c)
	if err != nil {
		return err
	}
	return c.Render("people/unit", p, "layouts/main")
}

func (s *Server) unitView(c *fiber.Ctx) (unitPage, error) {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	unit, err := s.people.Unit(ctx, c.Params("id"))
	if err != nil {
		return unitPage{}, err
	}
	if !u.CanAdminister(unit.Path) {
		return unitPage{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such unit")
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return unitPage{}, err
	}
	counts, err := s.people.CountByUnit(ctx, u)
	if err != nil {
		return unitPage{}, err
	}
	p := unitPage{Page: s.page(c, "Unit"), Unit: unit, Names: tree.Names(unit.ID), People: counts[unit.ID], Children: tree.Children(unit.ID), Name: unit.Name}
	for _, x := range tree.Subtree(u.UnitID) {
		switch {
		case x.Kind.Child() == unit.Kind && x.ID != unit.ParentID:
			p.Parents = append(p.Parents, unitOption{ID: x.ID, Label: unitLabel(tree, x.ID, u.UnitID)})
		case x.Kind == unit.Kind && x.ID != unit.ID:
			p.Peers = append(p.Peers, unitOption{ID: x.ID, Label: unitLabel(tree, x.ID, u.UnitID)})
		}
	}
	return p, nil
}

// unitRecords names what the other features keep about units, for a merge
// or a delete.
func (s *Server) unitRecords(ctx context.Context, ids []string) ([]string, error) {
	var why []string
	features := []people.UnitRecords{s.quiz.UnitRecords, s.courses.UnitRecords}
	if s.certify != nil {
		features = append(features, s.certify.UnitRecords)
	}
	if s.contest != nil {
		features = append(features, s.contest.UnitRecords)
	}
	for _, f := range features {
		w, err := f(ctx, ids)
		if err != nil {
			return nil, err
		}
		why = append(why, w...)
	}
	return why, nil
}

func (s *Server) unitRename(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.people.RenameUnit(c.UserContext(), u, c.Params("id"), c.FormValue("name"))
	return s.unitDone(c, err, "The unit is renamed.", "/units/"+c.Params("id"))
}

func (s *Server) unitMove(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.people.MoveUnit(c.UserContext(), u, c.Params("id"), c.FormValue("parent"))
	return s.unitDone(c, err, "The unit is moved, with everyone in it.", "/units/"+c.Params("id"))
}

func (s *Server) unitMerge(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	into, err := s.people.MergeUnits(c.UserContext(), u, c.Params("id"), c.FormValue("into"), s.unitRecords)
	return s.unitDone(c, err, "The units are merged.", "/units/"+into.ID)
}

func (s *Server) unitDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	err := s.people.DeleteUnit(c.UserContext(), u, c.Params("id"), s.unitRecords)
	return s.unitDone(c, err, "The unit is deleted.", "/units")
}

// unitDone ends a unit change: the next page with a message, or the unit's
// page with the reason it was refused.
func (s *Server) unitDone(c *fiber.Ctx, err error, done, next string) error {
	if err == nil {
		s.flash(c, done)
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EFORBIDDEN || code == gridskill.EINTERNAL {
		return err
	}
	p, perr := s.unitView(c)
	if perr != nil {
		return perr
	}
	if err := p.problem(err); err != nil {
		return err
	}
	if v := c.FormValue("name"); v != "" {
		p.Name = v
	}
	return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("people/unit", p, "layouts/main")
}
