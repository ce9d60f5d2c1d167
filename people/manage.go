package people

import (
	"context"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
)

// PersonEdit is what an admin may change of an account: the roster's fields
// but the phone number, which signs in.
type PersonEdit struct {
	Name       string
	Role       Role
	UnitID     string
	EmployeeNo string
	JoinedOn   string
}

// UpdatePerson changes an account's name, role, unit (moving the person to
// another grid), employee number and joining date, as a roster import would.
// The unit must lie inside the actor's area and fit the role (a worker is in
// a grid). Errors: forbidden, not_found, invalid.
func (s *Service) UpdatePerson(ctx context.Context, actor User, id string, e PersonEdit) (User, error) {
	u, err := s.managed(ctx, actor, id)
	if err != nil {
		return User{}, err
	}
	e.Name, e.EmployeeNo, e.JoinedOn = strings.TrimSpace(e.Name), strings.TrimSpace(e.EmployeeNo), strings.TrimSpace(e.JoinedOn)
	if err := ValidateName(e.Name); err != nil {
		return User{}, err
	}
	if !e.Role.Valid() {
		return User{}, gridskill.Errorf(gridskill.EINVALID, "unknown role %q", e.Role)
	}
	if e.Role != u.Role && !mayGive(actor, e.Role) {
		return User{}, gridskill.Errorf(gridskill.EFORBIDDEN, "you cannot give this role")
	}
	if u.ID == actor.ID && e.Role != u.Role {
		return User{}, gridskill.Errorf(gridskill.EINVALID, "you cannot change your own role")
	}
	if reason, args := employeeText.Problem(e.EmployeeNo); reason != "" {
		return User{}, gridskill.Errorf(gridskill.EINVALID, reason, args...)
	}
	if e.JoinedOn != "" {
		d, ok := parseDate(e.JoinedOn)
		if !ok {
			return User{}, gridskill.Errorf(gridskill.EINVALID, "not a date like 2024-03-01")
		}
		e.JoinedOn = d
	}
	unit, err := s.Unit(ctx, e.UnitID)
	if err != nil {
		return User{}, err
	}
	if !actor.CanAdminister(unit.Path) {
		return User{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	if e.Role == Worker && unit.Kind != Grid {
		return User{}, gridskill.Errorf(gridskill.EINVALID, "a grid worker belongs to a grid")
	}
	d, err := s.repo.updateUser(ctx, u.ID, bson.M{"name": e.Name, "role": string(e.Role), "unitId": unit.ID, "unitPath": unit.Path,
		"employeeNo": e.EmployeeNo, "joinedOn": e.JoinedOn, "updatedAt": s.clock.Now()})
	if err != nil {
		s.changed(ctx, nil, []string{u.ID}, false)
		return User{}, gridskill.Internal(err)
	}
	s.changed(ctx, []userDoc{d}, nil, false)
	return d.user(), nil
}

// DeactivateMany deactivates the listed accounts (leavers picked from the
// roster), ending their sessions, and returns how many it deactivated. An id
// the actor may not manage, their own, or one named twice is refused with a
// problem naming it and the others go ahead. Errors: forbidden (not an
// admin), invalid (no ids, or more than 500).
func (s *Service) DeactivateMany(ctx context.Context, actor User, ids []string) (int, []gridskill.FieldError, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return 0, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only street and district admins manage accounts")
	}
	if len(ids) == 0 || len(ids) > 500 {
		return 0, nil, gridskill.Errorf(gridskill.EINVALID, "choose 1 to 500 people")
	}
	var problems []gridskill.FieldError
	n := 0
	firstCode := ""
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		err := s.SetActive(ctx, actor, id, false)
		if code := gridskill.ErrorCode(err); code == gridskill.EINTERNAL {
			return n, problems, err
		} else if err != nil {
			if firstCode == "" {
				firstCode = code
			}
			reason, args := errorText(err)
			field := id
			if u, err := s.User(ctx, id); err == nil && InScope(u.UnitPath, actor.UnitID) {
				field = u.Name // never the name of an account outside the actor's area
			}
			problems = append(problems, gridskill.FieldError{Field: field, Reason: reason, Args: args})
			continue
		}
		n++
	}
	if n == 0 && len(problems) > 0 {
		// Nothing changed: the answer is the refusal, as for one account.
		return 0, problems, gridskill.Errorf(firstCode, problems[0].Reason, problems[0].Args...)
	}
	return n, problems, nil
}

// errorText is an error's message and its arguments, for a problem list.
func errorText(err error) (string, []any) {
	if e, ok := err.(*gridskill.Error); ok {
		return e.Format, e.Args
	}
	return "not possible", nil
}

// UnitRecords reports what the other features keep about units: sentences,
// keys of the message catalogue without arguments, naming what depends on
// them ("exams are set for it"); none when nothing does. main wires the
// features that keep records by unit.
type UnitRecords func(ctx context.Context, unitIDs []string) ([]string, error)

// managedUnit returns a unit the actor administers, and refuses the actor's
// own unit and anything above it. Errors: forbidden, not_found.
func (s *Service) managedUnit(ctx context.Context, actor User, id string) (Unit, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return Unit{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only street and district admins manage units")
	}
	u, err := s.Unit(ctx, id)
	if err != nil {
		return Unit{}, err
	}
	if !actor.CanAdminister(u.Path) {
		return Unit{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	if u.ID == actor.UnitID {
		return Unit{}, gridskill.Errorf(gridskill.EFORBIDDEN, "your own unit is managed from above it")
	}
	return u, nil
}

// RenameUnit gives a unit a new name; its id, and so every record of it,
// stays. Errors: forbidden, not_found, invalid, conflict (a sibling has the
// name).
func (s *Service) RenameUnit(ctx context.Context, actor User, id, name string) (Unit, error) {
	u, err := s.managedUnit(ctx, actor, id)
	if err != nil {
		return Unit{}, err
	}
	u.Name = strings.TrimSpace(name)
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	t, _ := s.Tree(ctx)
	if other, dup := t.Child(u.ParentID, u.Name); dup && other.ID != u.ID {
		return Unit{}, gridskill.Errorf(gridskill.ECONFLICT, "a unit beside it is already named %s", u.Name)
	}
	if err := s.repo.setUnit(ctx, u.ID, bson.M{"name": u.Name}); err != nil {
		return Unit{}, gridskill.Internal(err)
	}
	s.changed(ctx, nil, nil, true)
	return u, nil
}

// MoveUnit puts a unit, with everything and everyone below it, under
// another parent of the kind above it (a grid to another community).
// Accounts below it follow; records already kept (an attempt sat there)
// stay with the area they were made in. Errors: forbidden, not_found,
// invalid, conflict (the new parent has a unit of that name).
func (s *Service) MoveUnit(ctx context.Context, actor User, id, parentID string) (Unit, error) {
	u, err := s.managedUnit(ctx, actor, id)
	if err != nil {
		return Unit{}, err
	}
	parent, err := s.Unit(ctx, parentID)
	if err != nil {
		return Unit{}, err
	}
	if !actor.CanAdminister(parent.Path) {
		return Unit{}, gridskill.Errorf(gridskill.EFORBIDDEN, "the new parent is outside your area")
	}
	if parent.Kind.Child() != u.Kind {
		return Unit{}, gridskill.Errorf(gridskill.EINVALID, "a unit goes below a unit of the kind just above its own (a grid below a community)")
	}
	if parent.ID == u.ParentID {
		return u, nil
	}
	t, _ := s.Tree(ctx)
	if _, dup := t.Child(parent.ID, u.Name); dup {
		return Unit{}, gridskill.Errorf(gridskill.ECONFLICT, "%s already has a unit named %s; rename one first or merge them", parent.Name, u.Name)
	}
	if err := s.rehome(ctx, t, u, parent); err != nil {
		return Unit{}, err
	}
	moved, _ := s.Unit(ctx, u.ID)
	return moved, nil
}

// rehome gives u and its subtree paths below parent, then the accounts of
// the subtree their new paths. Units first, so a crash in between leaves
// accounts whose paths a repeated move rewrites.
func (s *Service) rehome(ctx context.Context, t *Tree, u, parent Unit) error {
	sub := t.Subtree(u.ID)
	prefix := len(u.Path) - 1
	paths := map[string][]string{}
	for _, x := range sub {
		p := append(slices.Clone(parent.Path), x.Path[prefix:]...)
		paths[x.ID] = p
		set := bson.M{"path": p}
		if x.ID == u.ID {
			set["parentId"] = parent.ID
		}
		if err := s.repo.setUnit(ctx, x.ID, set); err != nil {
			s.changed(ctx, nil, nil, true)
			return gridskill.Internal(err)
		}
	}
	s.changed(ctx, nil, nil, true)
	var written []userDoc
	for _, d := range s.dir.inUnits(paths) {
		nd, err := s.repo.updateUser(ctx, d.ID, bson.M{"unitPath": paths[d.UnitID], "updatedAt": s.clock.Now()})
		if err != nil {
			s.changed(ctx, written, []string{d.ID}, false)
			return gridskill.Internal(err)
		}
		written = append(written, nd)
	}
	if len(written) > 0 {
		s.changed(ctx, written, nil, false)
	}
	return nil
}

// MergeUnits moves everyone and every unit below from into into (two grids
// of a community become one) and deletes from. Both must be of one kind and
// inside the actor's area. Refused, with the reason, while other records
// (exams, assignments, programs) name from: those are moved by hand first.
// Errors: forbidden, not_found, invalid, conflict.
func (s *Service) MergeUnits(ctx context.Context, actor User, fromID, intoID string, records UnitRecords) (Unit, error) {
	from, err := s.managedUnit(ctx, actor, fromID)
	if err != nil {
		return Unit{}, err
	}
	into, err := s.managedUnit(ctx, actor, intoID)
	if err != nil {
		return Unit{}, err
	}
	if from.ID == into.ID || from.Kind != into.Kind || InScope(into.Path, from.ID) {
		return Unit{}, gridskill.Errorf(gridskill.EINVALID, "merge a unit into another of the same kind")
	}
	if err := s.refuseRecords(ctx, records, []string{from.ID}, "%s cannot be merged yet: %s"); err != nil {
		return Unit{}, err
	}
	t, _ := s.Tree(ctx)
	for _, ch := range t.Children(from.ID) {
		if _, dup := t.Child(into.ID, ch.Name); dup {
			return Unit{}, gridskill.Errorf(gridskill.ECONFLICT, "both have a unit named %s; rename one first", ch.Name)
		}
	}
	for _, ch := range t.Children(from.ID) {
		if err := s.rehome(ctx, t, ch, into); err != nil {
			return Unit{}, err
		}
	}
	var written []userDoc
	for _, d := range s.dir.inUnits(map[string][]string{from.ID: nil}) {
		nd, err := s.repo.updateUser(ctx, d.ID, bson.M{"unitId": into.ID, "unitPath": into.Path, "updatedAt": s.clock.Now()})
		if err != nil {
			s.changed(ctx, written, []string{d.ID}, false)
			return Unit{}, gridskill.Internal(err)
		}
		written = append(written, nd)
	}
	if len(written) > 0 {
		s.changed(ctx, written, nil, false)
	}
	if err := s.repo.deleteUnit(ctx, from.ID); err != nil {
		return Unit{}, gridskill.Internal(err)
	}
	s.changed(ctx, nil, nil, true)
	return into, nil
}

// DeleteUnit removes a unit that nothing depends on: no unit below it, no
// account (active or not) in it, and no record of another feature naming
// it. Refusals say what depends on it. Errors: forbidden, not_found,
// conflict.
func (s *Service) DeleteUnit(ctx context.Context, actor User, id string, records UnitRecords) error {
	u, err := s.managedUnit(ctx, actor, id)
	if err != nil {
		return err
	}
	t, _ := s.Tree(ctx)
	if n := len(t.Children(u.ID)); n > 0 {
		return gridskill.Errorf(gridskill.ECONFLICT, "%s cannot be deleted: %d units are below it", u.Name, n)
	}
	if n := len(s.dir.inUnits(map[string][]string{u.ID: nil})); n > 0 {
		return gridskill.Errorf(gridskill.ECONFLICT, "%s cannot be deleted: %d accounts belong to it; move or merge them first", u.Name, n)
	}
	if err := s.refuseRecords(ctx, records, []string{u.ID}, "%s cannot be deleted: %s"); err != nil {
		return err
	}
	if err := s.repo.deleteUnit(ctx, u.ID); err != nil {
		return gridskill.Internal(err)
	}
	s.changed(ctx, nil, nil, true)
	return nil
}

// refuseRecords is a conflict naming what other features keep about the
// units, or nil when nothing does.
func (s *Service) refuseRecords(ctx context.Context, records UnitRecords, ids []string, format string) error {
	if records == nil {
		return nil
	}
	why, err := records(ctx, ids)
	if err != nil {
		return gridskill.Internal(err)
	}
	if len(why) == 0 {
		return nil
	}
	u, _ := s.Unit(ctx, ids[0])
	return gridskill.Errorf(gridskill.ECONFLICT, format, u.Name, gridskill.Label(why[0]))
}
