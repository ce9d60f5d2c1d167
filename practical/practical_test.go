package practical_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fixture struct {
	ps    *people.Service
	svc   *practical.Service
	co    *courses.Service
	clock *gridskill.FakeClock
	users map[string]people.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	units, users := seed.District()
	if err := ps.Seed(ctx, units, users, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := seed.LoadDemoChecklists(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	co := courses.NewService(db, ps, clock)
	f := &fixture{ps: ps, svc: practical.NewService(db, ps, co, clock), co: co, clock: clock, users: map[string]people.User{}}
	for _, u := range users {
		f.users[u.ID] = u
	}
	return f
}

func (f *fixture) u(id string) people.User { return f.users[id] }

// The demo's worker 张晓婷 (grid 1-1-1), their street admin, a worker of
// the same grid, a worker of another street and that street's admin.
const (
	worker       = seed.WorkerID
	streetAdmin  = seed.StreetAdminID
	sameGrid     = "worker-0001"
	otherStreet  = "worker-0100"
	otherAdmin   = "user-street-admin-2"
	workerPhone  = "13900000004"
	adminPhone   = "13900000002"
	westAdminPh  = "13900000005"
	sameGridPh   = "13900100001"
	otherGridPh  = "13900100009"
	otherStrPh   = "13900100100"
	dueDate      = "2026-12-20"
	eightItemsOK = 8
)

func pngBytes(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func code(err error) string { return gridskill.ErrorCode(err) }

// assign gives the 八个一 to the demo worker with the street admin as mentor.
func (f *fixture) assign(t *testing.T) practical.Task {
	t.Helper()
	tasks, err := f.svc.Assign(storetest.Context(t), f.u(streetAdmin), seed.EightTasksID, practical.AssignInput{Phones: []string{workerPhone}, Mentor: adminPhone, Due: dueDate})
	if err != nil || len(tasks) != 1 {
		t.Fatalf("assign: %v %v", tasks, err)
	}
	return tasks[0]
}

// record fills every item of the task with the evidence it needs.
func (f *fixture) record(t *testing.T, task practical.Task) practical.Task {
	t.Helper()
	ctx := storetest.Context(t)
	me := f.u(worker)
	var err error
	for i, it := range task.Items {
		in := practical.EntryInput{Note: "已完成：" + it.Description, Count: it.Times, Date: "2026-11-24", Place: "翠苑小区"}
		if task, err = f.svc.SaveEntry(ctx, me, task.ID, it.ID, in); err != nil {
			t.Fatalf("save %s: %v", it.ID, err)
		}
		if it.Needs(practical.Photo) {
			if task, err = f.svc.AddPhoto(ctx, me, task.ID, it.ID, pngBytes(t, 8, 8, color.RGBA{uint8(i * 20), 80, 90, 255})); err != nil {
				t.Fatalf("photo %s: %v", it.ID, err)
			}
		}
	}
	return task
}

func TestChecklistReturnedItemResubmittedAndAcceptedCountsAsHours(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	me, mentor := f.u(worker), f.u(streetAdmin)
	task := f.assign(t)

	if _, err := f.svc.Submit(ctx, me, task.ID); code(err) != gridskill.EINVALID {
		t.Fatalf("submitting with nothing recorded: %v, want invalid", err)
	}
	task = f.record(t, task)
	task, err := f.svc.Submit(ctx, me, task.ID)
	if err != nil || task.State != practical.Submitted {
		t.Fatalf("submit: %v %v", task.State, err)
	}
	if _, err := f.svc.SaveEntry(ctx, me, task.ID, "i1", practical.EntryInput{Note: "改"}); code(err) != gridskill.ECONFLICT {
		t.Fatalf("changing a submitted item: %v, want conflict", err)
	}
	if _, err := f.svc.Review(ctx, me, task.ID, "i1", practical.Decision{Accept: true}); code(err) != gridskill.EFORBIDDEN {
		t.Fatalf("the worker reviewing their own task: %v, want forbidden", err)
	}
	if _, err := f.svc.Review(ctx, mentor, task.ID, "i2", practical.Decision{}); code(err) != gridskill.EINVALID {
		t.Fatalf("returning without a comment: %v, want invalid", err)
	}
	for _, it := range task.Items {
		d := practical.Decision{Accept: it.ID != "i2"}
		if !d.Accept {
			d.Comment = "照片看不清整改情况，请重拍"
		}
		if task, err = f.svc.Review(ctx, mentor, task.ID, it.ID, d); err != nil {
			t.Fatalf("review %s: %v", it.ID, err)
		}
	}
	if task.State != practical.Returned || task.Entry("i2").State != practical.Returned || task.Entry("i1").State != practical.Accepted {
		t.Fatalf("after one item returned: task %s, i1 %s, i2 %s", task.State, task.Entry("i1").State, task.Entry("i2").State)
	}
	rec, _ := f.co.Record(ctx, me, me.ID)
	if rec.Hours != 0 {
		t.Fatalf("hours before acceptance: %v", rec.Hours)
	}
	if _, err := f.svc.SaveEntry(ctx, me, task.ID, "i1", practical.EntryInput{Note: "改"}); code(err) != gridskill.ECONFLICT {
		t.Fatalf("changing an accepted item: %v, want conflict", err)
	}
	if task, err = f.svc.AddPhoto(ctx, me, task.ID, "i2", pngBytes(t, 9, 9, color.White)); err != nil {
		t.Fatal(err)
	}
	if task, err = f.svc.Submit(ctx, me, task.ID); err != nil {
		t.Fatalf("resubmit: %v", err)
	}
	if task.Entry("i1").State != practical.Accepted || task.Entry("i2").State != practical.Submitted {
		t.Fatalf("resubmitted: i1 %s, i2 %s", task.Entry("i1").State, task.Entry("i2").State)
	}
	if task, err = f.svc.Review(ctx, mentor, task.ID, "i2", practical.Decision{Accept: true}); err != nil || task.State != practical.Accepted {
		t.Fatalf("accepting the resubmission: %v %v", task.State, err)
	}
	rec, err = f.co.Record(ctx, me, me.ID)
	if err != nil || rec.Hours != 8 || len(rec.Sessions) != 1 || rec.Sessions[0].Topic != task.Title {
		t.Fatalf("record after acceptance: %+v %v", rec, err)
	}
	// Crediting again (a repair after a crash) adds nothing.
	if err := f.svc.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.co.CreditPractical(ctx, me.ID, task.ID, task.Title, task.Hours, task.AcceptedAt); err != nil {
		t.Fatal(err)
	}
	if rec, _ = f.co.Record(ctx, me, me.ID); rec.Hours != 8 {
		t.Fatalf("hours after crediting twice: %v", rec.Hours)
	}
}

func TestAssignRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	district := f.u(seed.DistrictAdminID)
	cases := []struct {
		name  string
		actor people.User
		in    practical.AssignInput
		want  string
	}{
		{"RejectsMentorOfAnotherStreet", f.u(streetAdmin), practical.AssignInput{Phones: []string{workerPhone}, Mentor: westAdminPh, Due: dueDate}, gridskill.EFORBIDDEN},
		{"RejectsMentorAboveNotOnTheWorkersPath", district, practical.AssignInput{Phones: []string{workerPhone}, Mentor: westAdminPh, Due: dueDate}, gridskill.EINVALID},
		{"RejectsWorkerOfAnotherGridAsMentor", f.u(streetAdmin), practical.AssignInput{Phones: []string{workerPhone}, Mentor: otherGridPh, Due: dueDate}, gridskill.EINVALID},
		{"RejectsPersonOfAnotherStreet", f.u(streetAdmin), practical.AssignInput{Phones: []string{otherStrPh}, Mentor: adminPhone, Due: dueDate}, gridskill.EINVALID},
		{"RejectsOwnMentor", f.u(streetAdmin), practical.AssignInput{Phones: []string{adminPhone}, Mentor: adminPhone, Due: dueDate}, gridskill.EINVALID},
		{"RejectsPastDueDate", f.u(streetAdmin), practical.AssignInput{Phones: []string{workerPhone}, Mentor: adminPhone, Due: "2026-11-01"}, gridskill.EINVALID},
		{"RejectsForgedDate", f.u(streetAdmin), practical.AssignInput{Phones: []string{workerPhone}, Mentor: adminPhone, Due: "2026-13-40"}, gridskill.EINVALID},
		{"RejectsWorkerAssigning", f.u(worker), practical.AssignInput{Phones: []string{sameGridPh}, Mentor: workerPhone, Due: dueDate}, gridskill.EFORBIDDEN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := f.svc.Assign(ctx, c.actor, seed.EightTasksID, c.in); code(err) != c.want {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
	doing, mentoring, err := f.svc.Mine(ctx, f.u(worker))
	if err != nil || len(doing)+len(mentoring) != 0 {
		t.Fatalf("after refusals the worker has tasks: %d %d %v", len(doing), len(mentoring), err)
	}
	// A named worker of the same grid may mentor, and a repeated assignment stores one task.
	in := practical.AssignInput{Phones: []string{workerPhone}, Mentor: sameGridPh, Due: dueDate}
	for i := 0; i < 2; i++ {
		if _, err := f.svc.Assign(ctx, f.u(streetAdmin), seed.FirstMonthID, in); err != nil {
			t.Fatal(err)
		}
	}
	_, mentoring, _ = f.svc.Mine(ctx, f.u(sameGrid))
	if len(mentoring) != 1 {
		t.Fatalf("the grid's worker mentors %d tasks, want 1", len(mentoring))
	}
}

func TestOthersCannotSeeOrChangeATask(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	task := f.assign(t)
	for _, id := range []string{otherStreet, otherAdmin, sameGrid, "user-trainer-3"} {
		if _, err := f.svc.Task(ctx, f.u(id), task.ID); code(err) != gridskill.ENOTFOUND {
			t.Errorf("%s reads the task: %v, want not_found", id, err)
		}
		if _, err := f.svc.SaveEntry(ctx, f.u(id), task.ID, "i1", practical.EntryInput{Note: "x"}); err == nil {
			t.Errorf("%s records an item of another's task", id)
		}
	}
	if _, err := f.svc.Progress(ctx, f.u(otherAdmin), seed.EightTasksID); err != nil {
		t.Fatal(err)
	} else if list, _ := f.svc.Progress(ctx, f.u(otherAdmin), seed.EightTasksID); len(list) != 0 {
		t.Errorf("another street's admin sees %d tasks of this street", len(list))
	}
	if _, err := f.svc.Task(ctx, f.u(worker), "../x"); code(err) != gridskill.EINVALID {
		t.Errorf("a malformed id: %v, want invalid", err)
	}
}

func TestEvidencePhotosAreCheckedAndNothingChangesOnRefusal(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	me := f.u(worker)
	task := f.assign(t)
	big := make([]byte, courses.MaxImageBytes+1)
	copy(big, pngBytes(t, 4, 4, color.Black))
	cases := []struct {
		name, item string
		data       []byte
		want       string
	}{
		{"RejectsText", "i1", []byte("这不是照片"), gridskill.EINVALID},
		{"RejectsSVG", "i1", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), gridskill.EINVALID},
		{"RejectsEmpty", "i1", nil, gridskill.EINVALID},
		{"RejectsTooLarge", "i1", big, gridskill.ETOOLARGE},
		{"RejectsHugePicture", "i1", pngBytes(t, courses.MaxImageSide+1, 1, color.Black), gridskill.ETOOLARGE},
		{"RejectsPhotoOnItemWithout", "i3", pngBytes(t, 4, 4, color.Black), gridskill.EINVALID},
		{"RejectsUnknownItem", "i99", pngBytes(t, 4, 4, color.Black), gridskill.ENOTFOUND},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := f.svc.AddPhoto(ctx, me, task.ID, c.item, c.data); code(err) != c.want {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
	got, err := f.svc.Task(ctx, me, task.ID)
	if err != nil || len(got.Entries) != 0 {
		t.Fatalf("after refused photos the task has entries %v (%v)", got.Entries, err)
	}
	for i := 0; i < practical.MaxPhotos; i++ {
		if _, err := f.svc.AddPhoto(ctx, me, task.ID, "i1", pngBytes(t, 4+i, 4, color.Black)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.AddPhoto(ctx, me, task.ID, "i1", pngBytes(t, 20, 4, color.Black)); code(err) != gridskill.EINVALID {
		t.Fatalf("one photo too many: %v, want invalid", err)
	}
}

func TestEntryRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	task := f.assign(t)
	for name, in := range map[string]practical.EntryInput{
		"RejectsNegativeCount": {Count: -1},
		"RejectsForgedDate":    {Date: "2026-02-31"},
		"RejectsControlChars":  {Note: "a\x00b"},
		"RejectsLongPlace":     {Place: strings.Repeat("地", 101)},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.svc.SaveEntry(ctx, f.u(worker), task.ID, "i1", in); code(err) != gridskill.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
}

func TestParseItems(t *testing.T) {
	items, err := practical.ParseItems("安全卫士｜巡查1个网格｜照片,说明｜2\n\n录入1次信息 | note\n")
	if err != nil || len(items) != 2 || items[0].Heading != "安全卫士" || items[0].Times != 2 || items[1].Times != 1 || items[1].Heading != "" {
		t.Fatalf("parsed %+v %v", items, err)
	}
	for name, text := range map[string]string{
		"RejectsOneField":    "只有任务",
		"RejectsBadTimes":    "a | b | photo | 两次",
		"RejectsTooManyBars": "a | b | c | 1 | e",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := practical.ParseItems(text); code(err) != gridskill.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
	in := practical.ChecklistInput{Title: "清单", Hours: 2, Items: []practical.ItemInput{{Description: "x", Evidence: []practical.Evidence{"video"}, Times: 1}}}
	if err := in.Validate(); code(err) != gridskill.EINVALID {
		t.Fatalf("unknown evidence: %v, want invalid", err)
	}
}
