package people_test

import (
	"fmt"
	"slices"
	"testing"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
)

// sameStreetWorker is a generated demo worker of 东湖街道 (unit-s1).
const sameStreetWorker = "worker-0001"

// actors returns the demo accounts by role, plus a second street admin of
// 东湖街道 (a peer of seed.StreetAdminID) and a deactivated district admin.
func actors(t *testing.T, f *fixture) map[string]people.User {
	t.Helper()
	district := f.user(t, seed.DistrictAdminID)
	res, err := f.importCSV(t, district, "", header, []string{"副管理员", "13700000099", "东湖街道", "", "", "街道管理员"})
	if err != nil || res.Created != 1 {
		t.Fatalf("peer admin: %+v, %v", res, err)
	}
	peer, _ := f.byPhone(t, "13700000099")
	inactive := district
	inactive.Active = false
	return map[string]people.User{
		"Worker":                f.user(t, seed.WorkerID),
		"Trainer":               f.user(t, seed.TrainerID),
		"StreetAdmin":           f.user(t, seed.StreetAdminID),
		"PeerStreetAdmin":       peer,
		"OtherStreetAdmin":      f.user(t, "user-street-admin-2"),
		"DistrictAdmin":         district,
		"DeactivatedDistrictAd": inactive,
		"Nobody":                {},
	}
}

func TestAccountActionsCheckRoleAndScope(t *testing.T) {
	f := newFixture(t)
	a := actors(t, f)
	if w := f.user(t, sameStreetWorker); !slices.Contains(w.UnitPath, seed.Street1ID) {
		t.Fatalf("%s is not in unit-s1", sameStreetWorker)
	}
	cases := []struct {
		name, actor, target string
		want                string
	}{
		{"WorkerOnColleague", "Worker", sameStreetWorker, gridskill.EFORBIDDEN},
		{"WorkerOnUnknownIDLearnsNothing", "Worker", "no-such-id", gridskill.EFORBIDDEN},
		{"TrainerOnWorker", "Trainer", sameStreetWorker, gridskill.EFORBIDDEN},
		{"StreetAdminOnOtherStreetsWorker", "StreetAdmin", otherStreetWorker, gridskill.EFORBIDDEN},
		{"StreetAdminOnOtherStreetAdmin", "StreetAdmin", "user-street-admin-2", gridskill.EFORBIDDEN},
		{"StreetAdminOnDistrictAdmin", "StreetAdmin", seed.DistrictAdminID, gridskill.EFORBIDDEN},
		{"StreetAdminOnDistrictTrainer", "StreetAdmin", seed.TrainerID, gridskill.EFORBIDDEN},
		{"StreetAdminOnPeerInOwnStreet", "StreetAdmin", "", gridskill.EFORBIDDEN}, // target: the peer
		{"DeactivatedAdmin", "DeactivatedDistrictAd", sameStreetWorker, gridskill.EFORBIDDEN},
		{"NobodyAtAll", "Nobody", sameStreetWorker, gridskill.EFORBIDDEN},
		{"AdminOnUnknownID", "DistrictAdmin", "no-such-id", gridskill.ENOTFOUND},
		{"StreetAdminOnOwnWorker", "StreetAdmin", sameStreetWorker, ""},
		{"StreetAdminOnOwnStreetTrainer", "StreetAdmin", "user-trainer-2", ""},
		{"DistrictAdminOnStreetAdmin", "DistrictAdmin", seed.StreetAdminID, ""},
		{"DistrictAdminOnAnyWorker", "DistrictAdmin", otherStreetWorker, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			actor, target := a[tc.actor], tc.target
			if target == "" {
				target = a["PeerStreetAdmin"].ID
			}
			before := f.snapshot(t)
			_, errManaged := f.ps.Managed(f.ctx, actor, target)
			_, errReset := f.ps.ResetPassword(f.ctx, actor, target)
			if tc.want != "" {
				errActive := f.ps.SetActive(f.ctx, actor, target, false)
				for name, err := range map[string]error{"Managed": errManaged, "ResetPassword": errReset, "SetActive": errActive} {
					if gridskill.ErrorCode(err) != tc.want {
						t.Errorf("%s: %v, want %s", name, err, tc.want)
					}
				}
				if f.snapshot(t) != before {
					t.Fatal("a refused action wrote documents")
				}
				return
			}
			if errManaged != nil || errReset != nil {
				t.Fatalf("Managed: %v; ResetPassword: %v", errManaged, errReset)
			}
		})
	}
	t.Run("NobodyDeactivatesThemself", func(t *testing.T) {
		err := f.ps.SetActive(f.ctx, a["StreetAdmin"], seed.StreetAdminID, false)
		if gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("got %v", err)
		}
	})
}

func TestRosterReadsCheckRoleAndScope(t *testing.T) {
	f := newFixture(t)
	a := actors(t, f)
	trainer2 := f.user(t, "user-trainer-2") // a trainer of 东湖街道
	cases := []struct {
		name   string
		actor  people.User
		unitID string
		want   string
	}{
		{"Worker", a["Worker"], "", gridskill.EFORBIDDEN},
		{"WorkerOwnGrid", a["Worker"], seed.Grid111ID, gridskill.EFORBIDDEN},
		{"Nobody", a["Nobody"], seed.DistrictID, gridskill.EFORBIDDEN},
		{"Deactivated", a["DeactivatedDistrictAd"], "", gridskill.EFORBIDDEN},
		{"StreetAdminOtherStreet", a["StreetAdmin"], seed.Street2ID, gridskill.EFORBIDDEN},
		{"StreetAdminDistrict", a["StreetAdmin"], seed.DistrictID, gridskill.EFORBIDDEN},
		{"StreetTrainerDistrict", trainer2, seed.DistrictID, gridskill.EFORBIDDEN},
		{"UnknownUnit", a["DistrictAdmin"], "unit-x", gridskill.ENOTFOUND},
		{"StreetAdminOwnStreet", a["StreetAdmin"], "", ""},
		{"StreetAdminOwnGrid", a["StreetAdmin"], seed.Grid111ID, ""},
		{"StreetTrainerOwnStreet", trainer2, "", ""},
		{"DistrictTrainerAnywhere", a["Trainer"], seed.Street2ID, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := f.ps.List(f.ctx, tc.actor, people.ListFilter{UnitID: tc.unitID, Limit: 200})
			if gridskill.ErrorCode(err) != tc.want {
				t.Fatalf("List: %v, want %q", err, tc.want)
			}
			if tc.want != "" {
				return
			}
			scope := tc.unitID
			if scope == "" {
				scope = tc.actor.UnitID
			}
			if total == 0 || len(list) == 0 {
				t.Fatal("an empty roster")
			}
			for _, u := range list {
				if !slices.Contains(u.UnitPath, scope) {
					t.Fatalf("%s of %v listed for scope %s", u.ID, u.UnitPath, scope)
				}
			}
		})
	}
	t.Run("StreetAdminCountsOnlyOwnStreet", func(t *testing.T) {
		_, total, err := f.ps.List(f.ctx, a["StreetAdmin"], people.ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// 96 generated workers, the demo worker, the street admin, a street trainer and the peer admin.
		if total != 12*seed.WorkersPerGrid+4 {
			t.Fatalf("total %d", total)
		}
		counts, err := f.ps.CountByUnit(f.ctx, a["StreetAdmin"])
		if err != nil {
			t.Fatal(err)
		}
		if counts[seed.Street1ID] != total || counts[seed.Street2ID] != 0 || counts["unit-s2-c1-g1"] != 0 {
			t.Fatalf("counts: street %d, other street %d", counts[seed.Street1ID], counts[seed.Street2ID])
		}
	})
	t.Run("QueryIsLiteralText", func(t *testing.T) {
		for _, q := range []string{".*", "^1", `{"$gt": ""}`, "(", "\\"} {
			_, total, err := f.ps.List(f.ctx, a["DistrictAdmin"], people.ListFilter{Query: q})
			if err != nil || total != 0 {
				t.Errorf("query %q: %d results, %v", q, total, err)
			}
		}
	})
	for _, name := range []string{"Worker", "Nobody", "DeactivatedDistrictAd"} {
		t.Run("CountByUnitRefuses"+name, func(t *testing.T) {
			if _, err := f.ps.CountByUnit(f.ctx, a[name]); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestCreateUnitChecksRoleAndScope(t *testing.T) {
	f := newFixture(t)
	a := actors(t, f)
	cases := []struct {
		name, actor, parent, unitName string
		want                          string
	}{
		{"Worker", "Worker", seed.Community11ID, "第九网格", gridskill.EFORBIDDEN},
		{"WorkerUnknownParent", "Worker", "unit-x", "第九网格", gridskill.EFORBIDDEN},
		{"Trainer", "Trainer", seed.Street1ID, "新社区", gridskill.EFORBIDDEN},
		{"Deactivated", "DeactivatedDistrictAd", seed.DistrictID, "新街道", gridskill.EFORBIDDEN},
		{"StreetAdminOtherStreet", "StreetAdmin", seed.Street2ID, "新社区", gridskill.EFORBIDDEN},
		{"StreetAdminNewStreet", "StreetAdmin", seed.DistrictID, "新街道", gridskill.EFORBIDDEN},
		{"DuplicateName", "StreetAdmin", seed.Street1ID, "翠苑社区", gridskill.ECONFLICT},
		{"BlankName", "StreetAdmin", seed.Street1ID, "  ", gridskill.EINVALID},
		{"BelowAGrid", "StreetAdmin", seed.Grid111ID, "小区", gridskill.EINVALID},
		{"UnknownParent", "DistrictAdmin", "unit-x", "新街道", gridskill.ENOTFOUND},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.snapshot(t)
			u, err := f.ps.CreateUnit(f.ctx, a[tc.actor], tc.parent, tc.unitName)
			if gridskill.ErrorCode(err) != tc.want {
				t.Fatalf("got %+v, %v; want %s", u, err, tc.want)
			}
			if f.snapshot(t) != before {
				t.Fatal("a refused unit was written")
			}
		})
	}
	t.Run("StreetAdminAddsCommunity", func(t *testing.T) {
		u, err := f.ps.CreateUnit(f.ctx, a["StreetAdmin"], seed.Street1ID, " 新月社区 ")
		if err != nil || u.Name != "新月社区" || u.Kind != people.Community || !u.Within(seed.Street1ID) {
			t.Fatalf("got %+v, %v", u, err)
		}
		tree, _ := f.ps.Tree(f.ctx)
		if _, ok := tree.Child(seed.Street1ID, "新月社区"); !ok {
			t.Fatal("the new unit is not in the tree at once")
		}
	})
}

func TestPasswordResetAndDeactivation(t *testing.T) {
	f := newFixture(t)
	admin := f.user(t, seed.StreetAdminID)
	tokens := people.NewTokens([]byte("scope-test-secret-scope-test-secret"), f.clock)
	worker := f.user(t, sameStreetWorker)
	tok, _, _ := tokens.Issue(worker)
	claims, err := tokens.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}

	pw, err := f.ps.ResetPassword(f.ctx, admin, worker.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ResetEndsSessionsAndForcesChange", func(t *testing.T) {
		if _, err := f.ps.Authenticate(f.ctx, claims); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("old token after reset: %v", err)
		}
		if _, err := f.ps.Login(f.ctx, worker.Phone, seed.DemoPassword, "10.0.0.2"); err == nil {
			t.Fatal("the old password still works")
		}
		u, err := f.ps.Login(f.ctx, worker.Phone, pw, "10.0.0.2")
		if err != nil || !u.MustChangePassword {
			t.Fatalf("one-time password: %+v, %v", u, err)
		}
		if _, err := f.ps.ChangePassword(f.ctx, u, pw, pw); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("keeping the one-time password: %v", err)
		}
		if _, err := f.ps.ChangePassword(f.ctx, u, "wrong-one-1", "Mine2026pw"); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("wrong current password: %v", err)
		}
		changed, err := f.ps.ChangePassword(f.ctx, u, pw, "Mine2026pw")
		if err != nil || changed.MustChangePassword {
			t.Fatalf("change: %+v, %v", changed, err)
		}
	})
	t.Run("DeactivationEndsSessionsAndSignIn", func(t *testing.T) {
		current := f.user(t, worker.ID)
		tok, _, _ := tokens.Issue(current)
		claims, _ := tokens.Verify(tok)
		if _, err := f.ps.Authenticate(f.ctx, claims); err != nil {
			t.Fatalf("fresh token: %v", err)
		}
		if err := f.ps.SetActive(f.ctx, admin, worker.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ps.Authenticate(f.ctx, claims); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
			t.Fatalf("token after deactivation: %v", err)
		}
		_, err := f.ps.Login(f.ctx, worker.Phone, "Mine2026pw", "10.0.0.3")
		if gridskill.ErrorMessage(err) != "wrong phone number or password" {
			t.Fatalf("a deactivated account signs in: %v", err)
		}
		if err := f.ps.SetActive(f.ctx, admin, worker.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ps.Login(f.ctx, worker.Phone, "Mine2026pw", "10.0.0.3"); err != nil {
			t.Fatalf("after reactivation: %v", err)
		}
	})
}

func TestLoginLimitsPerAddress(t *testing.T) {
	f := newFixture(t)
	// Enough failures from one address, each on a different phone, block
	// that address even for a right password; another address is not blocked.
	for i := range people.LoginFailuresPerAddress {
		_, _ = f.ps.Login(f.ctx, fmt.Sprintf("no-phone-%d", i), "wrong-guess-1", "10.9.9.9")
	}
	_, err := f.ps.Login(f.ctx, "13900000004", seed.DemoPassword, "10.9.9.9")
	if gridskill.ErrorCode(err) != gridskill.ETOOMANY {
		t.Fatalf("from the busy address: %v", err)
	}
	if _, err := f.ps.Login(f.ctx, "13900000004", seed.DemoPassword, "10.1.1.1"); err != nil {
		t.Fatalf("from another address: %v", err)
	}
}

func TestRosterPagesComeFromTheAccountsHeldInNameOrder(t *testing.T) {
	f := newFixture(t)
	a := actors(t, f)
	admin := a["DistrictAdmin"]
	page := func(offset int) ([]people.User, int) {
		t.Helper()
		list, total, err := f.ps.List(f.ctx, admin, people.ListFilter{Role: people.Worker, Limit: 50, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		return list, total
	}
	first, total := page(0)
	second, total2 := page(50)
	if len(first) != 50 || total2 != total || total < 100 {
		t.Fatalf("pages of %d and %d, totals %d and %d", len(first), len(second), total, total2)
	}
	seen := map[string]bool{}
	all := append(slices.Clone(first), second...)
	for i, u := range all {
		if u.Role != people.Worker || seen[u.ID] {
			t.Fatalf("row %d: %s (%s) listed twice or not a worker", i, u.ID, u.Role)
		}
		seen[u.ID] = true
		if i > 0 && all[i-1].Name > u.Name {
			t.Fatalf("row %d: %q after %q: not in name order", i, u.Name, all[i-1].Name)
		}
	}
	if _, total, _ := f.ps.List(f.ctx, admin, people.ListFilter{Offset: total + 10}); total == 0 {
		t.Fatal("a page past the end lost the total")
	}
	t.Run("AQueryMatchesPartOfANameOrPhone", func(t *testing.T) {
		w := first[0]
		for _, q := range []string{w.Phone[3:8], w.Name} {
			list, _, err := f.ps.List(f.ctx, admin, people.ListFilter{Query: q})
			if err != nil || !slices.ContainsFunc(list, func(u people.User) bool { return u.ID == w.ID }) {
				t.Fatalf("query %q: %d rows without %s (%v)", q, len(list), w.ID, err)
			}
		}
	})
	t.Run("AnEditShowsAtOnce", func(t *testing.T) {
		w := first[0]
		if _, err := f.ps.UpdatePerson(f.ctx, admin, w.ID, people.PersonEdit{Name: "改名测试", Role: w.Role, UnitID: w.UnitID}); err != nil {
			t.Fatal(err)
		}
		list, _, err := f.ps.List(f.ctx, admin, people.ListFilter{Query: "改名测试"})
		if err != nil || len(list) != 1 || list[0].ID != w.ID {
			t.Fatalf("after the rename: %+v (%v)", list, err)
		}
		if err := f.ps.SetActive(f.ctx, admin, w.ID, false); err != nil {
			t.Fatal(err)
		}
		counts, err := f.ps.CountByUnit(f.ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		_, inGrid, _ := f.ps.List(f.ctx, admin, people.ListFilter{UnitID: w.UnitID})
		if counts[w.UnitID] != inGrid-1 {
			t.Fatalf("the grid counts %d active of %d listed after a deactivation, want %d", counts[w.UnitID], inGrid, inGrid-1)
		}
	})
}
