package selection_test

import (
	"context"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/selection"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// facts gives the demo worker the most hours and everyone else a few.
type facts struct{}

func (facts) Facts(_ context.Context, w people.User) (map[scoring.Criterion]float64, error) {
	if w.ID == seed.WorkerID {
		return map[scoring.Criterion]float64{scoring.CritHours: 40, scoring.CritExams: 95, scoring.CritTasks: 2}, nil
	}
	return map[scoring.Criterion]float64{scoring.CritHours: 10, scoring.CritExams: 70}, nil
}

func TestSelectionRankAppraiseNominateApprove(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	units, users := seed.District()
	if err := ps.Seed(ctx, units, users, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	svc := selection.NewService(db, ps, facts{}, clock)
	u := func(id string) people.User {
		x, err := ps.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	district, street, west, worker := u(seed.DistrictAdminID), u(seed.StreetAdminID), u("user-street-admin-2"), u(seed.WorkerID)
	code := gridskill.ErrorCode
	weights := []scoring.Weight{{Criterion: scoring.CritHours, Weight: 30}, {Criterion: scoring.CritExams, Weight: 30}, {Criterion: scoring.CritTasks, Weight: 10}, {Criterion: scoring.CritAppraisal, Weight: 30}}
	if _, err := svc.Create(ctx, district, selection.Input{Title: "年度评选", Year: 2026, Weights: []scoring.Weight{{Criterion: "luck", Weight: 5}}}); code(err) != gridskill.EINVALID {
		t.Fatalf("an unknown criterion: %v", err)
	}
	e, err := svc.Create(ctx, district, selection.Input{Title: "2026年度优秀网格员评选", Year: 2026, Weights: weights})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Appraise(ctx, west, e.ID, worker.ID, 90); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street's admin appraising: %v", err)
	}
	if err := svc.Appraise(ctx, street, e.ID, worker.ID, 120); code(err) != gridskill.EINVALID {
		t.Fatalf("an appraisal over 100: %v", err)
	}
	if err := svc.Appraise(ctx, street, e.ID, worker.ID, 90); err != nil {
		t.Fatal(err)
	}
	_, cands, grids, err := svc.Ranking(ctx, street, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 97 || cands[0].Worker.ID != worker.ID || cands[0].Rank != 1 || len(cands[0].Parts) != 4 || grids[0].Unit.ID != seed.Grid111ID {
		t.Fatalf("street's ranking: %d candidates, first %s, grids[0] %s", len(cands), cands[0].Worker.ID, grids[0].Unit.ID)
	}
	if err := svc.Nominate(ctx, street, e.ID, worker.ID, true); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a street admin nominating in the district's selection: %v", err)
	}
	if err := svc.Nominate(ctx, district, e.ID, "unit-x", true); code(err) != gridskill.EINVALID {
		t.Fatalf("nominating a forged unit: %v", err)
	}
	for _, id := range []string{worker.ID, seed.Grid111ID} {
		if err := svc.Nominate(ctx, district, e.ID, id, true); err != nil {
			t.Fatal(err)
		}
	}
	hons, err := svc.Approve(ctx, district, e.ID)
	if err != nil || len(hons) != 2 {
		t.Fatalf("approve: %v %v", hons, err)
	}
	if err := svc.Appraise(ctx, street, e.ID, worker.ID, 10); code(err) != gridskill.ECONFLICT {
		t.Fatalf("appraising after approval: %v", err)
	}
	held, err := svc.Honours(ctx, worker)
	if err != nil || len(held) != 2 {
		t.Fatalf("the worker's honours (theirs and their grid's): %v %v", held, err)
	}
	if _, err := svc.Evaluation(ctx, u("user-trainer"), e.ID); code(err) != gridskill.ENOTFOUND {
		t.Fatalf("a trainer reading the selection: %v", err)
	}
}
