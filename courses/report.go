package courses

import (
	"context"

	"gridskill"
	"gridskill/people"
)

// UnitRow is one unit's line in a completion report: how many of its grid
// workers the module is meant for and how many have completed it.
type UnitRow struct {
	Unit      people.Unit
	Depth     int
	Names     []string // the unit's path names, from the report's scope down
	Workers   int
	Completed int
}

// Percent is the share of workers who completed the module.
func (r UnitRow) Percent() int {
	if r.Workers == 0 {
		return 0
	}
	return r.Completed * 100 / r.Workers
}

// Report is a module's completion by unit (street → community → grid).
type Report struct {
	Module Module
	Scope  people.Unit
	Rows   []UnitRow
}

// Completion reports a module's completion in the actor's area, by unit.
// The workers counted are those under units the module is assigned to (all
// workers of the area when it is not assigned); a completion counts when it
// is of the current version or a minor update of it.
// Errors: invalid, not_found, forbidden.
func (s *Service) Completion(ctx context.Context, actor people.User, moduleID string) (Report, error) {
	if !isStaff(actor) {
		return Report{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins see completion reports")
	}
	if !ValidID(moduleID) {
		return Report{}, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return Report{}, err
	}
	m, ok := c.modules[moduleID]
	if !ok || !canRead(actor, m) {
		return Report{}, errNoModule()
	}
	if m.Published == nil {
		return Report{}, gridskill.Errorf(gridskill.EINVALID, "the module is not published yet")
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Report{}, err
	}
	scope, ok := tree.Unit(actor.UnitID)
	if !ok {
		return Report{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such unit")
	}
	workers, err := s.people.Workers(ctx, scope.ID)
	if err != nil {
		return Report{}, err
	}
	var targets []string
	for _, a := range c.assignments {
		if a.ModuleID == m.ID {
			targets = append(targets, a.UnitID)
		}
	}
	done, err := s.repo.completionsOf(ctx, m.ID, scope.ID)
	if err != nil {
		return Report{}, err
	}
	completed := map[string]bool{}
	for _, d := range done {
		if d.Version >= m.Published.LastMajor {
			completed[d.WorkerID] = true
		}
	}
	rollup := people.NewRollup[UnitRow](tree, scope, nil)
	for _, w := range workers {
		if meantFor(w, targets) {
			rollup.Add(w.UnitPath, func(row *UnitRow) {
				row.Workers++
				if completed[w.ID] {
					row.Completed++
				}
			})
		}
	}
	r := Report{Module: m, Scope: scope}
	for _, t := range rollup.Rows() {
		row := t.Count
		row.Unit, row.Depth, row.Names = t.Unit, t.Depth, t.Names
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// meantFor reports whether a module assigned to the target units (to every
// worker when there are none) is meant for the worker.
func meantFor(w people.User, targets []string) bool {
	if len(targets) == 0 {
		return true
	}
	for _, t := range targets {
		if people.InScope(w.UnitPath, t) {
			return true
		}
	}
	return false
}
