package contest

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store"
)

// fakeHolder is a lease holder a test flips. A lease given a countdown is
// held for that many more checks, then lost.
type fakeHolder struct {
	mu   sync.Mutex
	held map[string]int // lease → checks left; -1: held until flipped
}

func (h *fakeHolder) Holds(lease string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, ok := h.held[lease]
	switch {
	case !ok || n == 0:
		return false
	case n > 0:
		h.held[lease] = n - 1
	}
	return true
}

func (h *fakeHolder) hold(contestID string, on bool) {
	checks := 0
	if on {
		checks = -1
	}
	h.holdFor(contestID, checks)
}

func (h *fakeHolder) holdFor(contestID string, checks int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held == nil {
		h.held = map[string]int{}
	}
	h.held[roundLease(contestID)] = checks
}

// countingVersions counts the bumps of each name.
type countingVersions struct {
	mu    sync.Mutex
	bumps map[string]int
}

func (v *countingVersions) Bump(_ context.Context, name string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.bumps == nil {
		v.bumps = map[string]int{}
	}
	v.bumps[name]++
	return nil
}

func (v *countingVersions) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.bumps[VersionName]
}

// instance is one of several contest services over the fixture's database.
type instance struct {
	*Service
	h *fakeHolder
	v *countingVersions
}

func (f *fixture) instance() instance {
	f.t.Helper()
	h, v := &fakeHolder{}, &countingVersions{}
	s := NewService(f.s.repo.db, f.ps, nil, f.clock, nil)
	s.SetCluster(h)
	s.SetVersions(v)
	f.must(s.Load(f.ctx))
	f.t.Cleanup(s.Close)
	return instance{Service: s, h: h, v: v}
}

// take makes the instance hold the contest's round, taken over with epoch.
func (f *fixture) take(in instance, c Contest, epoch int64) {
	f.t.Helper()
	in.h.hold(c.ID, true)
	f.must(in.TakeOver(f.ctx, c.ID, epoch))
}

// clusterContest makes, through the fixture's single service, a contest of
// grid 1-1-1's workers with round r of n questions (1000 points, 20 s, B is
// right), not started, and returns it with the round's id and the grid's
// workers (the demo worker first).
func clusterContest(f *fixture, r Round, n int) (Contest, string, []people.User) {
	f.t.Helper()
	c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "多实例测试", TeamRule: scoring.TeamRule{Method: scoring.TeamMean}})
	f.must(err)
	c, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
	f.must(err)
	c, err = f.s.AddRound(f.ctx, f.admin, c.ID, r)
	f.must(err)
	round := c.Rounds[0].ID
	for range n {
		c, err = f.s.AddQuestion(f.ctx, f.admin, c.ID, round, Question{Stem: "发现电信诈骗线索应当？", Type: scoring.Single, Points: 1000, LimitSec: 20,
			Options: []Option{{Key: "A", Text: "不管"}, {Key: "B", Text: "报告"}}, Correct: []string{"B"}})
		f.must(err)
	}
	workers := []people.User{f.user(seed.WorkerID)}
	for _, p := range c.Participants {
		if p.ID != seed.WorkerID {
			workers = append(workers, f.user(p.ID))
		}
	}
	return c, round, workers
}

// stored returns the stored phase of the contest's round and how many facts
// it has.
func (f *fixture) stored(c Contest) (liveDoc, int64) {
	f.t.Helper()
	ld, _, err := f.s.repo.liveOne(f.ctx, c.ID)
	f.must(err)
	n, err := f.s.repo.db.Collection(collFacts).CountDocuments(f.ctx, bson.M{"contest": c.ID})
	f.must(err)
	return ld, n
}

func isMoving(err error) bool {
	after, ok := quiz.RetryAfter(err)
	return gridskill.ErrorCode(err) == gridskill.EUNAVAILABLE && ok && after == time.Second &&
		gridskill.ErrorMessage(err) == "this round is moving to another server; try again"
}

// TestClusterLoadLeavesRunningRoundsToTheirLeases: a starting instance
// rebuilds no running round; the one that takes its lease over rebuilds it,
// with the joins recorded elsewhere.
func TestClusterLoadLeavesRunningRoundsToTheirLeases(t *testing.T) {
	f := newFixture(t)
	c, round, w := clusterContest(f, Round{Title: "必答题", Kind: Speed}, 1)
	a := f.instance()
	f.take(a, c, 1)
	_, err := a.JoinContest(f.ctx, w[0], c.ID)
	f.must(err)
	f.must(a.Host(f.ctx, f.admin, c.ID, ActStart, round))
	f.must(a.Host(f.ctx, f.admin, c.ID, ActNext, round))

	b := f.instance()
	if _, ok := b.cached(c.ID); !ok {
		t.Fatal("the contest was not loaded")
	}
	if _, _, ok := b.LiveRound(c.ID); ok {
		t.Fatal("a starting instance rebuilt a running round it holds no lease on")
	}
	a.Drop(c.ID)
	f.take(b, c, 2)
	if _, phase, _ := b.LiveRound(c.ID); phase != phasePaused {
		t.Fatalf("taken over, the open question is %q, want paused", phase)
	}
	b.mu.RLock()
	h := b.hubs[c.ID]
	b.mu.RUnlock()
	if n := h.joinedCount(); n != 1 {
		t.Fatalf("%d joined after the takeover, want the one who joined on the former holder", n)
	}
}

// TestClusterRefusesLiveActionsWithoutTheLease: an instance that does not
// hold a round's lease answers every live action with unavailable and
// changes nothing, while the holder runs the round.
func TestClusterRefusesLiveActionsWithoutTheLease(t *testing.T) {
	f := newFixture(t)
	c, round, w := clusterContest(f, Round{Title: "必答题", Kind: Speed}, 2)
	a, b := f.instance(), f.instance()
	f.take(a, c, 1)
	f.must(a.Host(f.ctx, f.admin, c.ID, ActStart, round))
	f.must(a.Host(f.ctx, f.admin, c.ID, ActNext, round))
	before, facts := f.stored(c)

	for name, act := range map[string]func() error{
		"Answer": func() error {
			_, err := b.Answer(f.ctx, w[0], c.ID, AnswerRequest{Item: 0, Answer: []string{"B"}})
			return err
		},
		"Buzz":  func() error { return b.Buzz(f.ctx, w[0], c.ID, BuzzRequest{Item: 0}) },
		"Stake": func() error { return b.Stake(f.ctx, w[0], c.ID, 0, 100) },
		"Ping":  func() error { return b.Ping(w[0], c.ID, f.clock.Now().UnixMilli(), 0) },
		"Join": func() error {
			_, err := b.JoinContest(f.ctx, w[1], c.ID)
			return err
		},
		"Close":  func() error { return b.Host(f.ctx, f.admin, c.ID, ActClose, round) },
		"Start":  func() error { return b.Host(f.ctx, f.admin, c.ID, ActStart, round) },
		"Finish": func() error { return b.Host(f.ctx, f.admin, c.ID, ActFinish, round) },
		"Watch": func() error {
			_, err := b.Watch(f.ctx, w[0], c.ID)
			return err
		},
		"WatchScreen": func() error {
			_, err := b.WatchScreen(f.ctx, c.ID, c.ScreenKey)
			return err
		},
		"Edit": func() error {
			_, err := b.UpdateContest(f.ctx, f.admin, c.ID, ContestEdit{Title: "改名", TeamRule: c.TeamRule})
			return err
		},
		"Delete": func() error { return b.DeleteContest(f.ctx, f.admin, c.ID) },
	} {
		t.Run(name, func(t *testing.T) {
			if err := act(); !isMoving(err) {
				t.Fatalf("without the lease: %v, want unavailable (moving)", err)
			}
		})
	}
	if after, n := f.stored(c); after != before || n != facts {
		t.Fatalf("refused actions changed the round: %+v (%d facts), was %+v (%d)", after, n, before, facts)
	}
	if got, _ := b.cached(c.ID); got.Title != c.Title {
		t.Fatalf("a refused edit changed the contest: %q", got.Title)
	}
	// The holder's round went on untouched.
	if _, err := a.Answer(f.ctx, w[0], c.ID, AnswerRequest{Item: 0, Answer: []string{"B"}}); err != nil {
		t.Fatalf("the holder refused an answer: %v", err)
	}
	// A PIN resolved on an instance that does not hold the round is not
	// recorded there: the phone records its join on the holder, next.
	if got, err := b.Join(f.ctx, w[1], c.PIN); err != nil || got.ID != c.ID {
		t.Fatalf("join by PIN on another instance: %+v, %v", got.ID, err)
	}
	if _, n := f.stored(c); n != facts+1 {
		t.Fatalf("%d facts after the holder's answer and a join by PIN elsewhere, want %d", n, facts+1)
	}
}

// TestClusterTakeOverCountsEachAcknowledgedAnswerOnce: an answer
// acknowledged by the former holder is counted by the new one and its retry
// there is answered as stored; an answer written as the lease ran out is
// not acknowledged (the phone retries), and is counted once.
func TestClusterTakeOverCountsEachAcknowledgedAnswerOnce(t *testing.T) {
	f := newFixture(t)
	c, round, w := clusterContest(f, Round{Title: "必答题", Kind: Speed}, 2)
	a, b := f.instance(), f.instance()
	f.take(a, c, 1)
	f.must(a.Host(f.ctx, f.admin, c.ID, ActStart, round))
	f.must(a.Host(f.ctx, f.admin, c.ID, ActNext, round))
	f.clock.Advance(4 * time.Second)
	ans := func(s instance, u people.User, key string) (AnswerResult, error) {
		return s.Answer(f.ctx, u, c.ID, AnswerRequest{Item: 0, Answer: []string{key}})
	}
	if res, err := ans(a, w[0], "B"); err != nil || !res.Received {
		t.Fatalf("the holder's answer: %+v, %v", res, err)
	}
	f.clock.Advance(2 * time.Second)
	// The lease runs out while the second answer is written: the check before
	// passes, the one after does not.
	a.h.holdFor(c.ID, 1)
	if res, err := ans(a, w[1], "A"); !isMoving(err) || res.Received {
		t.Fatalf("an answer written as the lease ran out: %+v, %v; want unavailable, not received", res, err)
	}
	if _, n := f.stored(c); n != 2 {
		t.Fatalf("%d facts, want both answers stored", n)
	}
	f.clock.Advance(4 * time.Second) // the lease's time runs out; another instance claims it
	a.Drop(c.ID)
	f.take(b, c, 2)
	if _, phase, _ := b.LiveRound(c.ID); phase != phasePaused {
		t.Fatalf("taken over, the question is %q, want paused", phase)
	}
	if l := b.liveOf(c.ID); l.remaining != 14*time.Second {
		t.Errorf("remaining %v, want 14s (the deadline less the last answer)", l.remaining)
	}
	for i, key := range []string{"B", "A"} { // the phones' retries
		if res, err := ans(b, w[i], key); err != nil || !res.Received {
			t.Fatalf("retry %d on the new holder: %+v, %v; want received", i, res, err)
		}
	}
	if _, err := ans(b, w[0], "A"); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a changed answer on the new holder: %v, want conflict", err)
	}
	f.must(b.Host(f.ctx, f.admin, c.ID, ActResume, round))
	f.clock.Advance(14 * time.Second) // the time that was left: it closes by itself
	if _, phase, _ := b.LiveRound(c.ID); phase != phaseResults {
		t.Fatalf("when the time left is up the question is %q, want results", phase)
	}
	if _, n := f.stored(c); n != 2 {
		t.Fatalf("%d facts after the retries, want 2", n)
	}
	l := b.liveOf(c.ID)
	l.mu.Lock()
	dist := map[string]int{"A": l.dist["A"], "B": l.dist["B"]}
	l.mu.Unlock()
	if dist["A"] != 1 || dist["B"] != 1 {
		t.Fatalf("answer counts %v, want each answer once", dist)
	}
	f.must(b.Host(f.ctx, f.admin, c.ID, ActNext, round))
	f.must(b.Host(f.ctx, f.admin, c.ID, ActClose, round))
	f.must(b.Host(f.ctx, f.admin, c.ID, ActFinish, round))
	f.s = b.Service
	// The right answer at 4 s of 20: 1000 × (1 − 4/40) = 900.
	if pts := f.points(c, round); pts[w[0].ID] != 900 || pts[w[1].ID] != 0 {
		t.Fatalf("points %v, want %s 900 and %s 0", pts, w[0].ID, w[1].ID)
	}
}

// TestClusterDropStopsTheRound: a dropped round's streams end, its timers
// do nothing and nothing is written; a former holder that did not notice it
// lost the lease cannot write over the new holder's phase.
func TestClusterDropStopsTheRound(t *testing.T) {
	f := newFixture(t)
	c, round, w := clusterContest(f, Round{Title: "必答题", Kind: Speed}, 2)
	a, b := f.instance(), f.instance()
	f.take(a, c, 1)
	f.must(a.Host(f.ctx, f.admin, c.ID, ActStart, round))
	f.must(a.Host(f.ctx, f.admin, c.ID, ActNext, round))
	sub, err := a.Watch(f.ctx, w[0], c.ID)
	f.must(err)
	defer sub.Close()
	before, facts := f.stored(c)

	a.Drop(c.ID)
	select {
	case <-sub.Done:
	case <-time.After(5 * time.Second):
		t.Fatal("the dropped round's stream did not end")
	}
	f.clock.Advance(21 * time.Second) // past the question's deadline
	if after, n := f.stored(c); after != before || n != facts {
		t.Fatalf("the dropped round's timer wrote: %+v (%d facts), was %+v (%d)", after, n, before, facts)
	}
	if _, _, ok := a.LiveRound(c.ID); ok {
		t.Fatal("the dropped round is still held")
	}
	if err := a.Host(f.ctx, f.admin, c.ID, ActClose, round); !isMoving(err) {
		t.Fatalf("a host action after the drop: %v, want unavailable", err)
	}

	// b takes over; a, paused, takes it over again as if nothing happened
	// with its old epoch, and its write is refused.
	f.take(b, c, 2)
	f.must(b.Host(f.ctx, f.admin, c.ID, ActResume, round))
	f.take(a, c, 1)
	if err := a.Host(f.ctx, f.admin, c.ID, ActClose, round); !isMoving(err) {
		t.Fatalf("a former holder's close: %v, want unavailable", err)
	}
	if ld, _ := f.stored(c); ld.Phase != phaseOpen || ld.Epoch != 2 {
		t.Fatalf("stored %s of epoch %d, want the new holder's open question (epoch 2)", ld.Phase, ld.Epoch)
	}
}

// TestClusterTimersFireOnlyForTheHolder: a timer that falls due while the
// lease is not held acts once it is held again, and not before.
func TestClusterTimersFireOnlyForTheHolder(t *testing.T) {
	f := newFixture(t)
	c, round, _ := clusterContest(f, Round{Title: "必答题", Kind: Speed}, 1)
	a := f.instance()
	f.take(a, c, 1)
	f.must(a.Host(f.ctx, f.admin, c.ID, ActStart, round))
	f.must(a.Host(f.ctx, f.admin, c.ID, ActNext, round))
	a.h.hold(c.ID, false)
	f.clock.Advance(21 * time.Second)
	if ld, _ := f.stored(c); ld.Phase != phaseOpen {
		t.Fatalf("without the lease the timer closed the question: %s", ld.Phase)
	}
	a.h.hold(c.ID, true)
	f.clock.Advance(holdRetry)
	if ld, _ := f.stored(c); ld.Phase != phaseResults {
		t.Fatalf("with the lease back the question is %s, want results", ld.Phase)
	}
}

// TestClusterRefreshSeesOtherInstancesEdits: every edit is announced, and
// another instance's Refresh finds new, changed and deleted contests, while
// a round it holds keeps its live state.
func TestClusterRefreshSeesOtherInstancesEdits(t *testing.T) {
	f := newFixture(t)
	a, b := f.instance(), f.instance()
	c, err := a.Create(f.ctx, f.admin, Contest{Title: "新比赛"})
	f.must(err)
	if a.v.count() != 1 {
		t.Fatalf("%d bumps after a create, want 1", a.v.count())
	}
	if _, err := b.Contest(f.ctx, f.admin, c.ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("before a refresh: %v, want not found", err)
	}
	f.must(b.Refresh(f.ctx))
	if got, err := b.Contest(f.ctx, f.admin, c.ID); err != nil || got.Title != "新比赛" {
		t.Fatalf("after a refresh: %+v, %v", got, err)
	}
	f.take(a, c, 1)
	_, err = a.UpdateContest(f.ctx, f.admin, c.ID, ContestEdit{Title: "改过的比赛", TeamRule: c.TeamRule})
	f.must(err)
	if a.v.count() != 2 {
		t.Fatalf("%d bumps after an edit, want 2", a.v.count())
	}

	// A round b holds keeps its state through a refresh.
	held, round, w := clusterContest(f, Round{Title: "必答题", Kind: Speed}, 1)
	f.take(b, held, 1)
	f.must(b.Host(f.ctx, f.admin, held.ID, ActStart, round))
	f.must(b.Host(f.ctx, f.admin, held.ID, ActNext, round))
	_, err = b.Answer(f.ctx, w[0], held.ID, AnswerRequest{Item: 0, Answer: []string{"B"}})
	f.must(err)
	f.must(b.Refresh(f.ctx))
	if got, _ := b.cached(c.ID); got.Title != "改过的比赛" {
		t.Fatalf("after a refresh the edited contest is %q", got.Title)
	}
	if _, phase, _ := b.LiveRound(held.ID); phase != phaseOpen {
		t.Fatalf("the held round is %q after a refresh, want open", phase)
	}
	if res, err := b.Answer(f.ctx, w[0], held.ID, AnswerRequest{Item: 0, Answer: []string{"B"}}); err != nil || !res.Received {
		t.Fatalf("the held round forgot an answer in a refresh: %+v, %v", res, err)
	}

	f.must(a.DeleteContest(f.ctx, f.admin, c.ID))
	if a.v.count() != 3 {
		t.Fatalf("%d bumps after a delete, want 3", a.v.count())
	}
	f.must(b.Refresh(f.ctx))
	if _, err := b.Contest(f.ctx, f.admin, c.ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("a deleted contest after a refresh: %v, want not found", err)
	}
	if _, err := b.Join(f.ctx, f.admin, c.PIN); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("a deleted contest's PIN after a refresh: %v, want not found", err)
	}
}

// TestClusterRefreshKeepsItsOwnNewerEdit: a refresh whose read predates
// this instance's own edit (or deletion) does not bring the older version
// back.
func TestClusterRefreshKeepsItsOwnNewerEdit(t *testing.T) {
	f := newFixture(t)
	a := f.instance()
	c, err := a.Create(f.ctx, f.admin, Contest{Title: "旧名"})
	f.must(err)
	gone, err := a.Create(f.ctx, f.admin, Contest{Title: "将删除"})
	f.must(err)
	f.take(a, c, 1)
	f.take(a, gone, 1)
	a.mu.RLock()
	from := a.saveSeq
	a.mu.RUnlock()
	docs, err := a.repo.allContests(f.ctx) // a refresh's read, before the edits
	f.must(err)
	_, err = a.UpdateContest(f.ctx, f.admin, c.ID, ContestEdit{Title: "新名", TeamRule: c.TeamRule})
	f.must(err)
	f.must(a.DeleteContest(f.ctx, f.admin, gone.ID))
	a.refreshFrom(docs, from)
	if got, _ := a.cached(c.ID); got.Title != "新名" {
		t.Fatalf("a refresh read before the edit brought back %q", got.Title)
	}
	if _, ok := a.cached(gone.ID); ok {
		t.Fatal("a refresh read before the deletion brought the contest back")
	}
	a.mu.RLock()
	pin := a.pins[gone.PIN]
	a.mu.RUnlock()
	if pin != "" {
		t.Fatal("a refresh read before the deletion brought its PIN back")
	}
}

// TestClusterEditsReachAnotherInstanceThroughVersions: an instance watching
// the contests' version reloads them when another instance edits one.
func TestClusterEditsReachAnotherInstanceThroughVersions(t *testing.T) {
	f := newFixture(t)
	a, b := f.instance(), f.instance()
	va, vb := store.NewVersions(f.s.repo.db), store.NewVersions(f.s.repo.db)
	a.SetVersions(va)
	reloads := map[string]func(context.Context) error{VersionName: b.Refresh}
	f.must(vb.Check(f.ctx, reloads)) // where the counters stand at b's start
	c, err := a.Create(f.ctx, f.admin, Contest{Title: "另一实例的比赛"})
	f.must(err)
	f.must(vb.Check(f.ctx, reloads))
	if got, err := b.Contest(f.ctx, f.admin, c.ID); err != nil || got.Title != "另一实例的比赛" {
		t.Fatalf("the other instance after its check: %+v, %v", got, err)
	}
}

// TestClusterTakeOverOfAnUnknownContestIsNotFound: a made-up address names
// no contest, so the node is told to forget the lease it claimed for it.
func TestClusterTakeOverOfAnUnknownContestIsNotFound(t *testing.T) {
	f := newFixture(t)
	a := f.instance()
	for _, id := range []string{"c-0123456789abcdef", "../../etc", ""} {
		a.h.hold(id, true)
		if err := a.TakeOver(f.ctx, id, 1); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
			t.Fatalf("take over %q: %v, want not_found", id, err)
		}
	}
}
