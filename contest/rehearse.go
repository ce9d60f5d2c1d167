package contest

import (
	"context"

	"gridskill"
)

// A rehearsal (彩排) is a dry run of a round: it runs live like the real one,
// on the same screens and phones, but its finish keeps no results and does
// not finish the round. Reset ends a rehearsal at any point, or a real round
// still in its lobby, deleting what was answered, so the round can go live
// from the start.

// ActRehearse starts a round as a rehearsal; ActReset ends a rehearsal, or a
// round no question of which has been shown, keeping nothing.
const (
	ActRehearse = "rehearse"
	ActReset    = "reset"
)

// reset ends the live round, keeping nothing of it. Call with hostMu held.
// Errors: conflict (a real round with a question shown), internal.
func (l *live) reset(ctx context.Context) error {
	l.mu.Lock()
	st := l.st
	l.mu.Unlock()
	if !st.Rehearsal && st.Item >= 0 {
		return gridskill.Errorf(gridskill.ECONFLICT, "this round has gone live; only a rehearsal or a round still in its lobby can be reset")
	}
	if !l.current() {
		return errMoving()
	}
	if err := l.s.repo.saveLive(ctx, liveDoc{ID: st.ID, Phase: phaseDone, Updated: l.s.clock.Now(), Epoch: st.Epoch}); err != nil {
		return liveWriteError(err)
	}
	if err := l.s.repo.deleteFacts(ctx, st.ID, st.Round); err != nil {
		return gridskill.Internal(err)
	}
	l.stop()
	s := l.s
	s.mu.Lock()
	if s.live[st.ID] == l {
		delete(s.live, st.ID)
	}
	c := s.contests[st.ID]
	h := s.hubs[st.ID]
	s.mu.Unlock()
	if h != nil {
		h.cur.Store(&snapshot{common: idleState(c, h.joinedCount())})
		h.notify(false)
	}
	return nil
}

// Rehearsal reports whether the contest's live round is a rehearsal.
func (s *Service) Rehearsal(contestID string) bool {
	l := s.liveOf(contestID)
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st.Rehearsal
}
