package people_test

import (
	"testing"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
)

func TestGuestJudgeAccountsStayOffTheRoster(t *testing.T) {
	f := newFixture(t)
	admin := f.user(t, seed.StreetAdminID)
	before, err := f.ps.CountByUnit(f.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.ps.CreateGuest(f.ctx, admin, admin.UnitID, " 王教授 ")
	if err != nil {
		t.Fatal(err)
	}
	if g.Role != people.GuestJudge || !g.IsGuest() || !people.IsGuestID(g.ID) || g.Name != "王教授" || !g.Active || g.UnitID != admin.UnitID {
		t.Fatalf("guest account %+v", g)
	}
	list, _, err := f.ps.List(f.ctx, admin, people.ListFilter{Query: "王教授", Limit: 10})
	if err != nil || len(list) != 0 {
		t.Errorf("the roster lists the guest: %v %v", list, err)
	}
	after, err := f.ps.CountByUnit(f.ctx, admin)
	if err != nil || after[admin.UnitID] != before[admin.UnitID] {
		t.Errorf("the unit's count moved from %d to %d with a guest", before[admin.UnitID], after[admin.UnitID])
	}
	// No phone and no password sign it in.
	for _, pw := range []string{"", "x"} {
		if _, err := f.ps.Login(f.ctx, g.Phone, pw, "9.9.9.9"); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Errorf("a sign-in by the guest's placeholder phone: %v", err)
		}
	}

	t.Run("RefusesOutsidersAndBadNames", func(t *testing.T) {
		worker := f.user(t, seed.WorkerID)
		if _, err := f.ps.CreateGuest(f.ctx, worker, admin.UnitID, "李评委"); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Errorf("a worker invites: %v", err)
		}
		if _, err := f.ps.CreateGuest(f.ctx, admin, seed.Street2ID, "李评委"); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Errorf("another street's unit: %v", err)
		}
		if _, err := f.ps.CreateGuest(f.ctx, admin, admin.UnitID, "   "); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Errorf("an empty name: %v", err)
		}
		if _, err := f.ps.CreateGuest(f.ctx, admin, admin.UnitID, "李\u202e评委"); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Errorf("a name with a bidirectional override: %v", err)
		}
	})
}
