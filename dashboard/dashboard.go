// Package dashboard is the leaders' view of their area: training, exams,
// certification and competitions counted per unit, a twelve-month trend,
// the people behind every number, and the knowledge-gap heatmap. It owns no
// data; it reads the feature services, each of which checks the actor's
// scope again.
package dashboard

import (
	"context"
	"time"

	"gridskill"
	"gridskill/certify"
	"gridskill/contest"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
)

// ExpiringDays is how far ahead the dashboard counts expiring certificates.
const ExpiringDays = 90

// Service computes dashboards from the feature services.
type Service struct {
	People  *people.Service
	Courses *courses.Service
	Quiz    *quiz.Service
	Certify *certify.Service
	Contest *contest.Service
	Clock   gridskill.Clock
}

// Fact is what the dashboard knows of one worker.
type Fact struct {
	Worker  people.User
	Duties  []courses.Duty
	Online  float64
	Offline float64
	// Certified: a certificate in force; Expires is the soonest expiry of one.
	Certified bool
	Expires   time.Time
	// SatExams and PassedExams are the exams sat and passed in the last twelve months.
	SatExams    map[string]bool
	PassedExams map[string]bool
	Contests    int
	Awards      int
}

// RequiredDone reports whether the worker completed every required module.
func (f Fact) RequiredDone() bool {
	for _, d := range f.Duties {
		if !d.Done {
			return false
		}
	}
	return true
}

// Row is one unit's numbers.
type Row struct {
	Unit         people.Unit
	Depth        int
	Names        []string
	Workers      int
	RequiredDone int
	Certified    int
	Expiring     int
	Sat          int
	Passed       int
	Online       float64
	Offline      float64
	Contestants  int
	Awarded      int
}

func pct(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 100 / of
}

// RequiredPct is the share of workers who completed every required module.
func (r Row) RequiredPct() int { return pct(r.RequiredDone, r.Workers) }

// CertifiedPct is the share of workers holding a certificate in force.
func (r Row) CertifiedPct() int { return pct(r.Certified, r.Workers) }

// SatPct is the share of workers who sat an exam in the last twelve months.
func (r Row) SatPct() int { return pct(r.Sat, r.Workers) }

// PassPct is the share of those who sat an exam who passed one.
func (r Row) PassPct() int { return pct(r.Passed, r.Sat) }

// RequiredMissing is how many workers have a required module left.
func (r Row) RequiredMissing() int { return r.Workers - r.RequiredDone }

// Unsat is how many workers sat no exam in the last twelve months.
func (r Row) Unsat() int { return r.Workers - r.Sat }

// Hours is the training hours of the year, online and offline.
func (r Row) Hours() float64 { return round1(r.Online + r.Offline) }

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }

// Month is one month of the trend.
type Month struct {
	Label        string // 2026-01
	Completions  int
	Sittings     int
	Passes       int
	Certificates int
}

// Overview is the dashboard of one unit.
type Overview struct {
	Scope  people.Unit
	Trail  []people.Unit // from the actor's unit down to Scope
	Total  Row
	Rows   []Row // the units directly below Scope
	Trend  []Month
	AsOf   time.Time
	facts  []Fact
	byUnit map[string]people.Unit
}

// scope resolves the unit an admin looks at (their own when unitID is
// empty). Errors: forbidden, not_found.
func (s *Service) scope(ctx context.Context, actor people.User, unitID string) (people.Unit, *people.Tree, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return people.Unit{}, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins see dashboards")
	}
	if unitID == "" {
		unitID = actor.UnitID
	}
	tree, err := s.People.Tree(ctx)
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

// Overview counts the unit's numbers (the actor's own unit when unitID is
// empty) and those of each unit directly below it, and the trend of the last
// twelve months. Errors: forbidden, not_found, internal.
func (s *Service) Overview(ctx context.Context, actor people.User, unitID string) (Overview, error) {
	scope, tree, err := s.scope(ctx, actor, unitID)
	if err != nil {
		return Overview{}, err
	}
	facts, trend, err := s.facts(ctx, actor, scope)
	if err != nil {
		return Overview{}, err
	}
	now := s.Clock.Now()
	rollup := people.NewRollup[Row](tree, scope, func(u people.Unit) bool { return u.ParentID == scope.ID })
	for _, f := range facts {
		rollup.Add(f.Worker.UnitPath, func(r *Row) { count(r, f, now) })
	}
	o := Overview{Scope: scope, Trend: trend, AsOf: now, facts: facts}
	for _, t := range rollup.Rows() {
		r := t.Count
		r.Unit, r.Depth, r.Names = t.Unit, t.Depth, t.Names
		r.Online, r.Offline = round1(r.Online), round1(r.Offline)
		if t.Unit.ID == scope.ID {
			o.Total = r
		} else {
			o.Rows = append(o.Rows, r)
		}
	}
	for _, id := range scope.Path {
		if u, ok := tree.Unit(id); ok && people.InScope(u.Path, actor.UnitID) {
			o.Trail = append(o.Trail, u)
		}
	}
	return o, nil
}

func count(r *Row, f Fact, now time.Time) {
	r.Workers++
	if f.RequiredDone() {
		r.RequiredDone++
	}
	if f.Certified {
		r.Certified++
	}
	if expiringWithin(f, now, ExpiringDays) {
		r.Expiring++
	}
	if len(f.SatExams) > 0 {
		r.Sat++
	}
	if len(f.PassedExams) > 0 {
		r.Passed++
	}
	r.Online += f.Online
	r.Offline += f.Offline
	if f.Contests > 0 {
		r.Contestants++
	}
	if f.Awards > 0 {
		r.Awarded++
	}
}

func expiringWithin(f Fact, now time.Time, days int) bool {
	return f.Certified && !f.Expires.IsZero() && f.Expires.Before(now.AddDate(0, 0, days))
}
