package courses

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

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
	all, err := s.allLearning(ctx)
	if err != nil {
		return nil, err
	}
	progress, sums := all.progress, all.sums
	year := itoa(s.clock.Now().In(gridskill.ChinaZone()).Year())
	out := make(map[string]Standing, len(workers))
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

// learningRead is every worker's progress (hours by year, completion
// times) and summary, read in one pass over each collection.
type learningRead struct {
	writes   uint64    // repo.writes when the read began
	at       time.Time // when it began
	progress map[string]progressDoc
	sums     map[string]summaryDoc
}

// allLearning returns every worker's progress and summary as the leaders'
// dashboards read them, kept in memory between views: reading both
// collections on every view took most of a district dashboard's time. The
// copy is dropped as soon as this process writes either collection, and
// after cacheTTL, so another instance's writes show within that time. The
// maps are shared: callers only read them.
func (s *Service) allLearning(ctx context.Context) (*learningRead, error) {
	s.standMu.Lock()
	defer s.standMu.Unlock()
	now := s.clock.Now()
	if c := s.stand; c != nil && c.writes == s.repo.writes.Load() && now.Sub(c.at) < cacheTTL && now.Sub(c.at) >= 0 {
		return c, nil
	}
	c := &learningRead{writes: s.repo.writes.Load(), at: now}
	cur, err := s.repo.progress.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"years": 1, "history.at": 1}))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var progress []progressDoc
	if err := cur.All(ctx, &progress); err != nil {
		return nil, gridskill.Internal(err)
	}
	c.progress = make(map[string]progressDoc, len(progress))
	for _, d := range progress {
		c.progress[d.ID] = d
	}
	sums, err := findDocs[summaryDoc](ctx, s.repo.summaries, bson.M{})
	if err != nil {
		return nil, err
	}
	c.sums = make(map[string]summaryDoc, len(sums))
	for _, d := range sums {
		d.Modules = make(map[string]summaryModuleDoc, len(d.Entries))
		for k, v := range d.Entries {
			d.Modules[k] = parseEntry(v)
		}
		c.sums[d.ID] = d
	}
	s.stand = c
	return c, nil
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
