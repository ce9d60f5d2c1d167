package certify

import (
	"context"

	"gridskill"
	"gridskill/people"
	"gridskill/store"
)

// Programs returns the programs an admin may see: those issued inside their
// area and those whose audience reaches into it. Errors: forbidden.
func (s *Service) Programs(ctx context.Context, actor people.User) ([]Program, error) {
	if !actor.Role.IsAdmin() || !actor.Active {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only an admin can manage certification")
	}
	all, err := s.repo.allPrograms(ctx)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var out []Program
	for _, p := range all {
		if s.visible(tree, actor, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// visible reports whether a program concerns the actor's area: issued by a
// unit above, at or below theirs.
func (s *Service) visible(tree *people.Tree, actor people.User, p Program) bool {
	issuer, ok := tree.Unit(p.IssuerID)
	if !ok {
		return false
	}
	return issuer.Within(actor.UnitID) || people.InScope(actor.UnitPath, p.IssuerID)
}

// Program returns one program to an admin it concerns. Errors: invalid,
// forbidden, not_found.
func (s *Service) Program(ctx context.Context, actor people.User, id string) (Program, error) {
	if !actor.Role.IsAdmin() || !actor.Active {
		return Program{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only an admin can manage certification")
	}
	if !validCertID(id) {
		return Program{}, gridskill.Errorf(gridskill.EINVALID, "this is not a program id")
	}
	p, err := s.repo.program(ctx, id)
	if err != nil {
		if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
			return Program{}, err
		}
		return Program{}, gridskill.Internal(err)
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Program{}, err
	}
	if !s.visible(tree, actor, p) {
		return Program{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this program is outside your area")
	}
	return p, nil
}

// checkIssuer fills the issuer's name and checks the actor administers the
// issuing unit and the audience lies inside it.
func (s *Service) checkIssuer(ctx context.Context, actor people.User, p *Program) error {
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	issuer, ok := tree.Unit(p.IssuerID)
	if !ok {
		return gridskill.Errorf(gridskill.EINVALID, "no such issuing unit")
	}
	if !actor.CanAdminister(issuer.Path) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only admins of the issuing unit can edit its programs")
	}
	for _, a := range p.Audience {
		u, ok := tree.Unit(a)
		if !ok || !u.Within(issuer.ID) {
			return gridskill.Errorf(gridskill.EINVALID, "the audience must be units inside the issuing unit")
		}
	}
	p.IssuerName = issuer.Name
	return nil
}

// checkRequired refuses modules and exams that the catalogue does not offer,
// unless the program already required them (old is the program before the
// change): a module withdrawn later does not lock its programs. Nothing is
// checked while no catalogue is wired. Errors: invalid, internal.
func (s *Service) checkRequired(ctx context.Context, p, old Program) error {
	if err := s.checkChecklists(ctx, p, old); err != nil {
		return err
	}
	if s.Catalog == nil {
		return nil
	}
	modules, exams, err := s.Choices(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, c := range modules {
		known["m:"+c.ID] = true
	}
	for _, c := range exams {
		known["e:"+c.ID] = true
	}
	for _, m := range old.Requirements.Modules {
		known["m:"+m.ModuleID] = true
	}
	for _, e := range old.Requirements.Exams {
		known["e:"+e.ExamID] = true
	}
	for _, e := range old.Checks {
		known["e:"+e] = true
	}
	for _, m := range p.Requirements.Modules {
		if !known["m:"+m.ModuleID] {
			return gridskill.Errorf(gridskill.EINVALID, "there is no published module %q", m.ModuleID)
		}
	}
	for _, e := range p.Requirements.Exams {
		if !known["e:"+e.ExamID] {
			return gridskill.Errorf(gridskill.EINVALID, "there is no exam %q", e.ExamID)
		}
	}
	for _, e := range p.Checks {
		if !known["e:"+e] {
			return gridskill.Errorf(gridskill.EINVALID, "there is no exam %q", e)
		}
	}
	return nil
}

// CreateProgram adds a program issued by p.IssuerID (the actor's own unit
// when empty). Errors: invalid, forbidden.
func (s *Service) CreateProgram(ctx context.Context, actor people.User, p Program) (Program, error) {
	if !actor.Role.IsAdmin() || !actor.Active {
		return Program{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only an admin can manage certification")
	}
	if p.IssuerID == "" {
		p.IssuerID = actor.UnitID
	}
	if err := s.checkIssuer(ctx, actor, &p); err != nil {
		return Program{}, err
	}
	if err := p.Validate(); err != nil {
		return Program{}, err
	}
	if err := s.checkRequired(ctx, p, Program{}); err != nil {
		return Program{}, err
	}
	now := s.clock.Now()
	p.ID, p.CreatedBy, p.CreatedAt, p.UpdatedAt = "p"+randomID(), actor.ID, now, now
	if err := s.repo.insertProgram(ctx, p); err != nil {
		return Program{}, gridskill.Internal(err)
	}
	if _, err := s.issueQualified(ctx, p); err != nil {
		return p, err
	}
	return p, nil
}

// UpdateProgram replaces a program's name, requirements, validity, checks
// and audience. Certificates already issued keep the requirements they were
// issued under; the issuing unit does not change. Errors: invalid, forbidden,
// not_found.
func (s *Service) UpdateProgram(ctx context.Context, actor people.User, p Program) (Program, error) {
	old, err := s.Program(ctx, actor, p.ID)
	if err != nil {
		return Program{}, err
	}
	p.IssuerID, p.CreatedBy, p.CreatedAt = old.IssuerID, old.CreatedBy, old.CreatedAt
	if err := s.checkIssuer(ctx, actor, &p); err != nil {
		return Program{}, err
	}
	if err := p.Validate(); err != nil {
		return Program{}, err
	}
	if err := s.checkRequired(ctx, p, old); err != nil {
		return Program{}, err
	}
	p.UpdatedAt = s.clock.Now()
	if err := s.repo.replaceProgram(ctx, p); err != nil {
		if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
			return Program{}, err
		}
		return Program{}, gridskill.Internal(err)
	}
	if _, err := s.issueQualified(ctx, p); err != nil {
		return p, err
	}
	return p, nil
}

// SeedProgram writes a program with its fixed id as given, for demo and
// test data; it checks no actor. A program already there is left as it is.
// Errors: invalid.
func (s *Service) SeedProgram(ctx context.Context, p Program) error {
	if err := p.Validate(); err != nil {
		return err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	issuer, ok := tree.Unit(p.IssuerID)
	if !ok {
		return gridskill.Errorf(gridskill.EINVALID, "no such issuing unit")
	}
	p.IssuerName = issuer.Name
	now := s.clock.Now()
	p.CreatedAt, p.UpdatedAt = now, now
	if p.CreatedBy == "" {
		p.CreatedBy = system
	}
	if err := s.repo.insertProgram(ctx, p); err != nil && !store.IsDuplicate(err) {
		return gridskill.Internal(err)
	}
	return nil
}

// Required returns the distinct modules and exams that some program
// requires, so a records source knows what to read. Errors: internal.
func (s *Service) Required(ctx context.Context) (modules, exams []string, err error) {
	all, err := s.repo.allPrograms(ctx)
	if err != nil {
		return nil, nil, gridskill.Internal(err)
	}
	seen := map[string]bool{}
	for _, p := range all {
		for _, m := range p.Requirements.Modules {
			if !seen["m:"+m.ModuleID] {
				seen["m:"+m.ModuleID] = true
				modules = append(modules, m.ModuleID)
			}
		}
		for _, e := range p.Requirements.Exams {
			if !seen["e:"+e.ExamID] {
				seen["e:"+e.ExamID] = true
				exams = append(exams, e.ExamID)
			}
		}
	}
	return modules, exams, nil
}
