package contest

import (
	"testing"

	"gridskill"
	"gridskill/seed"
)

func TestWatchStreamsEachViewerInItsRole(t *testing.T) {
	f := newFixture(t)
	c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "观看测试"})
	f.must(err)
	c, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
	f.must(err)
	worker, err := f.ps.User(f.ctx, seed.WorkerID)
	f.must(err)
	for _, tc := range []struct {
		name string
		open func() (*Sub, error)
		want string
	}{
		{"PlayerIsAParticipant", func() (*Sub, error) { return f.s.Watch(f.ctx, worker, c.ID) }, ViewPlayer},
		{"HostIsTheAdmin", func() (*Sub, error) { return f.s.Watch(f.ctx, f.admin, c.ID) }, ViewHost},
		{"ScreenByItsKey", func() (*Sub, error) { return f.s.WatchScreen(f.ctx, c.ID, c.ScreenKey) }, ViewScreen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub, err := tc.open()
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			if sub.Role != tc.want {
				t.Fatalf("role %q; want %q", sub.Role, tc.want)
			}
		})
	}
	if _, err := f.s.WatchScreen(f.ctx, c.ID, "wrong"); gridskill.ErrorCode(err) == "" {
		t.Fatal("a wrong screen key opened the stream")
	}
}

func TestOrganizedIsForTheOrganizersAdminsOnly(t *testing.T) {
	f := newFixture(t)
	c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "主办测试"})
	f.must(err)
	c, err = f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
	f.must(err)
	if got, err := f.s.Organized(f.ctx, f.admin, c.ID); err != nil || got.ID != c.ID {
		t.Fatalf("the organizer's admin: %v", err)
	}
	worker, err := f.ps.User(f.ctx, seed.WorkerID)
	f.must(err)
	if _, err := f.s.Contest(f.ctx, worker, c.ID); err != nil {
		t.Fatalf("a participant reads the contest: %v", err)
	}
	if got, err := f.s.Organized(f.ctx, worker, c.ID); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN || got.ID != "" {
		t.Fatalf("a participant: %+v, %v; want forbidden and no contest", got, err)
	}
	if _, err := f.s.Organized(f.ctx, f.admin, "no-such-contest"); err == nil {
		t.Fatal("a contest that does not exist was returned")
	}
}
