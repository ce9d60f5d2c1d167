package cluster_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/cluster"
	"gridskill/store"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// takes records what the kinds' hooks were asked, per node.
type takes struct {
	mu    sync.Mutex
	took  []string // node/id/epoch
	drops []string // node/id
	fail  map[string]error
}

func (tk *takes) handle(n *cluster.Node) {
	n.Handle("exam", func(ctx context.Context, id string, epoch int64) error {
		tk.mu.Lock()
		defer tk.mu.Unlock()
		if err := tk.fail[id]; err != nil {
			return err
		}
		tk.took = append(tk.took, fmt.Sprintf("%s/%s/%d", n.Name(), id, epoch))
		return nil
	}, func(id string) {
		tk.mu.Lock()
		defer tk.mu.Unlock()
		tk.drops = append(tk.drops, n.Name()+"/"+id)
	})
}

func (tk *takes) get() (took, drops []string) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	return append([]string(nil), tk.took...), append([]string(nil), tk.drops...)
}

// start starts a node called name; stop makes it die (it stops renewing and
// keeps its leases until they run out, as a killed process does).
func start(t *testing.T, db *mongo.Database, clock gridskill.Clock, name string, tk *takes) (n *cluster.Node, stop context.CancelFunc) {
	t.Helper()
	n = cluster.New(db, cluster.Config{Name: name, Addr: "http://" + name + ".test:8080"}, clock, quiet)
	if tk != nil {
		tk.handle(n)
	}
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	if err := n.Start(ctx); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	return n, stop
}

func TestOwnerHasOneHolderThatMovesWhenItDies(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	tk := &takes{}
	a, stopA := start(t, db, clock, "a", tk)
	b, _ := start(t, db, clock, "b", tk)

	t.Run("AFreeLeaseIsClaimedAndTakenOver", func(t *testing.T) {
		addr, mine, err := a.Owner(ctx, "exam:1")
		if err != nil || !mine || addr != "" {
			t.Fatalf("a.Owner: %q %v %v, want mine", addr, mine, err)
		}
		if took, _ := tk.get(); len(took) != 1 || took[0] != "a/1/1" {
			t.Fatalf("take hooks: %v, want a/1/1", took)
		}
		if !a.Holds("exam:1") || b.Holds("exam:1") {
			t.Fatalf("holds: a %v b %v", a.Holds("exam:1"), b.Holds("exam:1"))
		}
	})
	t.Run("AnotherNodeIsToldTheHoldersAddress", func(t *testing.T) {
		addr, mine, err := b.Owner(ctx, "exam:1")
		if err != nil || mine || addr != "http://a.test:8080" {
			t.Fatalf("b.Owner: %q %v %v, want a's address", addr, mine, err)
		}
		clock.Advance(time.Second) // b's view now names a
		if addr, mine, _ := b.Owner(ctx, "exam:1"); mine || addr != "http://a.test:8080" {
			t.Fatalf("b.Owner from its view: %q %v", addr, mine)
		}
	})
	t.Run("RenewalsKeepTheLease", func(t *testing.T) {
		for range 12 {
			clock.Advance(time.Second)
		}
		if !a.Holds("exam:1") {
			t.Fatal("a lost a lease it renewed")
		}
		if _, mine, _ := b.Owner(ctx, "exam:1"); mine {
			t.Fatal("b claimed a lease that a renews")
		}
		if took, drops := tk.get(); len(took) != 1 || len(drops) != 0 {
			t.Fatalf("hooks: took %v dropped %v", took, drops)
		}
	})
	t.Run("TheHolderStopsCountingOnItAMarginBeforeItsEnd", func(t *testing.T) {
		stopA() // a dies: no more renewals
		clock.Advance(2 * time.Second)
		if !a.Holds("exam:1") {
			t.Fatal("a stopped holding before the margin")
		}
		clock.Advance(time.Second + time.Millisecond)
		if a.Holds("exam:1") {
			t.Fatal("a still holds within a second of its lease's end")
		}
		if _, mine, _ := b.Owner(ctx, "exam:1"); mine {
			t.Fatal("b claimed before the lease ran out")
		}
	})
	t.Run("ALeaseThatRanOutIsTakenOverAtTheNextEpoch", func(t *testing.T) {
		clock.Advance(time.Second)
		addr, mine, err := b.Owner(ctx, "exam:1")
		if err != nil || !mine {
			t.Fatalf("b.Owner after a died: %q %v %v", addr, mine, err)
		}
		if took, _ := tk.get(); len(took) != 2 || took[1] != "b/1/2" {
			t.Fatalf("take hooks: %v, want b/1/2 last", took)
		}
	})
}

func TestALostLeaseIsDropped(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	tk := &takes{}
	a, _ := start(t, db, clock, "a", tk)
	b, _ := start(t, db, clock, "b", tk)
	if _, mine, err := a.Owner(ctx, "exam:7"); err != nil || !mine {
		t.Fatalf("a.Owner: %v %v", mine, err)
	}
	// a is paused past its lease's end (it renews nothing), and b takes over.
	if _, err := db.Collection(store.LeaseCollection).UpdateOne(ctx, bson.M{"_id": "exam:7"}, bson.M{"$set": bson.M{"until": clock.Now().Add(-time.Second)}}); err != nil {
		t.Fatal(err)
	}
	if _, mine, err := b.Owner(ctx, "exam:7"); err != nil || !mine {
		t.Fatalf("b.Owner: %v %v", mine, err)
	}
	clock.Advance(time.Second) // a's next renewal finds the lease gone
	if a.Holds("exam:7") || !b.Holds("exam:7") {
		t.Fatalf("holds after the move: a %v b %v", a.Holds("exam:7"), b.Holds("exam:7"))
	}
	if _, drops := tk.get(); len(drops) != 1 || drops[0] != "a/7" {
		t.Fatalf("drops: %v, want a/7", drops)
	}
	if addr, mine, _ := a.Owner(ctx, "exam:7"); mine || addr != "http://b.test:8080" {
		t.Fatalf("a.Owner after losing it: %q %v, want b's address", addr, mine)
	}
}

func TestAFailedTakeGivesTheLeaseBack(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	tk := &takes{fail: map[string]error{
		"broken": gridskill.Internal(fmt.Errorf("the database went away")),
		"ghost":  gridskill.Errorf(gridskill.ENOTFOUND, "no such exam"),
	}}
	a, _ := start(t, db, clock, "a", tk)
	b, _ := start(t, db, clock, "b", nil)
	t.Run("AnotherMayClaimAtOnce", func(t *testing.T) {
		if _, mine, err := a.Owner(ctx, "exam:broken"); err == nil || mine {
			t.Fatalf("a.Owner with a failing take: %v %v, want the error", mine, err)
		}
		if a.Holds("exam:broken") {
			t.Fatal("a holds a lease whose take failed")
		}
		if _, mine, err := b.Owner(ctx, "exam:broken"); err != nil || !mine {
			t.Fatalf("b could not claim the released lease: %v %v", mine, err)
		}
	})
	t.Run("AnUnknownUnitLeavesNoLease", func(t *testing.T) {
		_, _, err := a.Owner(ctx, "exam:ghost")
		if gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
			t.Fatalf("a.Owner of an unknown exam: %v, want not_found", err)
		}
		n, err := db.Collection(store.LeaseCollection).CountDocuments(ctx, bson.M{"_id": "exam:ghost"})
		if err != nil || n != 0 {
			t.Fatalf("lease documents left for the unknown exam: %d %v", n, err)
		}
	})
}

func TestCloseHandsEveryLeaseOverAtOnce(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	tk := &takes{}
	a, _ := start(t, db, clock, "a", tk)
	b, _ := start(t, db, clock, "b", tk)
	for _, id := range []string{"1", "2"} {
		if _, mine, err := a.Owner(ctx, "exam:"+id); err != nil || !mine {
			t.Fatalf("a.Owner(%s): %v %v", id, mine, err)
		}
	}
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Holds("exam:1") {
		t.Fatal("a still holds after Close")
	}
	if _, mine, err := a.Owner(ctx, "exam:3"); err == nil || mine {
		t.Fatalf("a closed node claimed: %v %v", mine, err)
	}
	for _, id := range []string{"1", "2"} {
		if _, mine, err := b.Owner(ctx, "exam:"+id); err != nil || !mine {
			t.Fatalf("b.Owner(%s) right after a closed: %v %v", id, mine, err)
		}
	}
}

func TestASecondInstanceOfOneNameIsRefused(t *testing.T) {
	db := storetest.DB(t)
	clock := gridskill.SystemClock{}
	start(t, db, clock, "a", nil)
	again := cluster.New(db, cluster.Config{Name: "a", Addr: "http://a2.test:8080", TTL: time.Second}, clock, quiet)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The first keeps renewing (every second on the system clock, its TTL is
	// 4 s): the second waits past its own TTL and gives up.
	if err := again.Start(ctx); err == nil {
		t.Fatal("a second instance under the same name started")
	}
}

func TestOnceRunsOnOneNodeAndMovesWhenItDies(t *testing.T) {
	db := storetest.DB(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	runs := map[string]int{}
	stops := map[string]context.CancelFunc{}
	for _, name := range []string{"a", "b", "c"} {
		n, stop := start(t, db, clock, name, nil)
		jctx, stopJob := context.WithCancel(context.Background())
		t.Cleanup(stopJob)
		stops[name] = func() { stop(); stopJob() }
		n.Once(jctx, "sweep", time.Second, func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			runs[name]++
			return nil
		})
	}
	count := func() (map[string]int, int) {
		mu.Lock()
		defer mu.Unlock()
		total := 0
		out := map[string]int{}
		for k, v := range runs {
			out[k] = v
			total += v
		}
		return out, total
	}
	for i := 1; i <= 5; i++ {
		clock.Advance(time.Second)
		if got, total := count(); total != i || len(got) != 1 {
			t.Fatalf("after %d s: runs %v, want %d runs on one node", i, got, i)
		}
	}
	got, _ := count()
	var leader string
	for k := range got {
		leader = k
	}
	stops[leader]() // the leader dies
	for range 8 {
		clock.Advance(time.Second)
	}
	after, total := count()
	if after[leader] != 5 {
		t.Fatalf("the dead leader ran again: %v", after)
	}
	if len(after) != 2 || total < 8 {
		t.Fatalf("runs after the leader died: %v, want another node to take over within the TTL", after)
	}
}

func TestAdoptClaimsWhatNobodyHolds(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	tk := &takes{}
	a, _ := start(t, db, clock, "a", tk)
	b, _ := start(t, db, clock, "b", tk)
	if _, mine, err := b.Owner(ctx, "exam:held"); err != nil || !mine {
		t.Fatalf("b.Owner: %v %v", mine, err)
	}
	list := func(context.Context) ([]string, error) { return []string{"held", "orphan"}, nil }
	a.Adopt(ctx, "exam", 2*time.Second, list)
	for range 3 {
		clock.Advance(time.Second)
	}
	if !a.Holds("exam:orphan") || a.Holds("exam:held") || !b.Holds("exam:held") {
		t.Fatalf("after adoption: a holds %v, b holds %v", a.Held(), b.Held())
	}
}

func TestConcurrentRequestsMakeOneClaim(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	tk := &takes{}
	a, _ := start(t, db, clock, "a", tk)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, mine, err := a.Owner(ctx, "exam:busy"); err != nil || !mine {
				errs <- fmt.Errorf("Owner: %v %v", mine, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if took, _ := tk.get(); len(took) != 1 {
		t.Fatalf("take hooks run: %v, want one for twenty requests", took)
	}
}
