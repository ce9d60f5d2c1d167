package contest

import (
	"context"
	"slices"

	"gridskill"
	"gridskill/people"
)

// Score records a judge's score of the performance being judged; the same
// score sent again is answered as stored. Errors:
// invalid (outside 0–100), forbidden (not a judge of this round), conflict
// (nothing being judged, already scored), unavailable (the round's holder
// is another instance), internal.
func (s *Service) Score(ctx context.Context, actor people.User, contestID string, item int, score float64) error {
	return s.score(ctx, actor, contestID, item, score, nil)
}

// score records a judge's score and, from a score sheet, the marks it adds up.
func (s *Service) score(ctx context.Context, actor people.User, contestID string, item int, score float64, marks []float64) (err error) {
	c, err := s.get(contestID)
	if err != nil {
		return err
	}
	// Whether a round is live is not told to those who judge none.
	if !s.isJudge(c, actor.ID) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only the round's judges score")
	}
	if err := s.fence(contestID); err != nil {
		return err
	}
	if s.holder != nil {
		defer func() { err = s.fenced(contestID, err) }()
	}
	l := s.liveOf(contestID)
	if l == nil {
		return gridskill.Errorf(gridskill.ECONFLICT, "no round is live")
	}
	if !slices.Contains(l.round.Judges, actor.ID) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only the round's judges score")
	}
	if !(score >= 0 && score <= 100) {
		return gridskill.Errorf(gridskill.EINVALID, "a score is between 0 and 100")
	}
	l.mu.Lock()
	if l.st.Phase != phaseJudging || l.st.Item != item {
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "no performance is being judged")
	}
	if l.c.Conflicted(l.round.Tasks[item], actor.ID) {
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.EFORBIDDEN, "you cannot judge a task you or your team perform")
	}
	if v, done := l.judged[actor.ID]; done {
		l.mu.Unlock()
		if v == score { // a retry of the stored score
			return nil
		}
		return gridskill.Errorf(gridskill.ECONFLICT, "you have already scored this performance")
	}
	l.judged[actor.ID] = score
	l.mu.Unlock()
	err = s.repo.insertFact(ctx, factDoc{ID: factID(contestID, l.round.ID, item, actor.ID) + ":score", Contest: contestID, Round: l.round.ID,
		Item: item, Kind: factScore, Worker: actor.ID, At: s.clock.Now(), Score: score, Marks: marks})
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		delete(l.judged, actor.ID)
		return gridskill.Internal(err)
	}
	l.publish(false)
	return nil
}

// conflicted reports whether the judge may not score the current task. Call
// with mu held.
func (l *live) conflicted(judgeID string) bool {
	i := l.st.Item
	return l.round.Kind == Judge && i >= 0 && i < len(l.round.Tasks) && l.c.Conflicted(l.round.Tasks[i], judgeID)
}

// panelSize is how many judges score the current task. Call with mu held.
func (l *live) panelSize() int {
	i := l.st.Item
	if l.round.Kind != Judge || i < 0 || i >= len(l.round.Tasks) {
		return len(l.round.Judges)
	}
	return len(l.c.Panel(l.round, l.round.Tasks[i]))
}
