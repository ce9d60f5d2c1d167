package dashboard

import (
	"context"
	"time"

	"gridskill"
	"gridskill/certify"
	"gridskill/people"
)

// facts gathers what each active worker of scope has done, one read per
// feature, and the twelve-month trend of the same workers.
func (s *Service) facts(ctx context.Context, actor people.User, scope people.Unit) ([]Fact, []Month, error) {
	workers, err := s.People.Workers(ctx, scope.ID)
	if err != nil {
		return nil, nil, err
	}
	now := s.Clock.Now()
	list, idx := newTrend(now)
	trend := months(list)
	standings, err := s.Courses.Standings(ctx, actor, workers)
	if err != nil {
		return nil, nil, err
	}
	sittings, err := s.Quiz.Sittings(ctx, actor, scope.ID)
	if err != nil {
		return nil, nil, err
	}
	var held []certify.Held
	if s.Certify != nil {
		if held, err = s.Certify.Holdings(ctx, actor, scope.ID); err != nil {
			return nil, nil, err
		}
	}
	at := make(map[string]int, len(workers))
	facts := make([]Fact, len(workers))
	for i, w := range workers {
		at[w.ID] = i
		st := standings[w.ID]
		facts[i] = Fact{Worker: w, Duties: st.Duties, Online: st.OnlineHours, Offline: st.OfflineHours,
			SatExams: map[string]bool{}, PassedExams: map[string]bool{}}
		for _, c := range st.Completions {
			trend.add(idx, c, func(m *Month) { m.Completions++ })
		}
	}
	since := now.AddDate(-1, 0, 0)
	for _, r := range sittings {
		i, ok := at[r.UserID]
		if !ok {
			continue
		}
		trend.add(idx, r.SubmittedAt, func(m *Month) {
			m.Sittings++
			if r.Passed {
				m.Passes++
			}
		})
		if r.SubmittedAt.Before(since) {
			continue
		}
		facts[i].SatExams[r.ExamID] = true
		if r.Passed {
			facts[i].PassedExams[r.ExamID] = true
		}
	}
	for _, h := range held {
		i, ok := at[h.WorkerID]
		if !ok {
			continue
		}
		trend.add(idx, h.IssuedAt, func(m *Month) { m.Certificates++ })
		if !h.State.InForce() {
			continue
		}
		f := &facts[i]
		f.Certified = true
		if !h.ExpiresAt.IsZero() && (f.Expires.IsZero() || h.ExpiresAt.Before(f.Expires)) {
			f.Expires = h.ExpiresAt
		}
	}
	if s.Contest == nil {
		return facts, list, nil
	}
	if contests, err := s.Contest.Managed(ctx, actor); err == nil {
		for _, c := range contests {
			for _, p := range c.Participants {
				if i, ok := at[p.ID]; ok {
					facts[i].Contests++
				}
			}
			awards, err := s.Contest.ContestAwards(ctx, actor, c.ID)
			if gridskill.ErrorCode(err) == gridskill.EINTERNAL {
				return nil, nil, err
			}
			for _, a := range awards {
				if i, ok := at[a.WorkerID]; ok {
					facts[i].Awards++
				}
			}
		}
	} else if gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		return nil, nil, err
	}
	return facts, list, nil
}

type trendIndex map[string]int

// newTrend returns the twelve months ending with the current one, in China time.
func newTrend(now time.Time) ([]Month, trendIndex) {
	local := now.In(gridskill.ChinaZone())
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, gridskill.ChinaZone())
	out := make([]Month, 12)
	idx := trendIndex{}
	for i := range out {
		m := first.AddDate(0, i-11, 0)
		out[i].Label = m.Format("2006-01")
		idx[out[i].Label] = i
	}
	return out, idx
}

type months []Month

func (ms months) add(idx trendIndex, t time.Time, f func(*Month)) {
	if t.IsZero() {
		return
	}
	if i, ok := idx[t.In(gridskill.ChinaZone()).Format("2006-01")]; ok {
		f(&ms[i])
	}
}
