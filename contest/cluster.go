package contest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/quiz"
)

// Several instances over one database (docs/live.md): the running round of
// a contest belongs to the instance that holds the lease round:<contest id>.
// The holder rebuilds the round from the stored facts when it takes the
// lease (TakeOver), as a restart does, and forgets it when it loses the lease
// (Drop). Every live action checks the lease before it starts and again
// after its write and before it answers, so an instance that lost the lease
// (paused, cut off) never tells a phone "received" for what the new holder
// may not count; the phone's retry reaches the new holder, which answers it
// from the stored facts.

// Holder reports whether this instance holds a lease now (by its own clock,
// with a margin before the lease runs out).
type Holder interface{ Holds(lease string) bool }

// Versions tells the other instances that a shared list changed
// (store.Versions): they reload it.
type Versions interface {
	Bump(ctx context.Context, name string) error
}

// VersionName is the name contest edits are announced under: each instance
// watches it and calls Refresh.
const VersionName = "contests"

// SetCluster makes the service one of several instances: it serves a
// round's live actions only while h holds the round's lease, and Load no
// longer rebuilds running rounds (they come with their leases). Call before
// Load; without it the service runs alone, as it always has.
func (s *Service) SetCluster(h Holder) {
	s.holder = h
	s.owned = map[string]int64{}
	s.saved = map[string]uint64{}
}

// SetVersions makes every contest edit bump VersionName in v, so that the
// other instances, watching it, Refresh. Call before serving.
func (s *Service) SetVersions(v Versions) { s.versions = v }

// holdRetry is how soon a round's timer that fired while the lease was not
// held looks again.
const holdRetry = 500 * time.Millisecond

func roundLease(contestID string) string { return "round:" + contestID }

const movingMessage = "this round is moving to another server; try again"

// errMoving is the answer of an instance that does not (or no longer) hold a
// round: the client retries at once (quiz.RetryAfter says when) and reaches
// the holder.
func errMoving() error {
	return &gridskill.Error{Code: gridskill.EUNAVAILABLE, Message: movingMessage, Format: movingMessage, Err: &quiz.Busy{RetryAfter: time.Second}}
}

// serves reports whether this instance runs the contest's live round now:
// always when alone; with several, once it took the round over and while it
// holds the lease.
func (s *Service) serves(contestID string) bool {
	if s.holder == nil {
		return true
	}
	s.mu.RLock()
	_, ok := s.owned[contestID]
	s.mu.RUnlock()
	return ok && s.holder.Holds(roundLease(contestID))
}

// fence refuses a live action on a round this instance does not run.
func (s *Service) fence(contestID string) error {
	if s.holder == nil || s.serves(contestID) {
		return nil
	}
	return errMoving()
}

// fenced replaces the outcome of a live action with errMoving when the lease
// was lost while it ran: what it wrote is the new holder's to count, and the
// client's retry reaches the new holder.
func (s *Service) fenced(contestID string, err error) error {
	if s.holder == nil || s.serves(contestID) {
		return err
	}
	return errMoving()
}

// current reports whether l is still the round this instance runs: a round
// dropped or taken over again since is not, and acts no more.
func (l *live) current() bool {
	s := l.s
	if s.holder == nil {
		return true
	}
	s.mu.RLock()
	_, ok := s.owned[l.c.ID]
	mine := s.live[l.c.ID] == l
	s.mu.RUnlock()
	return ok && mine && s.holder.Holds(roundLease(l.c.ID))
}

// epochOf is the lease epoch this instance took the contest over with; 0
// when alone.
func (s *Service) epochOf(contestID string) int64 {
	if s.holder == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.owned[contestID]
}

// TakeOver makes this instance the runner of the contest's live round, its
// lease (round:<id>) just claimed with epoch: the contest is read again,
// its streams' joins too, and the running round is rebuilt from
// contest_live and contest_facts exactly as Load does at a start, so an
// interrupted question comes back paused and resumes with the time it had
// left. Whatever the instance held of the contest before is dropped first.
// Errors: not_found (no such contest: the node then forgets the lease),
// internal.
func (s *Service) TakeOver(ctx context.Context, contestID string, epoch int64) error {
	if s.holder == nil {
		return gridskill.Errorf(gridskill.EINTERNAL, "take over a round: the service runs alone")
	}
	s.Drop(contestID)
	// An id that names no contest is not found, so that the node forgets
	// the lease it claimed for it instead of keeping one for every made-up
	// address requested.
	if !validID(contestID) {
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such contest")
	}
	d, err := s.repo.contest(ctx, contestID)
	if errors.Is(err, mongo.ErrNoDocuments) {
		s.mu.Lock()
		s.forgetLocked(contestID)
		s.mu.Unlock()
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such contest")
	}
	if err != nil {
		return gridskill.Internal(fmt.Errorf("take over contest %s: %w", contestID, err))
	}
	c := d.contest()
	joins, err := s.repo.facts(ctx, contestID, "")
	if err != nil {
		return gridskill.Internal(fmt.Errorf("take over the joins of %s: %w", contestID, err))
	}
	var joined []string
	for _, f := range joins {
		if f.Kind == factJoin {
			joined = append(joined, f.Worker)
		}
	}
	ld, ok, err := s.repo.liveOne(ctx, contestID)
	if err != nil {
		return gridskill.Internal(fmt.Errorf("take over the live round of %s: %w", contestID, err))
	}
	s.mu.Lock()
	s.noteSavedLocked(c.ID)
	s.contests[c.ID] = c
	if c.PIN != "" {
		s.pins[c.PIN] = c.ID
	}
	s.hubLocked(c, joined)
	s.mu.Unlock()
	var l *live
	if ok && ld.Round != "" && ld.Phase != phaseDone {
		if l, err = s.rebuild(ctx, c, ld); err != nil {
			return gridskill.Internal(err)
		}
		l.mu.Lock()
		l.st.Epoch = epoch
		// Buzzes this holder places come after every former holder's, even one
		// a paused former holder stores late.
		l.buzzSeq = max(l.buzzSeq, uint64(epoch)<<32)
		l.mu.Unlock()
	}
	s.mu.Lock()
	if l != nil {
		s.live[c.ID] = l
	}
	s.owned[c.ID] = epoch
	s.mu.Unlock()
	return nil
}

// Drop lets the contest's live round go, its lease lost: its timers stop,
// its live state is forgotten and its streams end (phones reconnect, and
// reach the new holder). It writes nothing.
func (s *Service) Drop(contestID string) {
	s.mu.Lock()
	l, h := s.live[contestID], s.hubs[contestID]
	delete(s.live, contestID)
	delete(s.hubs, contestID)
	delete(s.owned, contestID)
	s.mu.Unlock()
	if l != nil {
		l.stop()
	}
	if h != nil {
		h.stop()
	}
}

// forgetLocked removes a contest from memory. Call with mu held.
func (s *Service) forgetLocked(id string) {
	if c, ok := s.contests[id]; ok && s.pins[c.PIN] == id {
		delete(s.pins, c.PIN)
	}
	delete(s.contests, id)
}

// noteSavedLocked records that memory holds the newest version of a contest,
// so that a Refresh that read the database before cannot bring an older one
// back. Call with mu held.
func (s *Service) noteSavedLocked(id string) {
	if s.saved == nil {
		return
	}
	s.saveSeq++
	s.saved[id] = s.saveSeq
}

// bump tells the other instances that the contests changed. The change is
// stored already: a failed bump is logged, and the others see the change at
// the next one.
func (s *Service) bump(ctx context.Context) {
	if s.versions == nil {
		return
	}
	if err := s.versions.Bump(ctx, VersionName); err != nil {
		s.log.Error("announce a contest change", "err", err)
	}
}

// Refresh reads the contests again (not the live rounds): another instance
// changed one. A contest this instance changed while the read ran keeps the
// newer version it holds, and a running round keeps its contest. Errors:
// internal.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.RLock()
	from := s.saveSeq
	s.mu.RUnlock()
	docs, err := s.repo.allContests(ctx)
	if err != nil {
		return gridskill.Internal(fmt.Errorf("refresh contests: %w", err))
	}
	s.refreshFrom(docs, from)
	return nil
}

// refreshFrom installs the contests read from the database when saveSeq was
// from.
func (s *Service) refreshFrom(docs []contestDoc, from uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	newer := func(id string) bool { return s.saved[id] > from }
	stored := make(map[string]bool, len(docs))
	for _, d := range docs {
		c := d.contest()
		stored[c.ID] = true
		if newer(c.ID) {
			continue
		}
		if old, ok := s.contests[c.ID]; ok && old.PIN != c.PIN && s.pins[old.PIN] == c.ID {
			delete(s.pins, old.PIN)
		}
		s.contests[c.ID] = c
		if c.PIN != "" {
			s.pins[c.PIN] = c.ID
		}
	}
	for id := range s.contests {
		if !stored[id] && !newer(id) && s.live[id] == nil {
			s.forgetLocked(id)
		}
	}
}
