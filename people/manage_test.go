package people_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
)

// Before, a roster's own problems were listed first and those against the
// accounts and units only once they were fixed: an admin fixed the file
// three times.
func TestImportRosterFileListsEveryKindOfProblemInOnePass(t *testing.T) {
	f := newFixture(t)
	street := f.user(t, seed.StreetAdminID)
	other := f.user(t, otherStreetWorker)
	before := f.snapshot(t)
	data := csvFile(t, true, header,
		[]string{"张一", "1381234567", "东湖街道", "翠苑社区", "第一网格"},  // 2: ten digits
		[]string{"外人", "13700000011", "西山街道", "枫林社区", "第一网格"}, // 3: another street
		[]string{"冒名", other.Phone, "东湖街道", "翠苑社区", "第一网格"},   // 4: another street's account
		[]string{"升官", "13700000012", "东湖街道", "", "", "区管理员"}, // 5: a role above the admin's
		[]string{"好人", "13700000013", "东湖街道", "翠苑社区", "第一网格"}, // 6: fine
	)
	_, err := f.ps.ImportRosterFile(f.ctx, street, bytes.NewReader(data), "roster.csv", "")
	got := problems(t, err)
	want := []string{
		"2/手机号/not an 11-digit mobile number",
		"3/街道/outside your area",
		"4/手机号/this phone number belongs to an account outside your area",
		"5/角色/you cannot give a role above your own",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f.snapshot(t) != before {
		t.Fatal("a refused roster wrote something")
	}
}

func TestImportRosterSaysWhoWasCreatedChangedAndLeft(t *testing.T) {
	f := newFixture(t)
	district := f.user(t, seed.DistrictAdminID)
	worker := f.user(t, seed.WorkerID)
	data := csvFile(t, true, header,
		[]string{"新人", "13700000021", "东湖街道", "翠苑社区", "第一网格"},
		[]string{worker.Name, worker.Phone, "东湖街道", "翠苑社区", "第一网格", "网格员", "DH-7777"},
		[]string{"新网格的人", "13700000022", "东湖街道", "翠苑社区", "第九网格"},
	)
	res, err := f.ps.ImportRosterFile(f.ctx, district, bytes.NewReader(data), "roster.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CreatedPeople) != 2 || res.CreatedPeople[0].Name != "新人" || res.CreatedPeople[1].Line != 4 {
		t.Errorf("created %+v", res.CreatedPeople)
	}
	if len(res.UpdatedPeople) != 1 || !slices.Equal(res.UpdatedPeople[0].Changes, []string{"工号"}) {
		t.Errorf("updated %+v; want the worker with 工号 changed", res.UpdatedPeople)
	}
	if len(res.NewUnits) != 1 || !slices.Equal(res.NewUnits[0], []string{"明湖区", "东湖街道", "翠苑社区", "第九网格"}) {
		t.Errorf("units created %v", res.NewUnits)
	}
	again, err := f.ps.ImportRosterFile(f.ctx, district, bytes.NewReader(data), "roster.csv", "")
	if err != nil || len(again.UnchangedPeople) != 3 || again.Created+again.Updated != 0 {
		t.Fatalf("the same file again: %+v (%v); want all three left unchanged", again, err)
	}
}

func TestUpdatePersonMovesThemToAnotherGrid(t *testing.T) {
	f := newFixture(t)
	street := f.user(t, seed.StreetAdminID)
	w := f.user(t, seed.WorkerID)
	got, err := f.ps.UpdatePerson(f.ctx, street, w.ID, people.PersonEdit{Name: "张晓婷", Role: people.Worker, UnitID: seed.Grid112ID, EmployeeNo: "DH-1", JoinedOn: "2024/3/1"})
	if err != nil || got.UnitID != seed.Grid112ID || !slices.Contains(got.UnitPath, seed.Community11ID) || got.JoinedOn != "2024-03-01" {
		t.Fatalf("update: %+v %v", got, err)
	}
	if back := f.user(t, w.ID); back.UnitID != seed.Grid112ID {
		t.Fatalf("memory holds unit %s", back.UnitID)
	}
	for _, c := range []struct {
		name string
		edit people.PersonEdit
		code string
	}{
		{"AnotherStreetsGrid", people.PersonEdit{Name: "张晓婷", Role: people.Worker, UnitID: "unit-s2-c1-g1"}, gridskill.EFORBIDDEN},
		{"WorkerOutsideAGrid", people.PersonEdit{Name: "张晓婷", Role: people.Worker, UnitID: seed.Community11ID}, gridskill.EINVALID},
		{"RoleAboveTheAdmins", people.PersonEdit{Name: "张晓婷", Role: people.DistrictAdmin, UnitID: seed.DistrictID}, gridskill.EFORBIDDEN},
		{"NoName", people.PersonEdit{Name: " ", Role: people.Worker, UnitID: seed.Grid111ID}, gridskill.EINVALID},
		{"BadDate", people.PersonEdit{Name: "张晓婷", Role: people.Worker, UnitID: seed.Grid111ID, JoinedOn: "明年"}, gridskill.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := f.ps.UpdatePerson(f.ctx, street, w.ID, c.edit); gridskill.ErrorCode(err) != c.code {
				t.Fatalf("%v; want %s", err, c.code)
			}
			if back := f.user(t, w.ID); back.UnitID != seed.Grid112ID || back.Name != "张晓婷" {
				t.Fatalf("a refused edit changed the account: %+v", back)
			}
		})
	}
	if _, err := f.ps.UpdatePerson(f.ctx, street, otherStreetWorker, people.PersonEdit{Name: "x", Role: people.Worker, UnitID: seed.Grid111ID}); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street's worker: %v; want forbidden", err)
	}
}

func TestDeactivateManyGoesAheadWithTheOthers(t *testing.T) {
	f := newFixture(t)
	street := f.user(t, seed.StreetAdminID)
	n, probs, err := f.ps.DeactivateMany(f.ctx, street, []string{"worker-0001", "worker-0002", otherStreetWorker, street.ID, "worker-0001"})
	if err != nil || n != 2 || len(probs) != 2 {
		t.Fatalf("deactivated %d, problems %+v (%v); want 2 and two refusals", n, probs, err)
	}
	if f.user(t, "worker-0001").Active || f.user(t, "worker-0002").Active || !f.user(t, otherStreetWorker).Active {
		t.Fatal("the wrong accounts changed")
	}
	if _, _, err := f.ps.DeactivateMany(f.ctx, f.user(t, seed.WorkerID), []string{"worker-0003"}); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a worker's bulk deactivation: %v", err)
	}
}

func TestUnitsAreRenamedMovedMergedAndDeleted(t *testing.T) {
	f := newFixture(t)
	district := f.user(t, seed.DistrictAdminID)
	street := f.user(t, seed.StreetAdminID)
	noRecords := people.UnitRecords(nil)

	if _, err := f.ps.RenameUnit(f.ctx, street, seed.Grid111ID, "第一网格（翠苑）"); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.ps.Unit(f.ctx, seed.Grid111ID); u.Name != "第一网格（翠苑）" {
		t.Fatalf("renamed to %q", u.Name)
	}
	if _, err := f.ps.RenameUnit(f.ctx, street, seed.Grid111ID, "第二网格"); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a sibling's name: %v; want conflict", err)
	}
	if _, err := f.ps.RenameUnit(f.ctx, street, seed.Street2ID, "x"); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street: %v; want forbidden", err)
	}

	// Move 第二网格 of 翠苑社区 to another community of the street: its
	// workers' paths follow.
	tree, _ := f.ps.Tree(f.ctx)
	var target people.Unit
	for _, c := range tree.Children(seed.Street1ID) {
		if c.ID != seed.Community11ID {
			target = c
			break
		}
	}
	if _, dup := tree.Child(target.ID, "第二网格"); dup {
		if _, err := f.ps.MoveUnit(f.ctx, street, seed.Grid112ID, target.ID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
			t.Fatalf("a move onto a sibling's name: %v; want conflict", err)
		}
		if _, err := f.ps.RenameUnit(f.ctx, street, seed.Grid112ID, "第二网格（迁）"); err != nil {
			t.Fatal(err)
		}
	}
	moved, err := f.ps.MoveUnit(f.ctx, street, seed.Grid112ID, target.ID)
	if err != nil || moved.ParentID != target.ID || !slices.Contains(moved.Path, target.ID) {
		t.Fatalf("move: %+v %v", moved, err)
	}
	workers, _ := f.ps.Workers(context.Background(), seed.Grid112ID)
	if len(workers) == 0 {
		t.Fatal("no workers in the moved grid")
	}
	for _, w := range workers {
		if m := f.user(t, w.ID); !slices.Contains(m.UnitPath, target.ID) || slices.Contains(m.UnitPath, seed.Community11ID) {
			t.Fatalf("%s's path after the move: %v", w.ID, m.UnitPath)
		}
	}
	if _, err := f.ps.MoveUnit(f.ctx, street, seed.Grid112ID, seed.Street1ID); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("a grid below a street: %v; want invalid", err)
	}

	// Delete is refused while people or units depend on the unit.
	if err := f.ps.DeleteUnit(f.ctx, street, seed.Grid112ID, noRecords); gridskill.ErrorCode(err) != gridskill.ECONFLICT || !strings.Contains(gridskill.ErrorMessage(err), "accounts belong to it") {
		t.Fatalf("delete of a grid with people: %v", err)
	}
	if err := f.ps.DeleteUnit(f.ctx, district, seed.Community11ID, noRecords); gridskill.ErrorCode(err) != gridskill.ECONFLICT || !strings.Contains(gridskill.ErrorMessage(err), "units are below it") {
		t.Fatalf("delete of a community with grids: %v", err)
	}
	exams := people.UnitRecords(func(context.Context, []string) ([]string, error) { return []string{"exams are set for it"}, nil })
	if _, err := f.ps.MergeUnits(f.ctx, street, seed.Grid112ID, seed.Grid111ID, exams); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a merge of a unit that records name: %v; want conflict", err)
	}

	// Merge the moved grid into 第一网格: its people follow, it is gone, and
	// then an empty unit can be deleted.
	into, err := f.ps.MergeUnits(f.ctx, street, seed.Grid112ID, seed.Grid111ID, noRecords)
	if err != nil || into.ID != seed.Grid111ID {
		t.Fatalf("merge: %v", err)
	}
	for _, w := range workers {
		if m := f.user(t, w.ID); m.UnitID != seed.Grid111ID {
			t.Fatalf("%s is in %s after the merge", w.ID, m.UnitID)
		}
	}
	if _, err := f.ps.Unit(f.ctx, seed.Grid112ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("the merged unit is still there: %v", err)
	}
	empty, err := f.ps.CreateUnit(f.ctx, street, seed.Community11ID, "空网格")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ps.DeleteUnit(f.ctx, street, empty.ID, exams); gridskill.ErrorCode(err) != gridskill.ECONFLICT || !strings.Contains(gridskill.ErrorMessage(err), "exams are set for it") {
		t.Fatalf("delete of a unit records name: %v", err)
	}
	if err := f.ps.DeleteUnit(f.ctx, street, empty.ID, noRecords); err != nil {
		t.Fatal(err)
	}
	if err := f.ps.DeleteUnit(f.ctx, street, seed.Street1ID, noRecords); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a street admin deleting their own street: %v; want forbidden", err)
	}
}
