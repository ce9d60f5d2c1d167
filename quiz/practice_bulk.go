package quiz

import (
	"context"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// PracticeAnswer is one answer of a practice run: the question and what
// was chosen or typed, as CheckPractice takes them.
type PracticeAnswer struct {
	QuestionID string
	Response   []string
}

// RecordPractice grades a worker's practice answers, in order, and records
// them as CheckPractice records each: one read and one write of the
// worker's statistics and wrong-answer book for the run, where
// CheckPractice reads and writes them and reads the book again for its
// feedback, answer by answer. It is for a run answered where nothing could
// be sent (a phone offline, a simulated district-year). A question answered
// twice is recorded in two writes, so the book counts both as it would one
// by one. An answer CheckPractice would refuse refuses the whole run and
// records nothing. It returns whether each answer was right.
// Errors: invalid, not_found, conflict (withheld), internal.
func (s *Service) RecordPractice(ctx context.Context, actor people.User, answers []PracticeAnswer) ([]bool, error) {
	if len(answers) > 200 {
		return nil, gridskill.Errorf(gridskill.EINVALID, "a practice run has at most %d answers", 200)
	}
	correct := make([]bool, len(answers))
	type run struct{ right, wrong []string }
	var runs []run
	in := map[string]bool{}
	for i, a := range answers {
		q, err := s.PracticeItem(ctx, actor, a.QuestionID)
		if err != nil {
			return nil, err
		}
		response, err := practiceResponse(q, a.Response)
		if err != nil {
			return nil, err
		}
		if len(runs) == 0 || in[q.ID] {
			runs, in = append(runs, run{}), map[string]bool{}
		}
		in[q.ID] = true
		r := &runs[len(runs)-1]
		if correct[i] = scoring.Grade(q.Key(), response, 1).Correct; correct[i] {
			r.right = append(r.right, q.ID)
		} else {
			r.wrong = append(r.wrong, q.ID)
		}
	}
	for _, r := range runs {
		if err := s.recordOutcomes(ctx, actor.ID, "", r.right, r.wrong, s.clock.Now()); err != nil {
			return nil, gridskill.Internal(err)
		}
	}
	return correct, nil
}
