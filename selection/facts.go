package selection

import (
	"context"

	"gridskill/cases"
	"gridskill/certify"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/scoring"
)

// RecordFacts reads a worker's recorded data for the annual selection:
// hours, exams and awards from the transcript's sources (certify's
// Histories), accepted practical checklists and published cases. Any of
// them may be nil, which counts as nothing recorded.
type RecordFacts struct {
	Histories certify.Histories
	Practical *practical.Service
	Cases     *cases.Service
}

// Facts is the worker's value of each recorded criterion. Errors: internal.
func (f RecordFacts) Facts(ctx context.Context, worker people.User) (map[scoring.Criterion]float64, error) {
	out := map[scoring.Criterion]float64{}
	if f.Histories != nil {
		h, err := f.Histories.History(ctx, worker.ID)
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
	if f.Practical != nil {
		acc, err := f.Practical.AcceptedChecklists(ctx, worker.ID)
		if err != nil {
			return nil, err
		}
		out[scoring.CritTasks] = float64(len(acc))
	}
	if f.Cases != nil {
		n, err := f.Cases.PublishedBy(ctx, worker.ID)
		if err != nil {
			return nil, err
		}
		out[scoring.CritCases] = float64(n)
	}
	return out, nil
}
