package quiz

import (
	"context"
	"slices"
	"strings"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// QuestionStats are a question's item statistics over the finished exam
// attempts whose papers held it, one exam at a time.
type QuestionStats struct {
	// Attempts is how many finished attempts held the question.
	Attempts int
	// Exams holds the statistics within each exam whose papers held it,
	// the exam with the most attempts first.
	Exams []ExamItemStats
}

// ExamItemStats are a question's statistics within one exam.
type ExamItemStats struct {
	ExamID, Title string
	Attempts      int
	Item          scoring.ItemStats
	Test          scoring.TestStats
}

// Stats computes a question's statistics with scoring.AnalyzeItems within
// each exam whose papers held it, each attempt scored on its whole paper,
// each worker's first attempt only. An item's discrimination compares it
// with the rest of the attempt's test, so attempts of different exams are
// never pooled: a question on a 5-question and on a 50-question exam was
// read as discriminating against whoever sat the long one. Only attempts sat
// inside the actor's area count: a street's trainer reads how their street's
// workers did, never another street's figures.
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
	byExam := map[string][]finishedDoc{}
	for _, d := range docs {
		byExam[d.Open.ExamID] = append(byExam[d.Open.ExamID], d)
	}
	out := QuestionStats{Attempts: len(docs)}
	for examID, docs := range byExam {
		st := ExamItemStats{ExamID: examID, Attempts: len(docs)}
		if e, ok := s.examByID(examID); ok {
			st.Title = e.Title
		}
		st.Item, st.Test = itemStatsOf(id, docs)
		out.Exams = append(out.Exams, st)
	}
	slices.SortFunc(out.Exams, func(a, b ExamItemStats) int {
		if a.Attempts != b.Attempts {
			return b.Attempts - a.Attempts
		}
		return strings.Compare(a.ExamID, b.ExamID)
	})
	return out, nil
}

// itemStatsOf analyses the attempts of one exam and returns question id's
// statistics and the test's.
func itemStatsOf(id string, docs []finishedDoc) (scoring.ItemStats, scoring.TestStats) {
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
	an := scoring.AnalyzeItems(items, attempts, scoring.FirstAttempts)
	for _, st := range an.Items {
		if st.ID == id {
			return st, an.Test
		}
	}
	return scoring.ItemStats{ID: id}, an.Test
}
