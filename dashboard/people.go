package dashboard

import (
	"context"
	"slices"
	"strings"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
)

// Metric names a list of people behind a number of the dashboard.
type Metric string

// The lists behind the numbers; the "missing" ones are the chasing lists.
const (
	Workers         Metric = "workers"
	RequiredDone    Metric = "required"
	RequiredMissing Metric = "required-missing"
	Certified       Metric = "certified"
	Uncertified     Metric = "uncertified"
	Expiring        Metric = "expiring"
	Sat             Metric = "sat"
	Unsat           Metric = "unsat"
	Passed          Metric = "passed"
	Failed          Metric = "failed"
	Trained         Metric = "hours"
	Contestants     Metric = "contestants"
	Awarded         Metric = "awarded"
)

// Metrics returns every list in the order pages offer them.
func Metrics() []Metric {
	return []Metric{Workers, RequiredDone, RequiredMissing, Certified, Uncertified, Expiring, Sat, Unsat, Passed, Failed, Trained, Contestants, Awarded}
}

// Chasing reports whether the list is of people who still have to do something.
func (m Metric) Chasing() bool {
	return m == RequiredMissing || m == Expiring || m == Unsat
}

// Query asks for one list: a metric in a unit, with the window of expiry in
// days (30, 60 or 90) or an exam for the lists that take one.
type Query struct {
	Metric Metric
	UnitID string
	Days   int
	ExamID string
}

// Entry is one person on a list.
type Entry struct {
	Worker  people.User
	Units   []string // unit names from the list's unit down
	Missing []string // required modules not completed
	Due     time.Time
	Expires time.Time
	Hours   float64
}

// List is the people behind a number.
type List struct {
	Query   Query
	Scope   people.Unit
	Exam    quiz.Exam // when the list is of one exam
	Exams   []quiz.Exam
	Entries []Entry
}

// Validate checks a query read from a request.
func (q *Query) Validate() error {
	if !slices.Contains(Metrics(), q.Metric) {
		return gridskill.Errorf(gridskill.EINVALID, "unknown list")
	}
	if q.Metric == Expiring {
		if q.Days == 0 {
			q.Days = 30
		}
		if q.Days != 30 && q.Days != 60 && q.Days != 90 {
			return gridskill.Errorf(gridskill.EINVALID, "choose 30, 60 or 90 days")
		}
	}
	if q.ExamID != "" && (q.Metric != Unsat || len(q.ExamID) > 64) {
		return gridskill.Errorf(gridskill.EINVALID, "an exam goes with the list of who has not sat it")
	}
	return nil
}

// Who lists the workers behind a number of the dashboard of a unit in
// the admin actor's area. Errors: invalid, forbidden, not_found, internal.
func (s *Service) Who(ctx context.Context, actor people.User, q Query) (List, error) {
	if err := q.Validate(); err != nil {
		return List{}, err
	}
	scope, tree, err := s.scope(ctx, actor, q.UnitID)
	if err != nil {
		return List{}, err
	}
	l := List{Query: q, Scope: scope}
	if q.Metric == Unsat {
		if l.Exams, err = s.Quiz.ExamsIn(ctx, actor, scope.ID); err != nil {
			return List{}, err
		}
		if q.ExamID != "" {
			i := slices.IndexFunc(l.Exams, func(e quiz.Exam) bool { return e.ID == q.ExamID })
			if i < 0 {
				return List{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such exam")
			}
			l.Exam = l.Exams[i]
		}
	}
	facts, _, err := s.facts(ctx, actor, scope)
	if err != nil {
		return List{}, err
	}
	if q.ExamID != "" {
		if err := s.markSat(ctx, actor, scope, l.Exam, facts); err != nil {
			return List{}, err
		}
	}
	now := s.Clock.Now()
	for _, f := range facts {
		if !matches(q, l.Exam, f, now) {
			continue
		}
		e := Entry{Worker: f.Worker, Expires: f.Expires, Hours: round1(f.Online + f.Offline)}
		for _, id := range f.Worker.UnitPath[slices.Index(f.Worker.UnitPath, scope.ID)+1:] {
			if u, ok := tree.Unit(id); ok {
				e.Units = append(e.Units, u.Name)
			}
		}
		for _, d := range f.Duties {
			if !d.Done {
				e.Missing = append(e.Missing, d.Title)
				if !d.Due.IsZero() && (e.Due.IsZero() || d.Due.Before(e.Due)) {
					e.Due = d.Due
				}
			}
		}
		l.Entries = append(l.Entries, e)
	}
	slices.SortStableFunc(l.Entries, func(a, b Entry) int {
		if c := strings.Compare(strings.Join(a.Units, "/"), strings.Join(b.Units, "/")); c != 0 {
			return c
		}
		return strings.Compare(a.Worker.Name, b.Worker.Name)
	})
	return l, nil
}

// markSat replaces the twelve-month window with every sitting of the one
// exam, however long ago.
func (s *Service) markSat(ctx context.Context, actor people.User, scope people.Unit, e quiz.Exam, facts []Fact) error {
	sittings, err := s.Quiz.Sittings(ctx, actor, scope.ID)
	if err != nil {
		return err
	}
	sat := map[string]bool{}
	for _, r := range sittings {
		if r.ExamID == e.ID {
			sat[r.UserID] = true
		}
	}
	for i := range facts {
		facts[i].SatExams = map[string]bool{}
		if sat[facts[i].Worker.ID] {
			facts[i].SatExams[e.ID] = true
		}
	}
	return nil
}

func matches(q Query, e quiz.Exam, f Fact, now time.Time) bool {
	switch q.Metric {
	case RequiredDone:
		return len(f.Duties) > 0 && f.RequiredDone()
	case RequiredMissing:
		return !f.RequiredDone()
	case Certified:
		return f.Certified
	case Uncertified:
		return !f.Certified
	case Expiring:
		return expiringWithin(f, now, q.Days)
	case Sat:
		return len(f.SatExams) > 0
	case Unsat:
		if e.ID != "" {
			return e.Audience(f.Worker.UnitPath) && !f.SatExams[e.ID]
		}
		return len(f.SatExams) == 0
	case Passed:
		return len(f.PassedExams) > 0
	case Failed:
		return len(f.SatExams) > 0 && len(f.PassedExams) == 0
	case Trained:
		return f.Online+f.Offline > 0
	case Contestants:
		return f.Contests > 0
	case Awarded:
		return f.Awards > 0
	}
	return true
}
