package certify_test

import (
	"testing"

	"gridskill"
	"gridskill/certify"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// Before, a program issued only on a worker's next action or the hourly
// sweep; those who already met it waited.
func TestAProgramIssuesToThoseWhoQualifyWhenSaved(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.pass("worker-0001", 1)
	f.pass("worker-0200", 1) // another street: outside the program
	p, err := f.svc.CreateProgram(ctx, f.user(seed.StreetAdminID), certify.Program{Name: "防诈骗讲解员", ValidityMonths: 24,
		Requirements: scoring.Requirements{Modules: []scoring.ModuleReq{{ModuleID: antiFraud, MinVersion: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	// Read as the admin does, which evaluates nobody (a worker's own page
	// would evaluate them first).
	got, err := f.svc.Holders(ctx, f.user(seed.DistrictAdminID), certify.HolderFilter{ProgramID: p.ID})
	if err != nil || len(got) != 1 || got[0].WorkerID != "worker-0001" || got[0].State != certify.Valid {
		t.Fatalf("holders right after the program was saved: %+v (%v); want worker-0001 only", got, err)
	}
}

func TestIssueManuallyAndReinstateAreAudited(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	admin := f.user(seed.StreetAdminID)
	for _, c := range []struct {
		name, actor, worker, reason, code string
	}{
		{"NoReason", seed.StreetAdminID, "worker-0002", " ", gridskill.EINVALID},
		{"AnotherStreetsWorker", seed.StreetAdminID, "worker-0200", "纸质考试通过", gridskill.EFORBIDDEN},
		{"ByAWorker", seed.WorkerID, "worker-0002", "纸质考试通过", gridskill.EFORBIDDEN},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := f.svc.IssueManually(ctx, f.user(c.actor), "anti-fraud", c.worker, c.reason); gridskill.ErrorCode(err) != c.code {
				t.Fatalf("%v; want %s", err, c.code)
			}
			if n := len(f.mine(c.worker)); n != 0 {
				t.Fatalf("a refused issue left %d certificates", n)
			}
		})
	}
	h, err := f.svc.IssueManually(ctx, admin, "anti-fraud", "worker-0002", "2025 年纸质考试通过")
	if err != nil || h.State != certify.Valid {
		t.Fatalf("manual issue: %+v %v", h, err)
	}
	entries := f.audit(h.ID)
	if len(entries) != 1 || entries[0].Action != certify.ActionIssued || entries[0].ActorID != admin.ID || entries[0].Reason != "2025 年纸质考试通过" {
		t.Fatalf("audit %+v", entries)
	}
	if _, err := f.svc.IssueManually(ctx, admin, "anti-fraud", "worker-0002", "再次"); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a second manual issue: %v; want conflict", err)
	}
	if err := f.svc.Revoke(ctx, admin, h.ID, "误发"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Reinstate(ctx, f.user("user-street-admin-2"), h.ID, "核实无误"); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street's reinstatement: %v", err)
	}
	back, err := f.svc.Reinstate(ctx, admin, h.ID, "核实无误")
	if err != nil || back.Revoked || back.State != certify.Valid || back.Number != h.Number {
		t.Fatalf("reinstated: %+v %v", back, err)
	}
	entries = f.audit(h.ID)
	if last := entries[len(entries)-1]; last.Action != certify.ActionReinstated || last.Reason != "核实无误" || last.ActorID != admin.ID {
		t.Fatalf("audit %+v", last)
	}
	if v, _ := f.svc.Verify(ctx, h.Code); !v.Valid {
		t.Fatalf("a reinstated certificate verifies as %+v", v)
	}
	if _, err := f.svc.Reinstate(ctx, admin, h.ID, "再次"); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("reinstating a valid certificate: %v", err)
	}
}

func TestHoldersAreSearchableInsideTheArea(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	for _, w := range []string{"worker-0001", "worker-0002", seed.WorkerID} {
		f.pass(w, 1)
		f.changed(w)
	}
	admin := f.user(seed.StreetAdminID)
	all, err := f.svc.Holders(ctx, admin, certify.HolderFilter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("holders %d (%v), want 3", len(all), err)
	}
	name := f.user("worker-0002").Name
	found, err := f.svc.Holders(ctx, admin, certify.HolderFilter{Query: name})
	if err != nil || len(found) == 0 || found[0].WorkerID != "worker-0002" {
		t.Fatalf("search %q: %+v %v", name, found, err)
	}
	byNumber, _ := f.svc.Holders(ctx, admin, certify.HolderFilter{Query: all[0].Number})
	if len(byNumber) != 1 {
		t.Fatalf("search by number found %d", len(byNumber))
	}
	if other, err := f.svc.Holders(ctx, f.user("user-street-admin-2"), certify.HolderFilter{}); err != nil || len(other) != 0 {
		t.Fatalf("another street's admin sees %d (%v)", len(other), err)
	}
	if _, err := f.svc.Holders(ctx, admin, certify.HolderFilter{UnitID: seed.Street2ID}); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street's unit: %v", err)
	}
}

// Before, a district admin's coverage went from the district to the
// communities, leaving out the streets, and counted every worker of the
// district against a street's program.
func TestCoverageShowsEveryTierOfTheProgramsScope(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.pass("worker-0001", 1)
	f.changed("worker-0001")
	cov, err := f.svc.Coverage(ctx, f.user(seed.DistrictAdminID), "anti-fraud", "")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[people.UnitKind]int{}
	rows := map[string]certify.CoverageRow{}
	for _, r := range cov.Rows {
		kinds[r.Unit.Kind]++
		rows[r.Unit.ID] = r
	}
	if kinds[people.Street] != 3 || kinds[people.Community] == 0 || kinds[people.Grid] == 0 {
		t.Fatalf("tiers %v; want the district's streets, communities and grids", kinds)
	}
	if d, s1, s2 := rows[seed.DistrictID], rows[seed.Street1ID], rows[seed.Street2ID]; d.Workers != s1.Workers || s2.Workers != 0 || d.InForce != 1 {
		t.Fatalf("district %+v, street 1 %+v, street 2 %+v; want only the program's street counted", d, s1, s2)
	}
}

func TestRequiringModuleCountsCertificatesInForce(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	for _, w := range []string{"worker-0001", "worker-0002"} {
		f.pass(w, 1)
		f.changed(w)
	}
	if n, err := f.svc.RequiringModule(ctx, f.user(seed.StreetAdminID), antiFraud); err != nil || n != 2 {
		t.Fatalf("%d certificates (%v), want 2", n, err)
	}
	if n, _ := f.svc.RequiringModule(ctx, f.user("user-street-admin-2"), antiFraud); n != 0 {
		t.Fatalf("another street counts %d", n)
	}
	if n, _ := f.svc.RequiringModule(ctx, f.user(seed.StreetAdminID), "mod-other"); n != 0 {
		t.Fatalf("an unrequired module counts %d", n)
	}
}
