package contest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/store"
)

// What phones send: answers, delay pings, joins, stakes and buzzes.

// AnswerRequest is a phone's answer: the item it answers (and, optionally,
// the round it belongs to), the chosen keys, and for the delay estimate the
// server time of the event that showed the options (Echo, ms) and how long
// the phone held it before sending (HeldMS).
type AnswerRequest struct {
	Round  string
	Item   int
	Answer []string
	Echo   int64
	HeldMS int64
}

// AnswerResult is what the phone hears once its answer is stored.
type AnswerResult struct {
	Item   int      `json:"item"`
	Answer []string `json:"answer"`
	// Received is always true: the answer is in the database.
	Received bool `json:"received"`
}

// errLate refuses an answer that arrives once its question has closed.
func errLate() error {
	return gridskill.Errorf(gridskill.ECONFLICT, "time is up: answers for this question are closed")
}

// player returns the live round and the actor's player in it. In a captain
// round a member who is not the captain is refused, so that nothing they
// send changes the round. Errors: invalid, not_found, forbidden, conflict,
// unavailable (the round's holder is another instance).
func (s *Service) player(actor people.User, contestID string) (*live, *player, error) {
	c, err := s.get(contestID)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := c.Participant(actor.ID); !ok {
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "you are not taking part in this contest")
	}
	if err := s.fence(contestID); err != nil {
		return nil, nil, err
	}
	l := s.liveOf(contestID)
	if l == nil {
		return nil, nil, gridskill.Errorf(gridskill.ECONFLICT, "no round is live")
	}
	p := l.players[actor.ID]
	switch {
	case p != nil && l.round.Captains && p.team == "":
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only team captains answer in this round")
	case p != nil && l.round.Captains && p.captain != p.id:
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "your team's captain answers in this round")
	case p == nil || !p.plays:
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "you do not play in this round")
	}
	return l, p, nil
}

// Answer takes a phone's answer to the open question. It returns only once
// the answer is written. It is idempotent: sending an answer that is stored
// again, while the question is open, after it closed or after a restart,
// returns the same result and counts nothing twice; an answer that was never
// stored and arrives after its question closed is refused as late. Errors:
// invalid (a malformed answer, an unknown round), forbidden (not a player),
// conflict (the question is not open, the time is up, already answered
// differently), unavailable (the round's holder is another instance, or
// this instance lost the round before it could answer), internal.
func (s *Service) Answer(ctx context.Context, actor people.User, contestID string, req AnswerRequest) (res AnswerResult, err error) {
	if s.holder != nil {
		defer func() {
			if err = s.fenced(contestID, err); err != nil {
				res = AnswerResult{}
			}
		}()
	}
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return AnswerResult{}, err
	}
	now := s.clock.Now()
	l.mu.Lock()
	switch {
	case l.round.Kind == Judge:
		l.mu.Unlock()
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "this round is scored by judges")
	case req.Item < 0:
		l.mu.Unlock()
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	case (req.Round != "" && req.Round != l.round.ID) || req.Item < l.st.Item:
		c, roundID := l.c, cmp.Or(req.Round, l.round.ID)
		l.mu.Unlock()
		if _, _, ok := c.Round(roundID); !ok {
			return AnswerResult{}, gridskill.Errorf(gridskill.EINVALID, "round not found")
		}
		return s.pastAnswer(ctx, factID(contestID, roundID, req.Item, p.id), req)
	case req.Item != l.st.Item:
		l.mu.Unlock()
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	}
	if a := p.ans; a != nil {
		l.mu.Unlock()
		return retriedAnswer(ctx, a, req)
	}
	if err := l.refuseAnswer(p, now); err != nil {
		l.mu.Unlock()
		return AnswerResult{}, err
	}
	q, _ := l.question()
	choice, err := validChoice(q, req.Answer)
	if err != nil {
		l.mu.Unlock()
		return AnswerResult{}, err
	}
	if req.Echo > 0 {
		p.addDelay(now.UnixMilli() - req.Echo - max(req.HeldMS, 0))
	}
	rt := scoring.ResponseTime(l.st.ShownAt, now, p.delay(), MaxDelay, q.Limit())
	a := &answer{choice: choice, correct: scoring.Grade(q.Key(), choice, 1).Correct, timeMS: rt.Milliseconds(), written: make(chan struct{})}
	l.applyAnswer(p, a)
	l.dirty = true
	item := l.st.Item
	l.mu.Unlock()
	return l.store(ctx, p, a, factDoc{ID: factID(contestID, l.round.ID, item, p.id), Contest: contestID, Round: l.round.ID, Item: item,
		Kind: factAnswer, Worker: p.id, At: now, Answer: choice, Correct: a.correct, TimeMS: a.timeMS})
}

// refuseAnswer says why the player may not answer the current item now, or
// returns nil. Call with mu held.
func (l *live) refuseAnswer(p *player, now time.Time) error {
	open := l.st.Phase == phaseOpen && !l.closing
	if l.round.Kind == Buzzer {
		open = l.st.Phase == phaseAnswering && !l.closing && l.answererID() == p.id
	}
	switch {
	case !open && l.st.Phase == phaseBuzzing:
		return gridskill.Errorf(gridskill.ECONFLICT, "wait: the buzz order is being decided")
	case !open && l.st.Phase == phaseOpen && l.round.Kind == Buzzer:
		return gridskill.Errorf(gridskill.ECONFLICT, "buzz first; only the first to buzz answers")
	case !open && (l.closing || l.st.Phase == phaseResults || l.st.Phase == phasePodium):
		return errLate()
	case !open:
		return gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	case now.After(l.st.Deadline):
		return errLate()
	}
	return nil
}

// store writes an accepted answer before the phone hears "received"; a
// failed write takes it back out of the round.
func (l *live) store(ctx context.Context, p *player, a *answer, doc factDoc) (AnswerResult, error) {
	var err error
	if l.round.Kind == Buzzer {
		err = l.s.repo.insertFact(ctx, doc)
	} else {
		err = l.s.facts.Do(ctx, doc)
	}
	if err != nil {
		l.mu.Lock()
		l.unapplyAnswer(p, a)
		a.err = err
		l.mu.Unlock()
		close(a.written)
		return AnswerResult{}, gridskill.Internal(err)
	}
	close(a.written)
	if l.round.Kind == Buzzer {
		l.afterBuzzAnswer(a.correct)
	}
	return AnswerResult{Item: doc.Item, Answer: doc.Answer, Received: true}, nil
}

// retriedAnswer answers an answer to the current item by a player who has
// one: the same answer hears what the first heard, once it is written.
func retriedAnswer(ctx context.Context, a *answer, req AnswerRequest) (AnswerResult, error) {
	if len(a.choice) == 0 { // a buzzer winner who ran out of time
		return AnswerResult{}, errLate()
	}
	if !slices.Equal(a.choice, normalizeChoice(req.Answer)) {
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "you have already answered this question")
	}
	select {
	case <-a.written:
	case <-ctx.Done():
		return AnswerResult{}, gridskill.Internal(ctx.Err())
	}
	if a.err != nil {
		return AnswerResult{}, gridskill.Internal(a.err)
	}
	return AnswerResult{Item: req.Item, Answer: a.choice, Received: true}, nil
}

// pastAnswer answers an answer to an item that has closed, of this round or
// an earlier one: a stored answer is received, anything else is late.
func (s *Service) pastAnswer(ctx context.Context, id string, req AnswerRequest) (AnswerResult, error) {
	f, ok, err := s.repo.fact(ctx, id)
	switch {
	case err != nil:
		return AnswerResult{}, gridskill.Internal(err)
	case !ok || len(f.Answer) == 0:
		return AnswerResult{}, errLate()
	case !slices.Equal(f.Answer, normalizeChoice(req.Answer)):
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "you have already answered this question")
	}
	return AnswerResult{Item: f.Item, Answer: f.Answer, Received: true}, nil
}

func factID(contestID, roundID string, item int, worker string) string {
	return contestID + ":" + roundID + ":" + fmt.Sprint(item) + ":" + worker
}

func normalizeChoice(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		k = strings.ToUpper(strings.TrimSpace(k))
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// validChoice checks an answer's keys against the question. Errors: invalid.
func validChoice(q Question, keys []string) ([]string, error) {
	choice := normalizeChoice(keys)
	if len(choice) == 0 {
		return nil, gridskill.Errorf(gridskill.EINVALID, "choose an answer")
	}
	if len(choice) > 1 && q.Type != scoring.Multiple {
		return nil, gridskill.Errorf(gridskill.EINVALID, "choose one answer")
	}
	for _, k := range choice {
		if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Key == k }) {
			return nil, gridskill.Errorf(gridskill.EINVALID, "%s is not one of the options", k)
		}
	}
	return choice, nil
}

// addDelay keeps the last few network delay samples of a phone.
func (p *player) addDelay(ms int64) {
	if ms < 0 || ms > 10_000 {
		return
	}
	p.delays = append(p.delays, ms)
	if len(p.delays) > 5 {
		p.delays = p.delays[1:]
	}
}

// delay is the median of the samples, which a single slow moment does not move.
func (p *player) delay() time.Duration {
	if len(p.delays) == 0 {
		return 0
	}
	s := slices.Clone(p.delays)
	slices.Sort(s)
	return time.Duration(s[len(s)/2]) * time.Millisecond
}

// Ping records a phone's echo of a server time, to estimate its network
// delay. Errors: those of player.
func (s *Service) Ping(actor people.User, contestID string, echo, heldMS int64) error {
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return err
	}
	if echo <= 0 {
		return gridskill.Errorf(gridskill.EINVALID, "echo the server time")
	}
	now := s.clock.Now().UnixMilli()
	l.mu.Lock()
	p.addDelay(now - echo - max(heldMS, 0))
	l.mu.Unlock()
	return s.fenced(contestID, nil)
}

func (s *Service) recordJoin(ctx context.Context, c Contest, worker string) error {
	if err := s.fence(c.ID); err != nil {
		return err
	}
	return s.fenced(c.ID, s.storeJoin(ctx, c, worker))
}

func (s *Service) storeJoin(ctx context.Context, c Contest, worker string) error {
	h, err := s.hubOf(ctx, c)
	if err != nil {
		return gridskill.Internal(err)
	}
	p, _ := c.Participant(worker)
	if h.join(worker, p.Name) {
		return nil
	}
	err = s.facts.Do(ctx, factDoc{ID: c.ID + ":join:" + worker, Contest: c.ID, Kind: factJoin, Worker: worker, At: s.clock.Now()})
	if err != nil {
		h.unjoin(worker)
		return gridskill.Internal(err)
	}
	if l := s.liveOf(c.ID); l != nil {
		l.mu.Lock()
		l.dirty = true
		l.publish(true)
		l.mu.Unlock()
	} else {
		h.cur.Store(&snapshot{common: idleState(c, h.joinedCount()), board: idleBoard(h)})
		go h.notify(true)
	}
	return nil
}

// Stake records a player's stake for the coming wager question; the same
// stake sent again is answered as stored. Errors:
// invalid (not an allowed stake), forbidden, conflict (not a wager round,
// not the staking phase, already staked), unavailable, internal.
func (s *Service) Stake(ctx context.Context, actor people.User, contestID string, item, stake int) (err error) {
	if s.holder != nil {
		defer func() { err = s.fenced(contestID, err) }()
	}
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return err
	}
	l.mu.Lock()
	switch {
	case l.round.Kind != Wager:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "stakes are only picked in a wager round")
	case l.st.Item == item && p.staked && p.stake == stake: // a retry of the stored stake
		l.mu.Unlock()
		return nil
	case l.st.Phase != phaseStaking || l.st.Item != item:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "stakes are picked before the question is shown")
	case p.staked:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "you have already picked your stake")
	}
	if err := scoring.CheckStake(stake, l.round.Stakes); err != nil {
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.EINVALID, "%d is not one of the allowed stakes", stake)
	}
	p.stake, p.staked = stake, true
	l.mu.Unlock()
	err = s.facts.Do(ctx, factDoc{ID: factID(contestID, l.round.ID, item, p.id) + ":stake", Contest: contestID, Round: l.round.ID,
		Item: item, Kind: factStake, Worker: p.id, At: s.clock.Now(), Stake: stake})
	if err != nil {
		l.mu.Lock()
		p.stake, p.staked = 0, false
		l.mu.Unlock()
		return gridskill.Internal(err)
	}
	return nil
}

// BuzzRequest is a phone pressing the buzzer: the item, and for the delay
// estimate the server time of the event that showed the options (Echo, ms)
// and how long the phone held it (HeldMS), as with answers.
type BuzzRequest struct {
	Item   int
	Echo   int64
	HeldMS int64
}

// Buzz records a player pressing the buzzer. A buzz is placed by its arrival
// less the phone's measured network delay (at most MaxDelay), so a slow line
// does not lose the buzzer: after the first buzz the question waits, while
// a slower phone's buzz could still come first (the buzz window), then the
// first in that order answers. A buzz sent again keeps the place of the
// first. A buzz while the stem is being read is a false start: refused, or,
// when the contest penalises it, stored, keeping the player from buzzing
// the question and costing the round's penalty. Errors: forbidden,
// conflict (not a buzzer round, no question open, a false start),
// unavailable, internal.
func (s *Service) Buzz(ctx context.Context, actor people.User, contestID string, req BuzzRequest) (err error) {
	if s.holder != nil {
		defer func() { err = s.fenced(contestID, err) }()
	}
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return err
	}
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	now := s.clock.Now()
	l.mu.Lock()
	item := req.Item
	switch {
	case l.round.Kind != Buzzer:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "this is not a buzzer round")
	case l.st.Item == item && p.falseStart:
		l.mu.Unlock()
		return errFalseStart()
	case l.st.Item == item && p.buzzed: // a retry: the buzz is stored, in its place
		l.mu.Unlock()
		return nil
	case l.st.Item == item && l.st.Phase == phaseReading:
		l.mu.Unlock()
		return l.falseStart(ctx, p, item, now)
	case l.st.Item != item || !buzzable(l.st.Phase) || l.closing:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	}
	if req.Echo > 0 {
		p.addDelay(now.UnixMilli() - req.Echo - max(req.HeldMS, 0))
	}
	l.buzzSeq++
	at := now.Add(-min(p.delay(), MaxDelay))
	// No buzz counts from before the options showed, nor before the order
	// fixed when the answering began.
	if at.Before(l.st.ShownAt) {
		at = l.st.ShownAt
	}
	if at.Before(l.buzzFloor) {
		at = l.buzzFloor
	}
	b := scoring.Buzz{PlayerID: p.id, At: at, Seq: l.buzzSeq}
	st := l.st
	window := at.Add(l.slowestOther(p))
	l.mu.Unlock()
	err = s.repo.insertFact(ctx, factDoc{ID: factID(contestID, l.round.ID, item, p.id) + ":buzz", Contest: contestID, Round: l.round.ID,
		Item: item, Kind: factBuzz, Worker: p.id, At: at, Seq: b.Seq})
	if err != nil {
		return gridskill.Internal(err)
	}
	add := func() {
		p.buzzed = true
		l.buzzes = append(l.buzzes, b)
	}
	if st.Phase != phaseOpen {
		l.mu.Lock()
		add()
		l.publish(false)
		l.mu.Unlock()
		return nil
	}
	if window.After(now) {
		st.Phase, st.BuzzUntil = phaseBuzzing, window
		return l.transition(ctx, st, add)
	}
	l.mu.Lock()
	add()
	l.mu.Unlock()
	return l.startAnswering(ctx)
}

func buzzable(phase string) bool {
	return phase == phaseOpen || phase == phaseBuzzing || phase == phaseAnswering
}

func errFalseStart() error {
	return gridskill.Errorf(gridskill.ECONFLICT, "false start: you buzzed before the options showed and may not buzz this question")
}

// falseStart answers a buzz while the stem is being read, as the contest
// says: refused, or stored and penalised. Call with hostMu held, not mu.
func (l *live) falseStart(ctx context.Context, p *player, item int, now time.Time) error {
	if l.c.FalseStart != FalseStartPenalty {
		return gridskill.Errorf(gridskill.ECONFLICT, "too early: buzz once the options show")
	}
	err := l.s.repo.insertFact(ctx, factDoc{ID: factID(l.c.ID, l.round.ID, item, p.id) + ":falsestart", Contest: l.c.ID, Round: l.round.ID,
		Item: item, Kind: factFalseStart, Worker: p.id, At: now})
	if err != nil && !store.IsDuplicate(err) {
		return gridskill.Internal(err)
	}
	l.mu.Lock()
	p.falseStart, p.buzzed = true, true
	l.publish(false)
	l.mu.Unlock()
	return errFalseStart()
}

// slowestOther is how long after a buzz another playing phone's buzz, sent
// at the same moment, may still arrive: the largest measured delay of those
// who have not buzzed, at most MaxDelay. Call with mu held.
func (l *live) slowestOther(p *player) time.Duration {
	var d time.Duration
	for _, o := range l.all {
		if o != p && o.plays && !o.buzzed {
			d = max(d, o.delay())
		}
	}
	return min(d, MaxDelay)
}

// startAnswering ends the buzz window: the order so far is fixed, and the
// first in it who has not answered has the answer time.
func (l *live) startAnswering(ctx context.Context) error {
	l.mu.Lock()
	st := l.st
	if st.Phase != phaseOpen && st.Phase != phaseBuzzing && st.Phase != phasePaused {
		l.mu.Unlock()
		return nil
	}
	floor := l.buzzFloor
	for _, b := range l.buzzes {
		if b.At.After(floor) {
			floor = b.At
		}
	}
	l.mu.Unlock()
	st.Phase, st.BuzzUntil = phaseAnswering, time.Time{}
	st.Deadline = l.s.clock.Now().Add(time.Duration(l.round.AnswerSec) * time.Second)
	return l.transition(ctx, st, func() { l.buzzFloor = floor })
}

// afterBuzzAnswer closes a buzzer question after a right answer, or passes
// it on after a wrong one when the round says so.
func (l *live) afterBuzzAnswer(correct bool) {
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.passOrClose(ctx, correct); err != nil {
		l.s.log.Error("buzzer", "contest", l.c.ID, "err", err)
	}
}

func (l *live) passOrClose(ctx context.Context, correct bool) error {
	l.mu.Lock()
	st := l.st
	st.Answerer++
	more := st.Answerer < len(scoring.BuzzOrder(l.buzzes))
	l.mu.Unlock()
	if !correct && l.round.PassOn && more {
		st.Deadline = l.s.clock.Now().Add(time.Duration(l.round.AnswerSec) * time.Second)
		return l.transition(ctx, st, func() { l.st.Answerer = st.Answerer })
	}
	if !correct && l.round.PassOn && l.someoneMayBuzz() {
		// No one else buzzed: the others get the buzzer back, with the
		// question's time from now.
		q, _ := l.questionAt(st.Item)
		now := l.s.clock.Now()
		st.Phase, st.ShownAt, st.Deadline = phaseOpen, now, now.Add(q.Limit())
		return l.transition(ctx, st, func() { l.st.Answerer = st.Answerer })
	}
	l.mu.Lock()
	l.st.Answerer = st.Answerer
	l.mu.Unlock()
	return l.close(ctx)
}

// someoneMayBuzz reports whether a playing phone has not buzzed yet.
func (l *live) someoneMayBuzz() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.all, func(p *player) bool { return p.plays && !p.buzzed })
}

// buzzTimeout counts a buzzer winner who did not answer in time as wrong.
func (l *live) buzzTimeout(ctx context.Context) error {
	l.mu.Lock()
	id := l.answererID()
	p := l.players[id]
	item := l.st.Item
	if p == nil || p.ans != nil {
		l.mu.Unlock()
		return nil
	}
	a := &answer{choice: []string{}, written: closedChan}
	l.applyAnswer(p, a)
	l.mu.Unlock()
	err := l.s.repo.insertFact(ctx, factDoc{ID: factID(l.c.ID, l.round.ID, item, id), Contest: l.c.ID, Round: l.round.ID,
		Item: item, Kind: factAnswer, Worker: id, At: l.s.clock.Now()})
	if err != nil {
		return err
	}
	return l.passOrClose(ctx, false)
}
