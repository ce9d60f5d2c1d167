package practical_test

import (
	"testing"

	"gridskill"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// Two cadres of 东湖街道's office and one of 西山街道's.
var (
	cadreA    = people.User{ID: "user-cadre-a", Phone: "13966660001", Name: "葛雨婷", Role: people.Cadre, UnitID: seed.Street1ID, UnitPath: []string{seed.DistrictID, seed.Street1ID}, Active: true}
	cadreB    = people.User{ID: "user-cadre-b", Phone: "13966660002", Name: "沈立群", Role: people.Cadre, UnitID: seed.Street1ID, UnitPath: []string{seed.DistrictID, seed.Street1ID}, Active: true}
	cadreWest = people.User{ID: "user-cadre-w", Phone: "13966660003", Name: "罗西岭", Role: people.Cadre, UnitID: seed.Street2ID, UnitPath: []string{seed.DistrictID, seed.Street2ID}, Active: true}
)

func (f *fixture) cadres(t *testing.T) {
	t.Helper()
	if err := f.ps.Seed(storetest.Context(t), nil, []people.User{cadreA, cadreB, cadreWest}, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	for _, u := range []people.User{cadreA, cadreB, cadreWest} {
		got, err := f.ps.User(storetest.Context(t), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.ID] = got
	}
}

func TestShadowingDayPairSignOffReflectAndSummary(t *testing.T) {
	f := newFixture(t)
	f.cadres(t)
	ctx := storetest.Context(t)
	admin := f.u(streetAdmin)
	day, err := f.svc.CreateProgramme(ctx, admin, practical.ProgrammeInput{Title: "今天我当网格员", Date: "2026-11-28", ChecklistID: seed.EightTasksID, Prompt: "这一天您最大的收获是什么？"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.svc.CreateProgramme(ctx, admin, practical.ProgrammeInput{Title: "第二期跟岗", Date: "2026-12-05", ChecklistID: seed.EightTasksID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Pair(ctx, admin, day.ID, cadreA.Phone, workerPhone); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Pair(ctx, admin, other.ID, cadreB.Phone, sameGridPh); err != nil {
		t.Fatal(err)
	}
	refusals := map[string]struct {
		participant, host, want string
	}{
		"RejectsWorkerAsParticipant":  {sameGridPh, workerPhone, gridskill.EINVALID},
		"RejectsCadreAsHost":          {cadreB.Phone, cadreA.Phone, gridskill.EINVALID},
		"RejectsCadreOfAnotherStreet": {cadreWest.Phone, workerPhone, gridskill.EFORBIDDEN},
		"RejectsHostOfAnotherStreet":  {cadreB.Phone, otherStrPh, gridskill.EFORBIDDEN},
		"RejectsPairingTwice":         {cadreA.Phone, sameGridPh, gridskill.ECONFLICT},
	}
	for name, c := range refusals {
		t.Run(name, func(t *testing.T) {
			if _, err := f.svc.Pair(ctx, admin, day.ID, c.participant, c.host); code(err) != c.want {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
	if _, err := f.svc.Pair(ctx, f.u(otherAdmin), day.ID, cadreB.Phone, workerPhone); code(err) != gridskill.ENOTFOUND {
		t.Fatalf("another street's admin pairing: %v, want not_found", err)
	}

	// The participant of the other programme does not see this one, nor its task.
	b := f.u(cadreB.ID)
	if _, err := f.svc.Programme(ctx, b, day.ID); code(err) != gridskill.ENOTFOUND {
		t.Fatalf("a participant of another programme reads this one: %v", err)
	}
	a := f.u(cadreA.ID)
	mine, err := f.svc.Programme(ctx, a, day.ID)
	if err != nil || len(mine.Pairings) != 1 || mine.Pairings[0].ParticipantID != a.ID {
		t.Fatalf("the participant's view: %+v %v", mine.Pairings, err)
	}
	if _, err := f.svc.Task(ctx, b, mine.Pairings[0].TaskID); code(err) != gridskill.ENOTFOUND {
		t.Fatalf("a participant of another programme reads this one's task: %v", err)
	}
	list, _ := f.svc.Programmes(ctx, b)
	if len(list) != 1 || list[0].ID != other.ID {
		t.Fatalf("cadre B lists %d programmes", len(list))
	}

	if _, err := f.svc.SignOff(ctx, a, day.ID, a.ID); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("the participant signing their own day off: %v", err)
	}
	if _, err := f.svc.SignOff(ctx, f.u(worker), day.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Reflect(ctx, f.u(worker), day.ID, "主持人写的"); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("the host writing the reflection: %v", err)
	}
	if _, err := f.svc.Reflect(ctx, a, day.ID, "  "); code(err) != gridskill.EINVALID {
		t.Fatalf("an empty reflection: %v", err)
	}
	if _, err := f.svc.Reflect(ctx, a, day.ID, "跟着网格员走了一天，才知道独居老人最需要的是有人常来看看。"); err != nil {
		t.Fatal(err)
	}
	_, rows, err := f.svc.Summary(ctx, admin, day.ID)
	if err != nil || len(rows) != 1 || rows[0].SignedOffAt.IsZero() || rows[0].Reflection == "" || rows[0].Items != 8 || rows[0].HostName == "" {
		t.Fatalf("summary: %+v %v", rows, err)
	}
	if _, _, err := f.svc.Summary(ctx, a, day.ID); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a participant reading the summary: %v", err)
	}
}
