package rotation_test

import (
	"testing"
	"time"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/rotation"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestPlanBatchesCoverageAttendanceAndPlacements(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	units, users := seed.District()
	if err := ps.Seed(ctx, units, users, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	co := courses.NewService(db, ps, clock)
	svc := rotation.NewService(db, ps, co, clock)
	u := func(id string) people.User {
		x, err := ps.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	admin, westAdmin, worker := u(seed.StreetAdminID), u("user-street-admin-2"), u(seed.WorkerID)
	code := gridskill.ErrorCode
	if _, err := svc.CreatePlan(ctx, worker, rotation.PlanInput{Title: "6+1+3", CycleStart: "2026-01-01", CycleEnd: "2026-12-31"}); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a worker planning: %v", err)
	}
	p, err := svc.CreatePlan(ctx, admin, rotation.PlanInput{Title: "“6+1+3”轮训", CycleStart: "2026-01-01", CycleEnd: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddBatch(ctx, admin, p.ID, rotation.BatchInput{Title: "第一期", Start: "2025-12-01", End: "2026-01-10"}); code(err) != gridskill.EINVALID {
		t.Fatalf("a batch outside the cycle: %v", err)
	}
	for _, title := range []string{"第一期", "第二期"} {
		if p, err = svc.AddBatch(ctx, admin, p.ID, rotation.BatchInput{Title: title, Start: "2026-11-01", End: "2026-11-30"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Plan(ctx, westAdmin, p.ID); code(err) != gridskill.ENOTFOUND {
		t.Fatalf("another street's admin reads the plan: %v", err)
	}
	if _, err := svc.Schedule(ctx, admin, p.ID, "b1", []string{worker.Phone, "13900100100"}); code(err) != gridskill.EINVALID {
		t.Fatalf("scheduling a worker of another street: %v", err)
	}
	if p, err = svc.Schedule(ctx, admin, p.ID, "b1", []string{worker.Phone, "13900100001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Schedule(ctx, admin, p.ID, "b2", []string{worker.Phone}); code(err) != gridskill.EINVALID {
		t.Fatalf("scheduling a worker twice: %v", err)
	}
	sess, err := co.RecordSession(ctx, admin, courses.SessionInput{Topic: "第一期集中培训", Date: "2026-11-20", Hours: 6, Place: "街道会议室", Trainer: "吴丽华"},
		[]courses.SignInRow{{Line: 1, Phone: worker.Phone}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LinkSession(ctx, admin, p.ID, "b1", sess.ID); err != nil {
		t.Fatal(err)
	}
	_, rows, err := svc.Coverage(ctx, admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var attended, scheduled, unscheduled int
	for _, r := range rows {
		switch {
		case r.Batch != nil && r.Attended:
			attended++
			scheduled++
		case r.Batch != nil:
			scheduled++
		default:
			unscheduled++
		}
	}
	if attended != 1 || scheduled != 2 || unscheduled != 12*seed.WorkersPerGrid-2+1 {
		t.Fatalf("attended %d, scheduled %d, not yet %d", attended, scheduled, unscheduled)
	}
	if _, err := svc.RecordPlacement(ctx, westAdmin, worker.ID, rotation.PlacementInput{Kind: rotation.Shadow, Place: "便民服务中心", Start: "2026-10-01", Days: 10, Rating: 5}); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street's admin recording a placement: %v", err)
	}
	if _, err := svc.RecordPlacement(ctx, admin, worker.ID, rotation.PlacementInput{Kind: "holiday", Place: "x", Start: "2026-10-01", Days: 1, Rating: 3}); code(err) != gridskill.EINVALID {
		t.Fatalf("an unknown kind: %v", err)
	}
	if _, err := svc.RecordPlacement(ctx, admin, worker.ID, rotation.PlacementInput{Kind: rotation.Shadow, Place: "便民服务中心", Start: "2026-10-01", Days: 10, Evaluation: "认真负责", Rating: 5}); err != nil {
		t.Fatal(err)
	}
	if list, err := svc.Placements(ctx, worker, worker.ID); err != nil || len(list) != 1 {
		t.Fatalf("the worker's placements: %v %v", list, err)
	}
	if _, err := svc.Placements(ctx, westAdmin, worker.ID); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street's admin reading placements: %v", err)
	}
}
