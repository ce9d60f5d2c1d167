// Package certify holds certification: programs and their requirements,
// issuing certificates automatically when a worker's record meets them,
// expiry, refresher and renewal, revocation, an append-only audit log, public
// verification by code, the worker's transcript and the admins' coverage
// lists. Whether requirements are met is decided by scoring.Evaluate; what a
// worker has done comes from the small interfaces declared in sources.go.
package certify

import (
	"strings"
	"time"

	"gridskill"
	"gridskill/scoring"
)

// Program is a certification program, e.g. 反诈宣传员.
type Program struct {
	ID       string
	Name     string
	IssuerID string // the issuing unit; its admins edit the program
	// IssuerName is the issuing unit's name, shown on certificates.
	IssuerName     string
	Requirements   scoring.Requirements
	ValidityMonths int // 0: certificates do not expire
	// Checks names, per required module, the exam that checks it: after a
	// major change of the module a refresher needs the module completed at
	// its new version and, when set, that exam passed again.
	Checks map[string]string
	// Audience lists the units whose workers the program is for; empty means
	// the issuing unit's whole subtree.
	Audience  []string
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

var nameText = gridskill.Text{Field: "program name", Max: maxNameRunes}

// checkIDs refuses ids that are not ids: modules name the keys of the
// program's and its certificates' checks and majors, so "$where" or "a.b"
// would break the document. Errors: invalid.
func (p *Program) checkIDs() error {
	bad := func(kind gridskill.Label, id string) error {
		return gridskill.Errorf(gridskill.EINVALID, "%s %q is not a valid id", kind, id)
	}
	for _, m := range p.Requirements.Modules {
		if !validCertID(m.ModuleID) {
			return bad("module", m.ModuleID)
		}
	}
	for _, e := range p.Requirements.Exams {
		if !validCertID(e.ExamID) {
			return bad("exam", e.ExamID)
		}
	}
	for m, e := range p.Checks {
		if !validCertID(m) {
			return bad("module", m)
		}
		if e != "" && !validCertID(e) {
			return bad("exam", e)
		}
	}
	if a := p.Requirements.Award; a != nil && a.ContestID != "" && !validCertID(a.ContestID) {
		return bad("contest", a.ContestID)
	}
	for _, c := range p.Requirements.Checklists {
		if !validCertID(c) {
			return bad("checklist", c)
		}
	}
	for _, u := range p.Audience {
		if !validCertID(u) {
			return bad("unit", u)
		}
	}
	return nil
}

// Limits of a program.
const (
	MaxValidityMonths = 120
	maxNameRunes      = 40
	maxRequirements   = 10
)

// Validate checks a program before it is stored. Errors: invalid.
func (p *Program) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	n := len([]rune(p.Name))
	switch {
	case n < 2:
		return gridskill.Errorf(gridskill.EINVALID, "the program needs a name of at least 2 characters")
	case n > maxNameRunes:
		return gridskill.Errorf(gridskill.EINVALID, "the program name is longer than %d characters", maxNameRunes)
	case p.ValidityMonths < 0 || p.ValidityMonths > MaxValidityMonths:
		return gridskill.Errorf(gridskill.EINVALID, "validity must be 0 to %d months", MaxValidityMonths)
	case p.IssuerID == "":
		return gridskill.Errorf(gridskill.EINVALID, "the program needs an issuing unit")
	}
	if err := nameText.Check(p.Name); err != nil {
		return err
	}
	if err := p.checkIDs(); err != nil {
		return err
	}
	r := p.Requirements
	if len(r.Modules)+len(r.Exams) > maxRequirements {
		return gridskill.Errorf(gridskill.EINVALID, "a program may require at most %d modules and exams", maxRequirements)
	}
	if len(r.Modules) == 0 && len(r.Exams) == 0 && r.MinHours == 0 && r.Award == nil && len(r.Checklists) == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "the program needs at least one requirement")
	}
	if err := r.Validate(); err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "the requirements are not valid: %s", err.Error())
	}
	if r.MinHours > 1000 {
		return gridskill.Errorf(gridskill.EINVALID, "required hours must be at most 1000")
	}
	seen := map[string]bool{}
	for _, c := range r.Checklists {
		if seen["c:"+c] {
			return gridskill.Errorf(gridskill.EINVALID, "checklist %s is required twice", c)
		}
		seen["c:"+c] = true
	}
	for _, m := range r.Modules {
		if seen["m:"+m.ModuleID] {
			return gridskill.Errorf(gridskill.EINVALID, "module %s is required twice", m.ModuleID)
		}
		seen["m:"+m.ModuleID] = true
	}
	for _, e := range r.Exams {
		if seen["e:"+e.ExamID] {
			return gridskill.Errorf(gridskill.EINVALID, "exam %s is required twice", e.ExamID)
		}
		seen["e:"+e.ExamID] = true
		if e.MinScore > 1000 {
			return gridskill.Errorf(gridskill.EINVALID, "the minimum score of exam %s is too high", e.ExamID)
		}
	}
	for m, e := range p.Checks {
		if !seen["m:"+m] {
			return gridskill.Errorf(gridskill.EINVALID, "module %s has a check exam but is not required", m)
		}
		if e == "" {
			delete(p.Checks, m)
		}
	}
	return nil
}
