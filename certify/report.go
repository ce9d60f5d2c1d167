package certify

import (
	"context"
	"slices"
	"time"

	"gridskill"
	"gridskill/people"
)

// CoverageRow is one unit's certification for one program.
type CoverageRow struct {
	Unit people.Unit
	// Depth is the unit's level below the unit reported on, for indenting.
	Depth   int
	Workers int // active workers in the unit's subtree
	// InForce counts certificates that certify their holder (valid,
	// expiring, refresher due); the others count the states apart.
	InForce      int
	Expiring     int
	RefresherDue int
	Expired      int
	Revoked      int
}

// Percent is the share of workers holding a certificate in force, rounded down.
func (r CoverageRow) Percent() int {
	if r.Workers == 0 {
		return 0
	}
	return r.InForce * 100 / r.Workers
}

// count counts one certificate in its state.
func (r *CoverageRow) count(s State) {
	switch s {
	case Expired:
		r.Expired++
	case Revoked:
		r.Revoked++
	default:
		r.InForce++
		if s == Expiring {
			r.Expiring++
		}
		if s == RefresherDue {
			r.RefresherDue++
		}
	}
}

// Coverage is a program's coverage in an admin's area, by every tier below it.
type Coverage struct {
	Program Program
	Unit    people.Unit
	Rows    []CoverageRow // the unit itself first, then each unit below it followed by its own
}

// scopeUnit resolves the unit an admin reports on: their own unit when
// unitID is empty. Errors: forbidden, not_found.
func (s *Service) scopeUnit(ctx context.Context, actor people.User, unitID string) (people.Unit, *people.Tree, error) {
	if !actor.Role.IsAdmin() || !actor.Active {
		return people.Unit{}, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only an admin can see certification in an area")
	}
	if unitID == "" {
		unitID = actor.UnitID
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return people.Unit{}, nil, err
	}
	u, ok := tree.Unit(unitID)
	if !ok {
		return people.Unit{}, nil, gridskill.Errorf(gridskill.ENOTFOUND, "no such unit")
	}
	if !actor.CanAdminister(u.Path) {
		return people.Unit{}, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	return u, tree, nil
}

// Coverage counts, for each community and grid in the unit (the actor's own
// when unitID is empty), its workers and their certificates of the program
// by state. Errors: invalid, forbidden, not_found.
func (s *Service) Coverage(ctx context.Context, actor people.User, programID, unitID string) (Coverage, error) {
	unit, tree, err := s.scopeUnit(ctx, actor, unitID)
	if err != nil {
		return Coverage{}, err
	}
	p, err := s.Program(ctx, actor, programID)
	if err != nil {
		return Coverage{}, err
	}
	workers, err := s.workersIn(ctx, unit.ID)
	if err != nil {
		return Coverage{}, err
	}
	docs, err := s.repo.certsWhere(ctx, func(d *certDoc) bool {
		return d.ProgramID == p.ID && slices.Contains(d.UnitPath, unit.ID)
	})
	if err != nil {
		return Coverage{}, gridskill.Internal(err)
	}
	held, err := s.held(ctx, s.newMajors(), docs)
	if err != nil {
		return Coverage{}, err
	}
	// The unit itself, then every tier below it, each unit followed by its
	// own (at district level the streets, each with its communities and
	// their grids; the street tier used to be left out). Only the
	// program's audience counts: a district's street-wide program is not
	// measured against the other streets' workers.
	r := people.NewRollup[CoverageRow](tree, unit, nil)
	for _, w := range workers {
		if p.covers(w.UnitPath) {
			r.Add(w.UnitPath, func(row *CoverageRow) { row.Workers++ })
		}
	}
	for _, h := range held {
		r.Add(h.UnitPath, func(row *CoverageRow) { row.count(h.State) })
	}
	c := Coverage{Program: p, Unit: unit}
	for _, t := range r.Rows() {
		row := t.Count
		row.Unit, row.Depth = t.Unit, t.Depth
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// workersIn returns every active worker in the unit's subtree, which the
// caller has checked may be read, from the accounts people holds
// in memory (the roster's pages of 200 scanned the users collection once a
// page).
func (s *Service) workersIn(ctx context.Context, unitID string) ([]people.User, error) {
	return s.people.Workers(ctx, unitID)
}

// heldIn returns the unrevoked certificates in the actor's area (or the
// given unit in it) with their states. Errors: forbidden, not_found.
func (s *Service) heldIn(ctx context.Context, actor people.User, unitID string) ([]Held, error) {
	unit, _, err := s.scopeUnit(ctx, actor, unitID)
	if err != nil {
		return nil, err
	}
	docs, err := s.repo.certsWhere(ctx, func(d *certDoc) bool {
		return !d.Revoked && slices.Contains(d.UnitPath, unit.ID)
	})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	return s.held(ctx, s.newMajors(), docs)
}

// Expiring returns the certificates in the actor's area (or the given unit
// in it) that are in force and expire within the next days days, soonest
// first. Errors: invalid, forbidden, not_found.
func (s *Service) Expiring(ctx context.Context, actor people.User, unitID string, days int) ([]Held, error) {
	if days < 1 || days > 366 {
		return nil, gridskill.Errorf(gridskill.EINVALID, "choose between 1 and 366 days")
	}
	all, err := s.heldIn(ctx, actor, unitID)
	if err != nil {
		return nil, err
	}
	until := s.clock.Now().Add(time.Duration(days) * 24 * time.Hour)
	var out []Held
	for _, h := range all {
		if h.State.InForce() && !h.ExpiresAt.IsZero() && h.ExpiresAt.Before(until) {
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(a, b Held) int { return a.ExpiresAt.Compare(b.ExpiresAt) })
	return out, nil
}

// RefresherDueList returns the certificates in the actor's area (or the
// given unit in it) whose holders must re-study a changed module. Errors:
// forbidden, not_found.
func (s *Service) RefresherDueList(ctx context.Context, actor people.User, unitID string) ([]Held, error) {
	all, err := s.heldIn(ctx, actor, unitID)
	if err != nil {
		return nil, err
	}
	var out []Held
	for _, h := range all {
		if h.State == RefresherDue {
			out = append(out, h)
		}
	}
	return out, nil
}

// WarmCertificates reads every certificate into memory, so that the first
// list or dashboard need not wait for it.
func (s *Service) WarmCertificates() { <-s.repo.held.Warm() }

// RefreshCertificates has the certificates held in memory read again in the
// background once they are every old: with several instances, that bounds
// how long another instance's issues and revocations go unseen in lists.
// A worker's own certificates are then read by id as well (ofWorker).
func (s *Service) RefreshCertificates(every time.Duration) {
	s.repo.held.SetRefresh(every)
	s.shared.Store(every > 0)
}
