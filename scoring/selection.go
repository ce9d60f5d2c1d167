package scoring

import (
	"math"
	"sort"
)

// Criterion is one measure of the annual selection (优秀网格员评选).
type Criterion string

// Criteria over recorded data, and the street's manual appraisal (评议).
const (
	CritHours     Criterion = "hours"     // training hours this year
	CritExams     Criterion = "exams"     // average of the best exam scores, 0–100
	CritAwards    Criterion = "awards"    // competition awards
	CritTasks     Criterion = "tasks"     // accepted practical checklists
	CritCases     Criterion = "cases"     // published cases
	CritAppraisal Criterion = "appraisal" // the street's appraisal score, 0–100
)

// Criteria returns every criterion in display order, a new slice on each call.
func Criteria() []Criterion {
	return []Criterion{CritHours, CritExams, CritAwards, CritTasks, CritCases, CritAppraisal}
}

// Weight is a criterion's share of the total.
type Weight struct {
	Criterion Criterion
	Weight    float64
}

// Standing is one candidate's raw values.
type Standing struct {
	ID     string
	Values map[Criterion]float64
}

// Part is one criterion's share of a candidate's score: the raw value, its
// 0–100 points (scores on a 0–100 scale as they are, counts against the
// best candidate's), the weight and the points it adds to the total.
type Part struct {
	Criterion Criterion
	Value     float64
	Points    float64
	Weight    float64
	Adds      float64
}

// SelectionRank is a candidate's total (0–100), place and explanation.
type SelectionRank struct {
	ID    string
	Total float64
	Rank  int
	Parts []Part
}

// scaled reports whether a criterion is a 0–100 score used as it is.
func scaled(c Criterion) bool { return c == CritExams || c == CritAppraisal }

// RankSelection scores each candidate as the weighted mean of its criteria's
// points and ranks them, best first; equal totals share a rank (1, 1, 3) and
// are listed by ID. Weights of zero or below are left out.
func RankSelection(weights []Weight, cands []Standing) []SelectionRank {
	best := map[Criterion]float64{}
	for _, c := range cands {
		for k, v := range c.Values {
			best[k] = math.Max(best[k], v)
		}
	}
	var sum float64
	for _, w := range weights {
		if w.Weight > 0 {
			sum += w.Weight
		}
	}
	out := make([]SelectionRank, 0, len(cands))
	for _, c := range cands {
		r := SelectionRank{ID: c.ID}
		for _, w := range weights {
			if w.Weight <= 0 {
				continue
			}
			v := c.Values[w.Criterion]
			pts := math.Min(math.Max(v, 0), 100)
			if !scaled(w.Criterion) {
				pts = 0
				if best[w.Criterion] > 0 {
					pts = 100 * v / best[w.Criterion]
				}
			}
			adds := pts * w.Weight / sum
			r.Parts = append(r.Parts, Part{Criterion: w.Criterion, Value: v, Points: round2(pts), Weight: w.Weight, Adds: round2(adds)})
			r.Total += adds
		}
		r.Total = round2(r.Total)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].ID < out[j].ID
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Total == out[i-1].Total {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}
