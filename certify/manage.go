package certify

import (
	"context"
	"slices"
	"strings"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// issueQualified evaluates every active worker in a program's audience, so
// that a program saved issues at once to those who already meet it (before,
// only on their next action or the hourly sweep). It returns how many
// certificates it issued or renewed. Errors: internal.
func (s *Service) issueQualified(ctx context.Context, p Program) (int, error) {
	if s.Records == nil {
		return 0, nil
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return 0, err
	}
	issuer, ok := tree.Unit(p.IssuerID)
	if !ok {
		return 0, nil
	}
	workers, err := s.workersIn(ctx, issuer.Path[0])
	if err != nil {
		return 0, err
	}
	m := s.newMajors()
	n := 0
	for _, w := range workers {
		if !p.covers(w.UnitPath) {
			continue
		}
		outcomes, err := s.evaluateWith(ctx, m, w.ID)
		if err != nil {
			return n, err
		}
		for _, o := range outcomes {
			if o.ProgramID == p.ID && o.Action != "" {
				n++
			}
		}
	}
	return n, nil
}

// reasonText is the rule a reason an admin types keeps.
var reasonText = gridskill.Text{Field: "reason", Max: 200, Multiline: true}

// checkReason trims and checks the reason of a manual change. Errors: invalid.
func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case n < 2:
		return "", gridskill.Errorf(gridskill.EINVALID, "please give the reason")
	case n > 200:
		return "", gridskill.Errorf(gridskill.EINVALID, "the reason is longer than 200 characters")
	}
	return reason, reasonText.Check(reason)
}

// IssueManually issues a program's certificate to a worker of the actor's
// area whom the program covers, whether or not they meet its requirements
// (a certificate earned before the platform, an exam sat on paper), with the
// reason in the audit log. A revoked certificate is reinstated instead.
// Errors: invalid (no reason), forbidden, not_found, conflict (they hold one
// in force).
func (s *Service) IssueManually(ctx context.Context, actor people.User, programID, workerID, reason string) (Held, error) {
	if !actor.Role.IsAdmin() || !actor.Active {
		return Held{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only an admin can issue a certificate")
	}
	reason, err := checkReason(reason)
	if err != nil {
		return Held{}, err
	}
	p, err := s.Program(ctx, actor, programID)
	if err != nil {
		return Held{}, err
	}
	worker, err := s.people.Managed(ctx, actor, workerID)
	if err != nil {
		return Held{}, err
	}
	if worker.Role != people.Worker || !worker.Active {
		return Held{}, gridskill.Errorf(gridskill.EINVALID, "certificates are issued to active grid workers")
	}
	if !p.covers(worker.UnitPath) {
		return Held{}, gridskill.Errorf(gridskill.EINVALID, "this program is not for %s's unit", worker.Name)
	}
	id := CertificateID(p.ID, worker.ID)
	if d, err := s.repo.cert(ctx, id); err == nil {
		if d.certificate().Revoked {
			return s.Reinstate(ctx, actor, id, reason)
		}
		return Held{}, gridskill.Errorf(gridskill.ECONFLICT, "%s already holds this certificate", worker.Name)
	} else if gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		return Held{}, gridskill.Internal(err)
	}
	if err := s.issueAs(ctx, s.newMajors(), p, worker, s.clock.Now(), actor.ID, actor.Name, reason); err != nil {
		return Held{}, err
	}
	return s.Certificate(ctx, actor, id)
}

// Reinstate makes a revoked certificate valid again, for a reason, in the
// audit log; it keeps its number, code and expiry. Errors: invalid (no
// reason), forbidden, not_found, conflict (not revoked).
func (s *Service) Reinstate(ctx context.Context, actor people.User, id, reason string) (Held, error) {
	if !actor.Role.IsAdmin() || !actor.Active {
		return Held{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only an admin can reinstate a certificate")
	}
	reason, err := checkReason(reason)
	if err != nil {
		return Held{}, err
	}
	held, err := s.Certificate(ctx, actor, id)
	if err != nil {
		return Held{}, err
	}
	if !actor.CanAdminister(held.UnitPath) {
		return Held{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this certificate is outside your area")
	}
	if !held.Revoked {
		return Held{}, gridskill.Errorf(gridskill.ECONFLICT, "this certificate is not revoked")
	}
	ok, err := s.repo.reinstate(ctx, id)
	if err != nil {
		return Held{}, gridskill.Internal(err)
	}
	if !ok {
		return Held{}, gridskill.Errorf(gridskill.ECONFLICT, "this certificate is not revoked")
	}
	back, err := s.Certificate(ctx, actor, id)
	if err != nil {
		return Held{}, err
	}
	if err := s.audit(ctx, back.Certificate, ActionReinstated, back.State, actor.ID, actor.Name, reason); err != nil {
		return Held{}, err
	}
	return back, nil
}

// HolderFilter selects certificates for the holders list.
type HolderFilter struct {
	ProgramID string // all programs when empty
	UnitID    string // the actor's area when empty
	// Query is part of the holder's name, or of the certificate's number.
	Query string
	// State keeps one state only when set.
	State State
}

// Holders lists the certificates of the actor's area (or the unit given in
// it), revoked ones included, that the filter selects, by unit order then
// holder. Errors: forbidden, not_found, invalid.
func (s *Service) Holders(ctx context.Context, actor people.User, f HolderFilter) ([]Held, error) {
	unit, tree, err := s.scopeUnit(ctx, actor, f.UnitID)
	if err != nil {
		return nil, err
	}
	programID := ""
	if f.ProgramID != "" {
		p, err := s.Program(ctx, actor, f.ProgramID)
		if err != nil {
			return nil, err
		}
		programID = p.ID
	}
	if err := (gridskill.Text{Field: "q", Max: 40}).Check(f.Query); err != nil {
		return nil, err
	}
	docs, err := s.repo.certsWhere(ctx, func(d *certDoc) bool {
		return slices.Contains(d.UnitPath, unit.ID) && (programID == "" || d.ProgramID == programID)
	})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	all, err := s.held(ctx, s.newMajors(), docs)
	if err != nil {
		return nil, err
	}
	q := strings.ToUpper(strings.TrimSpace(f.Query))
	out := all[:0]
	for _, h := range all {
		if q != "" && !strings.Contains(strings.ToUpper(h.HolderName), q) && !strings.Contains(h.Number, q) {
			continue
		}
		if f.State != "" && h.State != f.State {
			continue
		}
		out = append(out, h)
	}
	order := map[string]int{}
	for i, u := range tree.Subtree(unit.ID) {
		order[u.ID] = i
	}
	slices.SortStableFunc(out, func(a, b Held) int {
		if d := order[a.UnitID] - order[b.UnitID]; d != 0 {
			return d
		}
		return strings.Compare(a.HolderName, b.HolderName)
	})
	return out, nil
}

// RequiringModule counts the certificates in force in the actor's area whose
// requirements include the module: those a major change of it sends back
// to study (refresher due). Errors: forbidden, not_found.
func (s *Service) RequiringModule(ctx context.Context, actor people.User, moduleID string) (int, error) {
	all, err := s.heldIn(ctx, actor, "")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, h := range all {
		if h.State.InForce() && slices.ContainsFunc(h.Requirements.Modules, func(m scoring.ModuleReq) bool { return m.ModuleID == moduleID }) {
			n++
		}
	}
	return n, nil
}
