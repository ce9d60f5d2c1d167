package courses

import (
	"context"
	"slices"
	"time"

	"gridskill"
	"gridskill/people"
)

// Duty is one required module assigned to a worker and where they stand in it.
type Duty struct {
	ModuleID string
	Title    string
	Due      time.Time // zero: no due date
	Done     bool
	// AssignedAt is the first assignment that reached the worker.
	AssignedAt time.Time
}

// Standing is a worker's training as leaders' dashboards and reminders read
// it: their required modules, this year's hours and when they completed
// modules.
type Standing struct {
	WorkerID     string
	Duties       []Duty
	OnlineHours  float64
	OfflineHours float64
	Completions  []time.Time
}

// RequiredDone reports whether every required module is completed (true when
// none is required).
func (st Standing) RequiredDone() bool {
	return !slices.ContainsFunc(st.Duties, func(d Duty) bool { return !d.Done })
}

// Standings returns the training standing of each given worker, who the
// caller has checked are in the staff actor's area: one pass over the
// per-worker summaries and progress documents, and the cached catalogue.
// Errors: forbidden, internal.
func (s *Service) Standings(ctx context.Context, actor people.User, workers []people.User) (map[string]Standing, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins see others' training")
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	year := itoa(s.clock.Now().In(gridskill.ChinaZone()).Year())
	out := make(map[string]Standing, len(workers))
	err = s.viewLearning(ctx, func(progress map[string]progressDoc, sums map[string]summaryDoc) {
		for _, w := range workers {
			p := progress[w.ID]
			st := Standing{WorkerID: w.ID, Duties: duties(c, w, sums[w.ID])}
			if yd, ok := p.Years[year]; ok {
				st.OnlineHours = round1(float64(yd.Seconds) / 3600)
				st.OfflineHours = yd.OfflineHours
			}
			for _, h := range p.History {
				st.Completions = append(st.Completions, h.At)
			}
			out[w.ID] = st
		}
	})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}

// duties lists the published modules assigned as required to the worker's
// units, with the earliest due date among those assignments.
func duties(c *catalogue, w people.User, sum summaryDoc) []Duty {
	var out []Duty
	at := map[string]int{}
	for _, a := range c.assignments {
		m, ok := c.modules[a.ModuleID]
		if !a.Required || !ok || m.Published == nil || !people.InScope(w.UnitPath, a.UnitID) {
			continue
		}
		i, seen := at[m.ID]
		if !seen {
			e := sum.Modules[m.ID]
			at[m.ID] = len(out)
			out = append(out, Duty{ModuleID: m.ID, Title: m.Title, Due: a.Due, AssignedAt: a.AssignedAt,
				Done: e.CompletedVersion > 0 && e.CompletedVersion >= m.Published.LastMajor})
			continue
		}
		d := &out[i]
		if !a.Due.IsZero() && (d.Due.IsZero() || a.Due.Before(d.Due)) {
			d.Due = a.Due
		}
		if a.AssignedAt.Before(d.AssignedAt) {
			d.AssignedAt = a.AssignedAt
		}
	}
	return out
}

// ModulesTagged returns the published modules whose check draws on the tag,
// for the staff actor who may read them.
func (s *Service) ModulesTagged(ctx context.Context, actor people.User, tag string) ([]Module, error) {
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []Module
	for _, id := range c.order {
		m := c.modules[id]
		if m.Published != nil && canRead(actor, m) && slices.Contains(m.CheckTags, tag) {
			out = append(out, m)
		}
	}
	return out, nil
}

// viewLearning calls f with every worker's progress and summary, held in
// memory (see repo.heldProgress); f only reads them.
func (s *Service) viewLearning(ctx context.Context, f func(map[string]progressDoc, map[string]summaryDoc)) error {
	// Both read first, so that neither is held locked while the other's
	// first read runs.
	noop := func(map[string]summaryDoc) {}
	if err := s.repo.heldSummaries.View(ctx, noop); err != nil {
		return err
	}
	var err error
	viewErr := s.repo.heldProgress.View(ctx, func(progress map[string]progressDoc) {
		err = s.repo.heldSummaries.View(ctx, func(sums map[string]summaryDoc) { f(progress, sums) })
	})
	if viewErr != nil {
		return viewErr
	}
	return err
}

// WarmLearning reads every worker's progress and summary, and the sessions
// list, into memory, so that the first dashboard need not wait for it.
func (s *Service) WarmLearning() {
	<-s.repo.heldProgress.Warm()
	<-s.repo.heldSummaries.Warm()
	<-s.repo.heldSessions.Warm()
}

// RefreshLearning has the progress, summaries and sessions held in memory read again
// in the background once they are every old: with several instances, that
// bounds how long another instance's study goes unseen on dashboards.
func (s *Service) RefreshLearning(every time.Duration) {
	s.repo.heldProgress.SetRefresh(every)
	s.repo.heldSummaries.SetRefresh(every)
	s.repo.heldSessions.SetRefresh(every)
}

// CheckTags returns the tags the checks of the published modules the actor
// may read draw on, in catalogue order, once each: the topics of the
// knowledge-gap heatmap.
func (s *Service) CheckTags(ctx context.Context, actor people.User) ([]string, error) {
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range c.order {
		m := c.modules[id]
		if m.Published == nil || !canRead(actor, m) {
			continue
		}
		for _, t := range m.CheckTags {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, nil
}
