package people_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
)

func TestAccountsWhoseCacheExpiresAtOnceAreReadRight(t *testing.T) {
	f := newFixture(t)
	const n = 200
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("worker-%04d", i+1)
		f.user(t, ids[i])
	}
	f.clock.Advance(time.Minute) // every cached account is stale now
	var wg sync.WaitGroup
	got := make([]people.User, n)
	errs := make([]error, n)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = f.ps.User(f.ctx, id)
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if errs[i] != nil || got[i].ID != id || got[i].Phone == "" {
			t.Fatalf("account %s read as %+v (%v)", id, got[i], errs[i])
		}
	}
	if _, err := f.ps.User(f.ctx, "worker-9999"); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("unknown account: %v; want not found", err)
	}
}

func TestPasswordChangeEndsOldTokensAtOnceDespiteTheCache(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "worker-0007")
	issued, err := f.ps.ResetPassword(f.ctx, f.user(t, seed.DistrictAdminID), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := f.ps.ChangePassword(f.ctx, f.user(t, u.ID), issued, "Mine2026ok")
	if err != nil {
		t.Fatal(err)
	}
	if again := f.user(t, u.ID); again.TokenVersion != changed.TokenVersion || again.TokenVersion == u.TokenVersion {
		t.Fatalf("token version read %d after the change to %d (was %d); want the new one at once", again.TokenVersion, changed.TokenVersion, u.TokenVersion)
	}
}
