package store_test

import (
	"context"
	"errors"
	"testing"

	"gridskill/store"
	"gridskill/store/storetest"
)

func TestVersionsReloadOnlyForOtherInstancesChanges(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	a, b := store.NewVersions(db), store.NewVersions(db)
	reloads := map[string]int{}
	fail := false
	watch := func(name string) func(context.Context) error {
		return func(context.Context) error {
			if fail {
				return errors.New("database away")
			}
			reloads[name]++
			return nil
		}
	}
	on := map[string]func(context.Context) error{"quiz": watch("quiz"), "contests": watch("contests")}
	check := func(v *store.Versions) {
		t.Helper()
		if err := v.Check(ctx, on); err != nil && !fail {
			t.Fatal(err)
		}
	}
	check(b) // the first check records where things stand
	if len(reloads) != 0 {
		t.Fatalf("first check reloaded %v", reloads)
	}
	t.Run("ReloadsWhatAnotherChanged", func(t *testing.T) {
		if err := a.Bump(ctx, "quiz"); err != nil {
			t.Fatal(err)
		}
		check(b)
		if reloads["quiz"] != 1 || reloads["contests"] != 0 {
			t.Fatalf("reloads %v, want quiz once", reloads)
		}
		check(b)
		if reloads["quiz"] != 1 {
			t.Fatalf("reloaded again with nothing new: %v", reloads)
		}
	})
	t.Run("SkipsItsOwnChanges", func(t *testing.T) {
		if err := b.Bump(ctx, "quiz"); err != nil {
			t.Fatal(err)
		}
		check(b)
		if reloads["quiz"] != 1 {
			t.Fatalf("reloaded for its own bump: %v", reloads)
		}
	})
	t.Run("ReloadsWhenAnotherChangeCameBetweenItsOwn", func(t *testing.T) {
		for _, v := range []*store.Versions{b, a, b} {
			if err := v.Bump(ctx, "contests"); err != nil {
				t.Fatal(err)
			}
		}
		check(b)
		if reloads["contests"] != 1 {
			t.Fatalf("reloads %v, want contests once", reloads)
		}
	})
	t.Run("RetriesAFailedReload", func(t *testing.T) {
		if err := a.Bump(ctx, "quiz"); err != nil {
			t.Fatal(err)
		}
		fail = true
		check(b)
		fail = false
		check(b)
		if reloads["quiz"] != 2 {
			t.Fatalf("reloads %v, want the failed quiz reload done at the next check", reloads)
		}
	})
}
