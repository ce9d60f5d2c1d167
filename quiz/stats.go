package quiz

import (
	"context"
	"slices"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// QuestionStats are a question's item statistics over the finished exam
// attempts whose papers held it.
type QuestionStats struct {
	// Attempts is how many finished attempts held the question.
	Attempts int
	Item     scoring.ItemStats
	Test     scoring.TestStats
}

// Stats computes a question's statistics with scoring.AnalyzeItems, each
// attempt scored on its whole paper, each worker's first attempt only. Only
// attempts sat inside the actor's area count: a street's trainer reads how
// their street's workers did, never another street's figures.
// Errors: invalid, not_found, forbidden, internal.
func (s *Service) Stats(ctx context.Context, actor people.User, id string) (QuestionStats, error) {
	if _, err := s.Question(ctx, actor, id); err != nil {
		return QuestionStats{}, err
	}
	docs, err := s.repo.finishedWith(ctx, id)
	if err != nil {
		return QuestionStats{}, gridskill.Internal(err)
	}
	docs = slices.DeleteFunc(docs, func(d finishedDoc) bool { return !people.InScope(d.Open.UnitPath, actor.UnitID) })
	var items []scoring.Item
	seen := map[string]bool{}
	var attempts []scoring.Attempt
	for _, d := range docs {
		a := scoring.Attempt{PersonID: d.Open.UserID, At: d.Open.StartedAt, Scores: map[string]float64{}}
		for i, it := range d.Open.Paper {
			if !seen[it.QID] {
				seen[it.QID] = true
				items = append(items, scoring.Item{ID: it.QID, Max: it.Points})
			}
			if i < len(d.Grades) {
				a.Scores[it.QID] = d.Grades[i].Earned
			}
		}
		attempts = append(attempts, a)
	}
	out := QuestionStats{Attempts: len(docs)}
	if len(docs) == 0 {
		return out, nil
	}
	an := scoring.AnalyzeItems(items, attempts, scoring.FirstAttempts)
	out.Test = an.Test
	for _, st := range an.Items {
		if st.ID == id {
			out.Item = st
		}
	}
	return out, nil
}
