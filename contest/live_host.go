package contest

import (
	"context"
	"errors"
	"slices"
	"time"

	"gridskill"
	"gridskill/people"
)

// Host actions and the timers that end timed phases.

// Host carries out a host action on the contest's live round. Only the
// contest's admins drive it. Errors: invalid, not_found, forbidden,
// conflict (an action the current phase does not allow), unavailable (the
// round's holder is another instance), internal.
func (s *Service) Host(ctx context.Context, actor people.User, contestID, action, roundID string) error {
	c, err := s.managed(actor, contestID)
	if err != nil {
		return err
	}
	if err := s.fence(contestID); err != nil {
		return err
	}
	return s.fenced(contestID, s.host(ctx, actor, c, action, roundID))
}

func (s *Service) host(ctx context.Context, actor people.User, c Contest, action, roundID string) error {
	contestID := c.ID
	if action == ActStart || action == ActRehearse {
		err := s.startRound(ctx, c, roundID, action == ActRehearse)
		if err == nil && action == ActRehearse {
			s.audit(ctx, actor, c.ID, Act{"Rehearsal started", roundID})
		}
		return err
	}
	l := s.liveOf(contestID)
	if l == nil {
		return gridskill.Errorf(gridskill.ECONFLICT, "no round is live; start one first")
	}
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	switch action {
	case ActNext:
		return l.next(ctx)
	case ActShow:
		return l.show(ctx, false)
	case ActClose:
		return l.close(ctx)
	case ActResume:
		return l.resume(ctx)
	case ActFinish:
		return l.finish(ctx)
	case ActReset:
		err := l.reset(ctx)
		if err == nil {
			s.audit(ctx, actor, c.ID, Act{"Round reset", roundID})
		}
		return err
	}
	return gridskill.Errorf(gridskill.EINVALID, "unknown host action %q", action)
}

func (s *Service) startRound(ctx context.Context, c Contest, roundID string, rehearsal bool) error {
	r, _, ok := c.Round(roundID)
	if !ok {
		return gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
	}
	if !r.Kind.Live() {
		return gridskill.Errorf(gridskill.EINVALID, "an online round is sat like an exam, not hosted")
	}
	if r.Items() == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "this round has no questions yet")
	}
	if !r.Finished.IsZero() {
		return gridskill.Errorf(gridskill.ECONFLICT, "this round has finished")
	}
	if r.Kind == Judge && len(r.Judges) == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "name the judges first")
	}
	if s.running(c.ID) {
		return gridskill.Errorf(gridskill.ECONFLICT, "another round of this contest is live")
	}
	if s.Rehearsal(c.ID) {
		return gridskill.Errorf(gridskill.ECONFLICT, "reset the rehearsal first, so that its answers are not kept")
	}
	h, err := s.hubOf(ctx, c)
	if err != nil {
		return gridskill.Internal(err)
	}
	l := newLive(s, c, r, h)
	l.st = liveDoc{ID: c.ID, Round: r.ID, Item: -1, Phase: phaseLobby, Rehearsal: rehearsal, Updated: s.clock.Now(), Epoch: s.epochOf(c.ID)}
	if err := s.repo.saveLive(ctx, l.st); err != nil {
		return liveWriteError(err)
	}
	l.mu.Lock()
	l.rank()
	l.publish(false)
	l.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.owned[c.ID]; s.holder != nil && !taken { // dropped meanwhile
		return errMoving()
	}
	s.live[c.ID] = l
	return nil
}

// persist writes the phase before anyone hears of it. Call without mu.
func (l *live) persist(ctx context.Context, st liveDoc) error {
	st.Updated = l.s.clock.Now()
	if err := l.s.repo.saveLive(ctx, st); err != nil {
		return liveWriteError(err)
	}
	return nil
}

func liveWriteError(err error) error {
	if errors.Is(err, errFormerHolder) {
		return errMoving()
	}
	return gridskill.Internal(err)
}

// transition persists st, then installs it and publishes. Call with hostMu
// held. A round this instance no longer runs changes nothing: before the
// write, and after it, when the lease was lost meanwhile, nobody hears of it
// here (the new holder rebuilds from what is stored).
func (l *live) transition(ctx context.Context, st liveDoc, before func()) error {
	if !l.current() {
		return errMoving()
	}
	if err := l.persist(ctx, st); err != nil {
		return err
	}
	if !l.current() {
		return errMoving()
	}
	l.mu.Lock()
	if before != nil {
		before()
	}
	l.st = st
	l.publish(false)
	l.mu.Unlock()
	l.schedule(st)
	return nil
}

func (l *live) snapshotState() liveDoc {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st
}

func (l *live) next(ctx context.Context) error {
	st := l.snapshotState()
	if st.Phase != phaseLobby && st.Phase != phaseResults {
		return gridskill.Errorf(gridskill.ECONFLICT, "close the current question first")
	}
	if st.Item+1 >= l.round.Items() {
		return l.finish(ctx)
	}
	now := l.s.clock.Now()
	st.Item++
	st.ShownAt, st.Deadline, st.ClosedAt, st.ReadUntil, st.Answerer = time.Time{}, time.Time{}, time.Time{}, time.Time{}, 0
	switch l.round.Kind {
	case Wager:
		st.Phase, st.Deadline = phaseStaking, now.Add(l.round.Staking())
	case Judge:
		st.Phase, st.ShownAt = phaseJudging, now
	default:
		st.Phase = phaseReading
		st.ReadUntil = now.Add(time.Duration(l.round.ReadSec) * time.Second)
		if l.round.ReadSec == 0 {
			return l.openAt(ctx, st, now, 0)
		}
	}
	return l.transition(ctx, st, l.resetItem)
}

// show opens the options: the answer time counts from now. The timer calls
// it with auto set when the reading time is up.
func (l *live) show(ctx context.Context, auto bool) error {
	st := l.snapshotState()
	if st.Phase != phaseReading && st.Phase != phaseStaking {
		if auto {
			return nil
		}
		return gridskill.Errorf(gridskill.ECONFLICT, "there is no question waiting to be shown")
	}
	if st.Phase == phaseStaking {
		now := l.s.clock.Now()
		st.ReadUntil = now.Add(time.Duration(l.round.ReadSec) * time.Second)
		if l.round.ReadSec > 0 && !auto {
			st.Phase = phaseReading
			return l.transition(ctx, st, nil)
		}
	}
	return l.openAt(ctx, st, l.s.clock.Now(), 0)
}

// stakingEnds shows the wager question when the staking time is up, as
// the host's "show" would: a player who picked no stake plays the lowest.
func (l *live) stakingEnds(ctx context.Context) error {
	if l.snapshotState().Phase != phaseStaking {
		return nil
	}
	return l.show(ctx, false)
}

// openAt opens the current question as if it had been open for used already.
func (l *live) openAt(ctx context.Context, st liveDoc, now time.Time, used time.Duration) error {
	q, ok := l.questionAt(st.Item)
	if !ok {
		return gridskill.Errorf(gridskill.ECONFLICT, "there is no question to show")
	}
	st.Phase = phaseOpen
	st.ShownAt = now.Add(-used)
	st.Deadline = now.Add(q.Limit() - used)
	var before func()
	if l.snapshotState().Item != st.Item {
		before = l.resetItem
	}
	return l.transition(ctx, st, before)
}

func (l *live) questionAt(i int) (Question, bool) {
	if l.round.Kind == Judge || i < 0 || i >= len(l.round.Questions) {
		return Question{}, false
	}
	return l.round.Questions[i], true
}

// close ends answers (or judging) and publishes the results. Answers already
// accepted are written before the results are counted.
func (l *live) close(ctx context.Context) error {
	l.mu.Lock()
	st := l.st
	switch st.Phase {
	case phaseOpen, phaseBuzzing, phaseAnswering, phaseJudging, phaseReading:
	case phasePaused:
	default:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "nothing is open to close")
	}
	if err := l.warnUnscored(); err != nil {
		l.mu.Unlock()
		return err
	}
	l.closing = true
	l.mu.Unlock()
	if err := l.s.facts.Flush(ctx); err != nil {
		return gridskill.Internal(err)
	}
	st.Phase = phaseResults
	st.ClosedAt = l.s.clock.Now()
	return l.transition(ctx, st, func() {
		l.settle()
		l.rank()
	})
}

// resume re-opens an interrupted question with the time it had left, or
// opens a question whose reading was interrupted.
func (l *live) resume(ctx context.Context) error {
	l.mu.Lock()
	st, was, left := l.st, l.interrupted, l.remaining
	l.mu.Unlock()
	if st.Phase != phasePaused {
		return gridskill.Errorf(gridskill.ECONFLICT, "the round is not paused")
	}
	now := l.s.clock.Now()
	switch was {
	case phaseOpen:
		q, _ := l.questionAt(st.Item)
		if left <= 0 {
			return l.close(ctx)
		}
		return l.openAt(ctx, st, now, q.Limit()-left)
	case phaseBuzzing:
		return l.startAnswering(ctx)
	case phaseAnswering:
		if left <= 0 {
			left = time.Duration(l.round.AnswerSec) * time.Second
		}
		st.Phase, st.Deadline = phaseAnswering, now.Add(left)
		return l.transition(ctx, st, nil)
	case phaseReading:
		return l.openAt(ctx, st, now, 0)
	default:
		st.Phase = was
		return l.transition(ctx, st, nil)
	}
}

// finish ends the round: results are stored and the podium shown.
func (l *live) finish(ctx context.Context) error {
	l.mu.Lock()
	st := l.st
	if st.Phase != phaseResults && st.Phase != phaseLobby && st.Phase != phasePaused {
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "close the current question first")
	}
	l.rank()
	res := resultDoc{ID: l.c.ID + ":" + l.round.ID, Contest: l.c.ID, Round: l.round.ID, Captains: l.round.Captains, At: l.s.clock.Now()}
	for _, r := range l.ranked {
		p := l.players[r.ID]
		e := resultEntry{Worker: p.id, Points: p.points, TimeMS: p.timeMS, Answered: p.answers}
		if l.round.Captains {
			e.Team = p.team
		}
		res.Entries = append(res.Entries, e)
	}
	l.mu.Unlock()
	if st.Rehearsal { // a dry run keeps no results
		st.Phase = phasePodium
		return l.transition(ctx, st, nil)
	}
	if err := l.s.repo.saveResult(ctx, res); err != nil {
		return gridskill.Internal(err)
	}
	c, err := l.s.markFinished(ctx, l.c.ID, l.round.ID, res.At)
	if err != nil {
		return err
	}
	final, err := l.s.finalRows(ctx, c)
	if err != nil {
		return err
	}
	st.Phase = phasePodium
	return l.transition(ctx, st, func() { l.final, l.finalTeams = final.people, final.teams })
}

// finalBoard is the contest's overall standing, shown with the podium of
// the round that ends the contest.
type finalBoard struct{ people, teams []rowJSON }

// finalRows returns the contest's overall top 10 and teams once every round
// has finished, and nothing before.
func (s *Service) finalRows(ctx context.Context, c Contest) (finalBoard, error) {
	var b finalBoard
	if slices.ContainsFunc(c.Rounds, func(r Round) bool { return r.Finished.IsZero() }) {
		return b, nil
	}
	st, err := s.standings(ctx, c)
	if err != nil {
		return b, err
	}
	for _, r := range st.Overall[:min(10, len(st.Overall))] {
		b.people = append(b.people, rowJSON{Rank: r.Rank, Name: r.Name, Team: r.Team, Points: r.Points})
	}
	for _, r := range st.Teams[:min(10, len(st.Teams))] {
		b.teams = append(b.teams, rowJSON{Rank: r.Rank, Name: r.Name, Points: r.Points})
	}
	return b, nil
}

func (s *Service) markFinished(ctx context.Context, contestID, roundID string, at time.Time) (Contest, error) {
	c, err := s.get(contestID)
	if err != nil {
		return c, err
	}
	c = cloneContest(c)
	_, i, ok := c.Round(roundID)
	if !ok {
		return c, gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
	}
	c.Rounds[i].Finished = at
	return c, s.save(ctx, c)
}

// schedule sets the timer of a timed phase: reading ends with the options,
// open and answering end at the deadline. The timer is the clock's, so the
// clock that decides whether an answer is in time also decides when the
// phase ends.
func (l *live) schedule(st liveDoc) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.gen++
	if l.stopped {
		return
	}
	switch st.Phase {
	case phaseReading:
		l.arm(l.gen, st.ReadUntil, func(ctx context.Context) error { return l.show(ctx, true) })
	case phaseOpen:
		l.arm(l.gen, st.Deadline, l.close)
	case phaseBuzzing:
		l.arm(l.gen, st.BuzzUntil, l.startAnswering)
	case phaseAnswering:
		l.arm(l.gen, st.Deadline, l.buzzTimeout)
	case phaseStaking:
		l.arm(l.gen, st.Deadline, l.stakingEnds)
	}
	if st.Phase == phaseOpen || st.Phase == phaseJudging {
		go l.tickScreens(st.Item, st.Phase)
	}
}

// arm sets the timer of the phase scheduled as gen to carry out act at at.
// Call with mu held.
func (l *live) arm(gen uint64, at time.Time, act func(context.Context) error) {
	l.timer = l.s.clock.AfterFunc(at.Sub(l.s.clock.Now()), func() { l.due(gen, at, act) })
}

// due carries out a timer's act, unless the phase it was set for has ended
// (a host action or another timer came first) or the round was stopped. A
// timer that fires before its time by the clock waits the rest.
func (l *live) due(gen uint64, at time.Time, act func(context.Context) error) {
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	if !l.current() {
		// Only the round's holder acts. Until the round is dropped (the lease
		// lost for good) the timer looks again a little later.
		l.mu.Lock()
		if !l.stopped && l.gen == gen {
			l.arm(gen, l.s.clock.Now().Add(holdRetry), act)
		}
		l.mu.Unlock()
		return
	}
	l.mu.Lock()
	if l.stopped || l.gen != gen {
		l.mu.Unlock()
		return
	}
	if l.s.clock.Now().Before(at) {
		l.arm(gen, at, act)
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := act(ctx); err != nil {
		l.s.log.Error("live round timer", "contest", l.c.ID, "err", err)
	}
}

// stop cancels the round's timer for good: the process is shutting down,
// and another process will own the round.
func (l *live) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}

// tickScreens refreshes the answer count on the screens a few times a
// second while a question is open. It paces output and decides nothing, so
// it runs on real time, not on the round's clock.
func (l *live) tickScreens(item int, phase string) {
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	for range t.C {
		l.mu.Lock()
		if l.stopped || l.st.Item != item || l.st.Phase != phase {
			l.mu.Unlock()
			return
		}
		if l.dirty {
			l.publish(true)
		}
		l.mu.Unlock()
	}
}
