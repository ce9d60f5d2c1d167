package people_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
)

// instance is a second people service over the fixture's database, as
// another instance of the server would run.
func (f *fixture) instance(t *testing.T) *people.Service {
	t.Helper()
	ps := people.NewService(f.db, f.clock)
	ps.BcryptCost = 4
	if err := ps.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	return ps
}

func (f *fixture) claims(t *testing.T, u people.User) people.Claims {
	t.Helper()
	tokens := people.NewTokens([]byte("directory-test-secret-directory-test"), f.clock)
	tok, _, err := tokens.Issue(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := tokens.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func poll(t *testing.T, f *fixture, ps *people.Service) {
	t.Helper()
	f.clock.Advance(people.PollInterval)
	if err := ps.Poll(f.ctx); err != nil {
		t.Fatalf("poll: %v", err)
	}
}

// The accounts that start an exam together used to be cached together and
// read again together 30 s later, one scan of the users collection each.
// Now requests never read the collection: with its documents gone from
// under the service and an hour gone by, every account still answers.
func TestAccountsAreServedFromMemoryWithoutReadingTheDatabase(t *testing.T) {
	f := newFixture(t)
	worker := f.user(t, seed.WorkerID)
	claims := f.claims(t, worker)
	if _, err := f.db.Collection("users").DeleteMany(f.ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)

	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("worker-%04d", i+1)
			u, err := f.ps.User(f.ctx, id)
			if err == nil && (u.ID != id || u.Phone == "") {
				err = fmt.Errorf("read as %+v", u)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("worker-%04d: %v", i+1, err)
		}
	}
	if _, err := f.ps.Authenticate(f.ctx, claims); err != nil {
		t.Fatalf("a signed-in request: %v", err)
	}
	if _, err := f.ps.Login(f.ctx, worker.Phone, seed.DemoPassword, "10.0.0.1"); err != nil {
		t.Fatalf("sign-in by phone: %v", err)
	}
	if _, err := f.ps.User(f.ctx, "worker-9999"); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("unknown account: %v; want not found", err)
	}
}

func TestOwnChangesTakeEffectAtOnce(t *testing.T) {
	f := newFixture(t)
	admin := f.user(t, seed.DistrictAdminID)
	u := f.user(t, "worker-0007")
	before := f.claims(t, u)
	issued, err := f.ps.ResetPassword(f.ctx, admin, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ps.Authenticate(f.ctx, before); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
		t.Fatalf("token from before the reset: %v", err)
	}
	changed, err := f.ps.ChangePassword(f.ctx, f.user(t, u.ID), issued, "Mine2026ok")
	if err != nil {
		t.Fatal(err)
	}
	if again := f.user(t, u.ID); again.TokenVersion != changed.TokenVersion || again.MustChangePassword {
		t.Fatalf("read %+v after the change to version %d", again, changed.TokenVersion)
	}
	if _, err := f.ps.Login(f.ctx, u.Phone, "Mine2026ok", "10.0.0.1"); err != nil {
		t.Fatalf("the new password: %v", err)
	}
	current := f.claims(t, f.user(t, u.ID))
	if err := f.ps.Logout(f.ctx, f.user(t, u.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ps.Authenticate(f.ctx, current); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
		t.Fatalf("token after logout: %v", err)
	}
}

// Another instance's changes reach this one at its next poll of the change
// feed: tokens ended there are refused here, passwords, deactivation, roles,
// units and new accounts are seen.
func TestAnotherInstancesChangesAreSeenAtTheNextPoll(t *testing.T) {
	f := newFixture(t)
	other := f.instance(t)
	admin := f.user(t, seed.DistrictAdminID)

	t.Run("LogoutEndsTheTokenHere", func(t *testing.T) {
		u := f.user(t, "worker-0011")
		c := f.claims(t, u)
		if _, err := f.ps.Authenticate(f.ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := other.Logout(f.ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Authenticate(f.ctx, c); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("on the instance that logged out: %v", err)
		}
		poll(t, f, f.ps)
		if _, err := f.ps.Authenticate(f.ctx, c); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("after the poll: %v", err)
		}
	})
	t.Run("PasswordChange", func(t *testing.T) {
		u := f.user(t, "worker-0012")
		c := f.claims(t, u)
		if _, err := other.ChangePassword(f.ctx, u, seed.DemoPassword, "Changed2026"); err != nil {
			t.Fatal(err)
		}
		poll(t, f, f.ps)
		if _, err := f.ps.Authenticate(f.ctx, c); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("token from before the change: %v", err)
		}
		if _, err := f.ps.Login(f.ctx, u.Phone, "Changed2026", "10.0.0.2"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if _, err := f.ps.Login(f.ctx, u.Phone, seed.DemoPassword, "10.0.0.2"); err == nil {
			t.Fatal("the old password still signs in")
		}
	})
	t.Run("ATokenIssuedThereIsTakenBeforeThePoll", func(t *testing.T) {
		u := f.user(t, "worker-0015")
		old := f.claims(t, u)
		changed, err := other.ChangePassword(f.ctx, u, seed.DemoPassword, "Changed2026b")
		if err != nil {
			t.Fatal(err)
		}
		fresh := f.claims(t, changed) // the token the other instance gave with the change
		if _, err := f.ps.Authenticate(f.ctx, fresh); err != nil {
			t.Fatalf("the new token, before this instance polled: %v", err)
		}
		if _, err := f.ps.Authenticate(f.ctx, old); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("the token from before the change, once the new one was seen: %v", err)
		}
		forged := fresh
		forged.Version += 5 // signed tokens cannot say this; it must still be refused
		if _, err := f.ps.Authenticate(f.ctx, forged); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("a version the account never had: %v", err)
		}
	})
	t.Run("Deactivation", func(t *testing.T) {
		u := f.user(t, "worker-0013")
		c := f.claims(t, u)
		if err := other.SetActive(f.ctx, admin, u.ID, false); err != nil {
			t.Fatal(err)
		}
		poll(t, f, f.ps)
		if _, err := f.ps.Authenticate(f.ctx, c); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("token of a deactivated account: %v", err)
		}
		if _, err := f.ps.Login(f.ctx, u.Phone, seed.DemoPassword, "10.0.0.3"); err == nil {
			t.Fatal("a deactivated account signs in")
		}
	})
	t.Run("RoleUnitAndNewAccountsFromAnImport", func(t *testing.T) {
		changes := f.count(t, "users_changes")
		moved := f.user(t, "worker-0014")
		_, err := importOn(t, f, other, admin,
			[]string{moved.Name, moved.Phone, "东湖街道", "翠苑社区", "第三网格", "培训讲师"},
			[]string{"新来的", "13700000777", "西山街道", "新社区", "新网格", "网格员"},
		)
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "users_changes"); n != changes+1 {
			t.Fatalf("the import wrote %d change records, want 1", n-changes)
		}
		poll(t, f, f.ps)
		tree, err := f.ps.Tree(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := f.user(t, moved.ID)
		if names := tree.Names(got.UnitID); got.Role != people.Trainer || !slices.Equal(names, []string{"明湖区", "东湖街道", "翠苑社区", "第三网格"}) {
			t.Fatalf("moved account read here as %+v in %v", got, names)
		}
		newcomer, err := f.ps.Login(f.ctx, "13700000777", "Import2026", "10.0.0.4")
		if err != nil {
			t.Fatalf("an account imported elsewhere: %v", err)
		}
		if names := tree.Names(newcomer.UnitID); !slices.Equal(names, []string{"明湖区", "西山街道", "新社区", "新网格"}) {
			t.Fatalf("the new units read here as %v", names)
		}
	})
	t.Run("NewUnit", func(t *testing.T) {
		u, err := other.CreateUnit(f.ctx, admin, seed.DistrictID, "北湖街道")
		if err != nil {
			t.Fatal(err)
		}
		poll(t, f, f.ps)
		if _, err := f.ps.Unit(f.ctx, u.ID); err != nil {
			t.Fatalf("a unit added elsewhere: %v", err)
		}
	})
}

func importOn(t *testing.T, f *fixture, ps *people.Service, actor people.User, rows ...[]string) (people.ImportResult, error) {
	t.Helper()
	parsed, err := people.ParseRoster(bytes.NewReader(csvFile(t, true, append([][]string{header}, rows...)...)), "roster.csv")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return ps.ImportRoster(f.ctx, actor, parsed, "Import2026")
}

// A roster import of many is one change record saying "all", which the other
// instance applies with one read of the collection.
func TestABigImportIsOneChangeRecord(t *testing.T) {
	f := newFixture(t)
	other := f.instance(t)
	admin := f.user(t, seed.DistrictAdminID)
	var rows [][]string
	for i := range 1200 {
		rows = append(rows, []string{fmt.Sprintf("批量%04d", i), fmt.Sprintf("1370001%04d", i), "东湖街道", "翠苑社区", "第一网格"})
	}
	changes := f.count(t, "users_changes")
	if res, err := importOn(t, f, other, admin, rows...); err != nil || res.Created != len(rows) {
		t.Fatalf("%+v, %v", res, err)
	}
	if n := f.count(t, "users_changes"); n != changes+1 {
		t.Fatalf("the import wrote %d change records, want 1", n-changes)
	}
	poll(t, f, f.ps)
	for _, i := range []int{0, 599, 1199} {
		if _, err := f.ps.Login(f.ctx, rows[i][1], "Import2026", "10.0.0.5"); err != nil {
			t.Fatalf("row %d imported elsewhere: %v", i, err)
		}
	}
}

// An instance that has not read the feed for longer than its records are
// kept reads everything again, and numbering goes on after a prune.
func TestAnInstanceFarBehindReloads(t *testing.T) {
	f := newFixture(t)
	other := f.instance(t)
	u := f.user(t, "worker-0021")
	c := f.claims(t, u)
	if err := other.Logout(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	if err := other.Poll(f.ctx); err != nil { // prunes the hour-old records
		t.Fatal(err)
	}
	if err := other.Poll(f.ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "users_changes"); n != 1 {
		t.Fatalf("%d change records after the prune; want the latest kept", n)
	}
	if err := f.ps.Poll(f.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ps.Authenticate(f.ctx, c); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
		t.Fatalf("a logout an hour ago elsewhere: %v", err)
	}
	v := f.user(t, "worker-0022")
	vc := f.claims(t, v)
	if err := other.Logout(f.ctx, v); err != nil {
		t.Fatal(err)
	}
	poll(t, f, f.ps)
	if _, err := f.ps.Authenticate(f.ctx, vc); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
		t.Fatalf("a logout after the prune: %v", err)
	}
}

// A restart reads every account and unit again, finishing a bulk rewrite a
// crash cut short.
func TestRestartRebuildsTheAccounts(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "worker-0031")
	c := f.claims(t, u)
	if err := f.ps.Logout(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of a roster rewrite: the account is journalled and deleted.
	var doc bson.M
	if err := f.db.Collection("users").FindOne(f.ctx, bson.M{"_id": "worker-0032"}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	doc["name"] = "改名"
	if _, err := f.db.Collection("users_pending").InsertOne(f.ctx, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Collection("users").DeleteOne(f.ctx, bson.M{"_id": "worker-0032"}); err != nil {
		t.Fatal(err)
	}

	restarted := f.instance(t)
	if _, err := restarted.Authenticate(f.ctx, c); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
		t.Fatalf("a token logged out before the restart: %v", err)
	}
	w, err := restarted.Login(f.ctx, doc["phone"].(string), seed.DemoPassword, "10.0.0.6")
	if err != nil || w.Name != "改名" {
		t.Fatalf("the account being rewritten at the crash: %+v, %v", w, err)
	}
	tree, err := restarted.Tree(f.ctx)
	if err != nil || tree.Len() == 0 {
		t.Fatalf("org tree after the restart: %v", err)
	}
}

// An unknown phone costs the same password check as a known one, so the time
// a sign-in takes does not tell which phones have accounts.
func TestEverySignInChecksOnePasswordOfTheSameCost(t *testing.T) {
	f := newFixture(t)
	compares := people.CountCompares(f.ps)
	for name, phone := range map[string]string{"KnownPhone": "13900000004", "UnknownPhone": "13799999999"} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.ps.Login(f.ctx, phone, "Wrong2026pw", "10.0.0.7"); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
				t.Fatalf("wrong password: %v", err)
			}
			if costs := compares.Costs(); !slices.Equal(costs, []int{f.ps.BcryptCost}) {
				t.Fatalf("password checks of cost %v; want one of cost %d", costs, f.ps.BcryptCost)
			}
		})
	}
}

// Old change records are deleted 200 at a time, so that no delete holds the
// embedded engine's writer for long, and the latest is always kept.
func TestOldChangeRecordsArePrunedInBoundedSteps(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "worker-0041")
	for range 250 {
		if err := f.ps.Logout(f.ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	all := f.count(t, "users_changes")
	f.clock.Advance(time.Hour)
	if err := f.ps.Poll(f.ctx); err != nil { // far behind: reloads
		t.Fatal(err)
	}
	for _, want := range []int64{all - 200, 1, 1} {
		if err := f.ps.Poll(f.ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "users_changes"); n != want {
			t.Fatalf("%d change records left, want %d", n, want)
		}
	}
}

// With several instances the records are pruned by a job on one of them
// (PruneChanges), not by every instance's polls.
func TestChangeRecordsArePrunedByTheJobWhenAskedTo(t *testing.T) {
	f := newFixture(t)
	f.ps.PruneByJob()
	u := f.user(t, "worker-0042")
	for range 3 {
		if err := f.ps.Logout(f.ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	all := f.count(t, "users_changes")
	f.clock.Advance(time.Hour)
	for range 2 {
		if err := f.ps.Poll(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, "users_changes"); n != all {
		t.Fatalf("%d change records after polls, want the %d left for the job", n, all)
	}
	if err := f.ps.PruneChanges(f.ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "users_changes"); n != 1 {
		t.Fatalf("%d change records after the job, want the latest only", n)
	}
}

// Start polls on the service's clock: once the interval has passed, another
// instance's logout is refused here, without waiting in real time.
func TestStartPollsOnTheClock(t *testing.T) {
	f := newFixture(t)
	other := f.instance(t)
	ctx, stop := context.WithCancel(f.ctx)
	defer stop()
	f.ps.Start(ctx, people.PollInterval, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i, id := range []string{"worker-0051", "worker-0052"} {
		u := f.user(t, id)
		c := f.claims(t, u)
		if err := other.Logout(f.ctx, u); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(people.PollInterval)
		if _, err := f.ps.Authenticate(f.ctx, c); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("interval %d: a token logged out elsewhere: %v", i+1, err)
		}
	}
}

func TestAPollPassesItsOwnChangesWithoutReadingThem(t *testing.T) {
	f := newFixture(t)
	before := people.FeedSeen(f.ps)
	for _, id := range []string{"worker-0007", "worker-0008", "worker-0009"} {
		if err := f.ps.Logout(f.ctx, f.user(t, id)); err != nil {
			t.Fatal(err)
		}
	}
	// Were the poll to read its own records back, it would find none now and
	// stop before them.
	if _, err := f.db.Collection("users_changes").DeleteMany(f.ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if err := f.ps.Poll(f.ctx); err != nil {
		t.Fatal(err)
	}
	if got := people.FeedSeen(f.ps); got < before+3 {
		t.Fatalf("the poll passed records up to %d; want at least %d, its own three changes", got, before+3)
	}
}
