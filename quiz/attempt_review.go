package quiz

import (
	"context"
	"slices"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// ReviewItem is one question of a finished attempt as its review shows it.
type ReviewItem struct {
	PaperQuestion
	Given       any
	Correct     bool
	Earned      float64
	Key         []string   // right option keys as shown
	Blanks      [][]string // accepted answers of each blank
	Explanation string
	Tags        []string
}

// AttemptReview is a finished attempt with, when the policy allows, its questions.
type AttemptReview struct {
	Result AttemptResult
	Exam   Exam
	// Allowed is false while the review policy hides the answer key; Items is then empty.
	Allowed bool
	Items   []ReviewItem
	Events  []Event
	// Missed lists, once each, the tags of the questions answered wrong (a
	// question's first tag is its module's), whatever the review policy:
	// what to study again names no answer.
	Missed []string
	// Answers holds the worker's own stored answers and their seqs, always.
	Answers map[string]any
	Seqs    map[string]int64
}

// Event is a recorded screen switch.
type Event struct {
	Kind string
	At   time.Time
}

// Review returns a finished attempt: to its worker, with the questions when
// the exam's review policy allows and none of them is withheld (see
// withheld); to staff managing the exam, always, when the worker sat it
// inside their area.
// Errors: invalid, not_found, unavailable (another instance holds the exam), internal.
func (s *Service) Review(ctx context.Context, actor people.User, attemptID string) (AttemptReview, error) {
	if !validID(attemptID) {
		return AttemptReview{}, gridskill.Errorf(gridskill.EINVALID, "malformed attempt id")
	}
	s.attMu.Lock()
	r, ok := s.finished[attemptID]
	s.attMu.Unlock()
	if ok && !s.holds(r.ExamID) {
		return AttemptReview{}, moving()
	}
	if !ok {
		if err := s.elsewhere(ctx, attemptID); err != nil {
			return AttemptReview{}, err
		}
		s.attMu.Lock()
		r, ok = s.finished[attemptID]
		s.attMu.Unlock()
	}
	e, _ := s.examByID(r.ExamID)
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return AttemptReview{}, err
	}
	if !ok || !s.seesAttempt(actor, e, r.UserID, unitPath(tree, r.UnitID)) {
		return AttemptReview{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
	}
	out := AttemptReview{Result: r, Exam: e, Allowed: r.UserID != actor.ID || e.ReviewAllowed(s.clock.Now())}
	f, ok := s.recent.get(attemptID)
	if !ok {
		var found bool
		if f, found, err = s.repo.finished(ctx, attemptID); err != nil {
			return AttemptReview{}, gridskill.Internal(err)
		}
		if !found {
			return AttemptReview{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
		}
		s.recent.add(f)
	}
	if out.Allowed && r.UserID == actor.ID {
		hidden, err := s.reviewHidden(ctx, actor, f)
		if err != nil {
			return AttemptReview{}, err
		}
		out.Allowed = !hidden
	}
	out.Answers, out.Seqs = map[string]any{}, map[string]int64{}
	for i, a := range f.Answers {
		if a.Seq > 0 && i < len(f.Open.Paper) {
			q, err := s.version(ctx, a.QID, f.Open.Paper[i].Version)
			if err != nil {
				return AttemptReview{}, err
			}
			out.Answers[a.QID], out.Seqs[a.QID] = answerValue(q.Type, a.Answer), a.Seq
		}
	}
	if out.Missed, err = s.missedTags(ctx, f); err != nil {
		return AttemptReview{}, err
	}
	for _, ev := range f.Events {
		out.Events = append(out.Events, Event{Kind: ev.Kind, At: ev.At.UTC()})
	}
	if !out.Allowed {
		return out, nil
	}
	for i, it := range f.Open.Paper {
		q, err := s.version(ctx, it.QID, it.Version)
		if err != nil {
			return AttemptReview{}, err
		}
		item := ReviewItem{PaperQuestion: PaperQuestion{ID: q.ID, Type: q.Type, Stem: q.Stem, Options: shownOptions(q, it.Perm), Points: it.Points}, Explanation: q.Explanation, Blanks: q.Blanks, Tags: q.Tags}
		if q.Type == scoring.TrueFalse {
			item.Options = []Option{{Key: "T", Text: "对"}, {Key: "F", Text: "错"}}
		}
		item.Key = shownKeys(q.Correct, it.Perm)
		if q.Type == scoring.TrueFalse {
			item.Key = q.Correct
		}
		if i < len(f.Answers) {
			item.Given = answerValue(q.Type, f.Answers[i].Answer)
		}
		if i < len(f.Grades) {
			item.Correct, item.Earned = f.Grades[i].Correct, f.Grades[i].Earned
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// missedTags lists the tags of a finished paper's wrong answers, most
// missed first.
func (s *Service) missedTags(ctx context.Context, f finishedDoc) ([]string, error) {
	count := map[string]int{}
	var tags []string
	for i, it := range f.Open.Paper {
		if i >= len(f.Grades) || f.Grades[i].Correct {
			continue
		}
		q, err := s.version(ctx, it.QID, it.Version)
		if err != nil {
			return nil, err
		}
		for _, t := range q.Tags {
			if count[t] == 0 {
				tags = append(tags, t)
			}
			count[t]++
		}
	}
	slices.SortStableFunc(tags, func(a, b string) int { return count[b] - count[a] })
	return tags, nil
}
