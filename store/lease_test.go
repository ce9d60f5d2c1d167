package store_test

import (
	"sync"
	"testing"
	"time"

	"gridskill/store"
	"gridskill/store/storetest"
)

func TestLeaseHasOneHolderAtATime(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	a := store.NewLeases(db, "a", 10*time.Second, clock)
	b := store.NewLeases(db, "b", 10*time.Second, clock)

	got, ok, err := a.Claim(ctx, "round:1")
	if err != nil || !ok || got.Epoch != 1 {
		t.Fatalf("first claim: %+v %v %v, want held at epoch 1", got, ok, err)
	}
	t.Run("RefusesAnotherWhileHeld", func(t *testing.T) {
		got, ok, err := b.Claim(ctx, "round:1")
		if err != nil || ok || got.Holder != "a" {
			t.Fatalf("claim by b while a holds: %+v %v %v", got, ok, err)
		}
	})
	t.Run("RenewsForTheHolderAtTheSameEpoch", func(t *testing.T) {
		advance(8 * time.Second)
		got, ok, err := a.Claim(ctx, "round:1")
		if err != nil || !ok || got.Epoch != 1 || !got.Until.Equal(now.Add(10*time.Second)) {
			t.Fatalf("renewal: %+v %v %v", got, ok, err)
		}
		advance(8 * time.Second) // 16 s after the first claim, but renewed at 8 s
		if _, ok, _ := b.Claim(ctx, "round:1"); ok {
			t.Fatal("b took a lease that a renewed")
		}
	})
	t.Run("PassesOnOnceTheHolderStopsRenewing", func(t *testing.T) {
		advance(3 * time.Second)
		got, ok, err := b.Claim(ctx, "round:1")
		if err != nil || !ok || got.Holder != "b" || got.Epoch != 2 {
			t.Fatalf("takeover: %+v %v %v, want b at epoch 2", got, ok, err)
		}
		if got, ok, _ := a.Claim(ctx, "round:1"); ok || got.Holder != "b" {
			t.Fatalf("the former holder claimed again: %+v %v", got, ok)
		}
	})
	t.Run("ReleaseLetsAnotherClaimAtOnce", func(t *testing.T) {
		if err := a.Release(ctx, "round:1"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := a.Claim(ctx, "round:1"); ok {
			t.Fatal("a release by a non-holder freed b's lease")
		}
		if err := b.Release(ctx, "round:1"); err != nil {
			t.Fatal(err)
		}
		got, ok, err := a.Claim(ctx, "round:1")
		if err != nil || !ok || got.Epoch != 3 {
			t.Fatalf("claim after release: %+v %v %v, want a at epoch 3", got, ok, err)
		}
	})
}

func TestLeaseClaimedByManyAtOnceHasOneWinner(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }
	const n = 8
	var wg sync.WaitGroup
	won := make(chan string, n)
	for i := range n {
		l := store.NewLeases(db, string(rune('a'+i)), time.Minute, clock)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok, err := l.Claim(ctx, "job:sweep"); err != nil {
				t.Error(err)
			} else if ok {
				won <- l.Holder()
			}
		}()
	}
	wg.Wait()
	close(won)
	var winners []string
	for w := range won {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Fatalf("holders after %d concurrent claims: %v, want exactly one", n, winners)
	}
}

func TestLeasesRenewReleaseAndReadAll(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	a := store.NewLeases(db, "a", 4*time.Second, clock)
	a.Advertise("http://127.0.0.1:1")
	b := store.NewLeases(db, "b", 4*time.Second, clock)
	b.Advertise("http://127.0.0.1:2")
	for _, name := range []string{"exam:1", "exam:2"} {
		if _, ok, err := a.Claim(ctx, name); err != nil || !ok {
			t.Fatalf("claim %s: %v %v", name, ok, err)
		}
	}
	t.Run("ClaimRefusedNamesTheHolderAndItsAddress", func(t *testing.T) {
		got, ok, err := b.Claim(ctx, "exam:1")
		if err != nil || ok || got.Holder != "a" || got.Addr != "http://127.0.0.1:1" {
			t.Fatalf("claim by b: %+v %v %v", got, ok, err)
		}
	})
	t.Run("RenewAllRenewsOnlyAtTheEpochHeld", func(t *testing.T) {
		advance(3 * time.Second)
		until, err := a.RenewAll(ctx, map[string]int64{"exam:1": 1, "exam:2": 7})
		if err != nil {
			t.Fatal(err)
		}
		all, err := a.All(ctx)
		if err != nil || len(all) != 2 {
			t.Fatalf("all: %+v %v", all, err)
		}
		for _, l := range all {
			renewed := l.Until.Equal(until)
			if renewed != (l.Name == "exam:1") || !a.Mine(l) || b.Mine(l) {
				t.Errorf("%s: until %v (renewed to %v), mine %v", l.Name, l.Until, until, a.Mine(l))
			}
		}
		advance(2 * time.Second) // exam:2 ran out, exam:1 did not
		if _, ok, _ := b.Claim(ctx, "exam:1"); ok {
			t.Error("b took a renewed lease")
		}
		if got, ok, _ := b.Claim(ctx, "exam:2"); !ok || got.Epoch != 2 || got.Addr != "http://127.0.0.1:2" {
			t.Errorf("b could not take the lease a did not renew: %+v %v", got, ok)
		}
	})
	t.Run("ANewRunOfTheSameNameIsAnotherHolder", func(t *testing.T) {
		again := store.NewLeases(db, "a", 4*time.Second, clock)
		if _, ok, _ := again.Claim(ctx, "exam:1"); ok {
			t.Fatal("a restarted instance took its predecessor's lease before it ran out")
		}
	})
	t.Run("ReleaseAllFreesEveryLeaseAtOnce", func(t *testing.T) {
		if err := a.ReleaseAll(ctx); err != nil {
			t.Fatal(err)
		}
		if got, ok, _ := b.Claim(ctx, "exam:1"); !ok || got.Epoch != 2 {
			t.Fatalf("b after a released everything: %+v %v", got, ok)
		}
	})
	t.Run("ForgetDeletesOnlyTheHoldersLease", func(t *testing.T) {
		if err := a.Forget(ctx, "exam:1"); err != nil {
			t.Fatal(err)
		}
		if err := b.Forget(ctx, "exam:2"); err != nil {
			t.Fatal(err)
		}
		all, _ := a.All(ctx)
		if len(all) != 1 || all[0].Name != "exam:1" {
			t.Fatalf("leases left: %+v, want exam:1 only", all)
		}
	})
}
