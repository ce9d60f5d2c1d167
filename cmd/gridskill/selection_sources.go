package main

import (
	"context"

	"gridskill/cases"
	"gridskill/certify"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/scoring"
)

// selectionFacts reads a worker's recorded data for the annual selection:
// hours, exams and awards from the transcript's sources, accepted practical
// checklists and published cases.
type selectionFacts struct {
	histories certify.Histories
	practical *practical.Service
	cases     *cases.Service
}

// Facts is the worker's value of each recorded criterion.
func (f selectionFacts) Facts(ctx context.Context, worker people.User) (map[scoring.Criterion]float64, error) {
	out := map[scoring.Criterion]float64{}
	if f.histories != nil {
		h, err := f.histories.History(ctx, worker.ID)
		if err != nil {
			return nil, err
		}
		out[scoring.CritHours] = h.OnlineHours + h.OfflineHours
		out[scoring.CritAwards] = float64(len(h.Awards))
		var sum float64
		var n int
		for _, e := range h.Exams {
			if e.MaxScore > 0 {
				sum += 100 * e.Score / e.MaxScore
				n++
			}
		}
		if n > 0 {
			out[scoring.CritExams] = sum / float64(n)
		}
	}
	if f.practical != nil {
		acc, err := f.practical.AcceptedChecklists(ctx, worker.ID)
		if err != nil {
			return nil, err
		}
		out[scoring.CritTasks] = float64(len(acc))
	}
	if f.cases != nil {
		n, err := f.cases.PublishedBy(ctx, worker.ID)
		if err != nil {
			return nil, err
		}
		out[scoring.CritCases] = float64(n)
	}
	return out, nil
}
