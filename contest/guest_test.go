package contest

import (
	"strings"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
)

// guestRound is a captain contest with a judge round of one task and one
// judge from the roster.
func guestRound(f *fixture) (Contest, string) {
	f.t.Helper()
	c := captainContest(f)
	c, err := f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "情景模拟", Kind: Judge})
	f.must(err)
	r := c.Rounds[0].ID
	c, err = f.s.AddTask(f.ctx, f.admin, c.ID, r, Task{Title: "入户走访", PerformerID: memberOf(c, teamB, "")})
	f.must(err)
	c, err = f.s.SetJudges(f.ctx, f.admin, c.ID, r, []string{f.user(seed.WorkerID).Phone})
	f.must(err)
	return c, r
}

func TestGuestJudgeJoinsByCodeOnceAndScores(t *testing.T) {
	f := newFixture(t)
	c, r := guestRound(f)
	inv, err := f.s.InviteGuest(f.ctx, f.admin, c.ID, r, "王教授")
	f.must(err)
	if inv.Guest.Role != people.GuestJudge || len(NormalizeGuestCode(inv.Code)) != guestCodeLen || !inv.Expires.Equal(f.clock.Now().Add(GuestCodeTTL)) {
		t.Fatalf("invitation %+v", inv)
	}
	// Stored hashed: the code is nowhere in the database.
	n, err := f.s.repo.db.Collection(collGuests).CountDocuments(f.ctx, map[string]any{"_id": NormalizeGuestCode(inv.Code)})
	f.must(err)
	if n != 0 {
		t.Fatal("the code is stored as typed")
	}
	// SetJudges by phones keeps the guest, who has none.
	c, err = f.s.SetJudges(f.ctx, f.admin, c.ID, r, []string{f.user(seed.WorkerID).Phone})
	f.must(err)
	if got := c.Rounds[0].Judges; len(got) != 2 || got[1] != inv.Guest.ID {
		t.Fatalf("judges %v, want the worker and the guest", got)
	}

	_, err = f.s.RedeemGuest(f.ctx, "other-contest", inv.Code, "1.1.1.1")
	wantCode(t, err, gridskill.EUNAUTHORIZED) // another contest's link
	_, err = f.s.RedeemGuest(f.ctx, c.ID, "ABCDE-FGHJK", "1.1.1.1")
	wantCode(t, err, gridskill.EUNAUTHORIZED) // forged
	g, err := f.s.RedeemGuest(f.ctx, c.ID, strings.ToLower(inv.Code), "1.1.1.1")
	f.must(err)
	if g.ID != inv.Guest.ID {
		t.Fatalf("signed in as %s, want %s", g.ID, inv.Guest.ID)
	}
	_, err = f.s.RedeemGuest(f.ctx, c.ID, inv.Code, "1.1.1.2")
	wantCode(t, err, gridskill.EUNAUTHORIZED) // used
	if err == nil || !strings.Contains(err.Error(), "already been used") {
		t.Errorf("a second use says %v", err)
	}
	if id, ok := f.s.GuestContest(g.ID); !ok || id != c.ID {
		t.Errorf("GuestContest = %q, %v", id, ok)
	}

	// The guest sees this contest only, and scores on its panel.
	if _, err := f.s.Contest(f.ctx, g, c.ID); err != nil {
		t.Fatal(err)
	}
	other := captainContest(f)
	_, err = f.s.Contest(f.ctx, g, other.ID)
	wantCode(t, err, gridskill.EFORBIDDEN)
	_, err = f.s.Managed(f.ctx, g)
	wantCode(t, err, gridskill.EFORBIDDEN)
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, r))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r))
	f.must(f.s.Score(f.ctx, g, c.ID, 0, 88))
	f.must(f.s.Score(f.ctx, f.user(seed.WorkerID), c.ID, 0, 90))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActClose, r))
	l := f.s.liveOf(c.ID)
	l.mu.Lock()
	panel := l.panelScores()
	l.mu.Unlock()
	if len(panel) != 2 || panel[1].Judge != "王教授" || panel[1].Score != 88 {
		t.Errorf("panel %+v, want the guest by name", panel)
	}
	trail, err := f.s.AuditTrail(f.ctx, f.admin, c.ID)
	f.must(err)
	var joined, invited bool
	for _, e := range trail {
		joined = joined || e.Action == "Guest judge joined" && e.Actor == "王教授"
		invited = invited || e.Action == "Guest judge invited" && e.Detail == "王教授"
	}
	if !joined || !invited {
		t.Errorf("audit trail %+v lacks the guest's invitation or joining", trail)
	}
}

func TestGuestJudgeCodeRefusals(t *testing.T) {
	f := newFixture(t)
	c, r := guestRound(f)

	t.Run("RefusesAnExpiredCode", func(t *testing.T) {
		inv, err := f.s.InviteGuest(f.ctx, f.admin, c.ID, r, "李评委")
		f.must(err)
		f.clock.Advance(GuestCodeTTL)
		_, err = f.s.RedeemGuest(f.ctx, c.ID, inv.Code, "2.2.2.2")
		wantCode(t, err, gridskill.EUNAUTHORIZED)
		if err == nil || !strings.Contains(err.Error(), "expired") {
			t.Errorf("an expired code says %v", err)
		}
	})

	t.Run("RefusesARevokedCodeAndEndsTheGuest", func(t *testing.T) {
		inv, err := f.s.InviteGuest(f.ctx, f.admin, c.ID, r, "赵评委")
		f.must(err)
		g, err := f.s.RedeemGuest(f.ctx, c.ID, inv.Code, "3.3.3.3")
		f.must(err)
		f.must(f.s.RevokeGuest(f.ctx, f.admin, c.ID, g.ID))
		u, err := f.ps.User(f.ctx, g.ID)
		f.must(err)
		if u.Active {
			t.Error("a revoked guest's account is still active")
		}
		cur, _ := f.s.get(c.ID)
		for _, j := range cur.Rounds[0].Judges {
			if j == g.ID {
				t.Error("a revoked guest is still on the panel")
			}
		}
		inv2, err := f.s.InviteGuest(f.ctx, f.admin, c.ID, r, "钱评委")
		f.must(err)
		f.must(f.s.RevokeGuest(f.ctx, f.admin, c.ID, inv2.Guest.ID))
		_, err = f.s.RedeemGuest(f.ctx, c.ID, inv2.Code, "3.3.3.3")
		wantCode(t, err, gridskill.EUNAUTHORIZED)
		gs, err := f.s.Guests(f.ctx, f.admin, c.ID)
		f.must(err)
		if len(gs) < 2 || gs[0].State(f.clock.Now()) != "revoked" {
			t.Errorf("guests %+v", gs)
		}
	})

	t.Run("LimitsWrongCodesPerAddress", func(t *testing.T) {
		inv, err := f.s.InviteGuest(f.ctx, f.admin, c.ID, r, "孙评委")
		f.must(err)
		for i := 0; i < guestTriesLimit; i++ {
			_, err := f.s.RedeemGuest(f.ctx, c.ID, "ZZZZZ-ZZZZZ", "4.4.4.4")
			wantCode(t, err, gridskill.EUNAUTHORIZED)
		}
		_, err = f.s.RedeemGuest(f.ctx, c.ID, inv.Code, "4.4.4.4")
		wantCode(t, err, gridskill.ETOOMANY) // even the right code waits
		f.clock.Advance(guestTriesWindow + time.Second)
		_, err = f.s.RedeemGuest(f.ctx, c.ID, inv.Code, "4.4.4.4")
		f.must(err) // the window has passed; the code still holds
	})

	t.Run("RefusesOutsidersAndBadInput", func(t *testing.T) {
		trainer := f.user(seed.TrainerID)
		_, err := f.s.InviteGuest(f.ctx, trainer, c.ID, r, "周评委")
		wantCode(t, err, gridskill.EFORBIDDEN)
		_, err = f.s.InviteGuest(f.ctx, f.admin, c.ID, r, "")
		wantCode(t, err, gridskill.EINVALID)
		_, err = f.s.InviteGuest(f.ctx, f.admin, c.ID, "no-such-round", "周评委")
		wantCode(t, err, gridskill.ENOTFOUND)
		wantCode(t, f.s.RevokeGuest(f.ctx, f.admin, c.ID, seed.WorkerID), gridskill.ENOTFOUND)
	})
}

func TestGuestJudgeScoresOnlyItsOwnPanel(t *testing.T) {
	f := newFixture(t)
	c, r := guestRound(f)
	c, err := f.s.AddRound(f.ctx, f.admin, c.ID, Round{Title: "实操", Kind: Judge})
	f.must(err)
	r2 := c.Rounds[1].ID
	c, err = f.s.AddTask(f.ctx, f.admin, c.ID, r2, Task{Title: "隐患巡查", PerformerID: memberOf(c, teamB, "")})
	f.must(err)
	c, err = f.s.SetJudges(f.ctx, f.admin, c.ID, r2, []string{f.user(seed.WorkerID).Phone})
	f.must(err)
	inv, err := f.s.InviteGuest(f.ctx, f.admin, c.ID, r, "吴评委")
	f.must(err)
	g, err := f.s.RedeemGuest(f.ctx, c.ID, inv.Code, "5.5.5.5")
	f.must(err)
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActStart, r2))
	f.must(f.s.Host(f.ctx, f.admin, c.ID, ActNext, r2))
	wantCode(t, f.s.Score(f.ctx, g, c.ID, 0, 90), gridskill.EFORBIDDEN)
}
