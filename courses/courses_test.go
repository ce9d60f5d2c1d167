package courses_test

import (
	"context"
	"go.mongodb.org/mongo-driver/mongo"
	"io/fs"
	"strings"
	"testing"
	"time"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is the courses service over a fresh database holding the demo
// district's units and people (not its training content).
type fixture struct {
	db    *mongo.Database
	cs    *courses.Service
	ps    *people.Service
	clock *gridskill.FakeClock
	users map[string]people.User
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.DB(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	units, users := seed.District()
	if err := ps.Seed(storetest.Context(t), units, users, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, cs: courses.NewService(db, ps, clock), ps: ps, clock: clock, users: map[string]people.User{}}
	for _, u := range users {
		f.users[u.ID] = u
	}
	return f
}

func (f *fixture) user(id string) people.User { return f.users[id] }

// module creates and publishes a module of n lessons as the actor.
func (f *fixture) module(t testing.TB, actor people.User, n int) courses.Module {
	t.Helper()
	ctx := storetest.Context(t)
	m, err := f.cs.CreateModule(ctx, actor, courses.ModuleInput{Title: "测试模块", Category: courses.AntiFraud, Minutes: 10 * n})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := f.cs.AddLesson(ctx, actor, m.ID, courses.LessonInput{Title: "第" + string(rune('一'+i)) + "课", Markdown: "## 要点\n\n正文 **加粗**"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.cs.Publish(ctx, actor, m.ID, "", false); err != nil {
		t.Fatal(err)
	}
	m, err = f.cs.Draft(ctx, actor, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func code(err error) string { return gridskill.ErrorCode(err) }

// read opens every lesson of the module as the worker and lets their minimum
// reading time pass, so that they may be marked done.
func (f *fixture) read(t testing.TB, worker people.User, m courses.Module) {
	t.Helper()
	for _, l := range m.Lessons {
		if _, err := f.cs.OpenLesson(storetest.Context(t), worker, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(courses.MaxMinRead)
}

func TestStudyAndComplete(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, worker := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 2)
	if _, err := f.cs.Assign(ctx, trainer, m.ID, seed.Street1ID, true, f.clock.Now().AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	items, err := f.cs.MyLearning(ctx, worker)
	if err != nil || len(items) != 1 || !items[0].Required || items[0].Done {
		t.Fatalf("my learning: %+v %v", items, err)
	}
	t.Run("DoubleTapRecordsOneCompletion", func(t *testing.T) {
		f.read(t, worker, m)
		for _, l := range m.Lessons {
			for i := 0; i < 2; i++ {
				if _, err := f.cs.CompleteLesson(ctx, worker, m.ID, l.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		rec, err := f.cs.Record(ctx, worker, worker.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Completed) != 1 || rec.Completed[0].Version != 1 {
			t.Fatalf("completions: %+v", rec.Completed)
		}
		items, _ := f.cs.MyLearning(ctx, worker)
		if !items[0].Done || items[0].Percent() != 100 {
			t.Fatalf("after completing: %+v", items[0])
		}
	})
	t.Run("MajorVersionAsksForStudyAgain", func(t *testing.T) {
		if _, err := f.cs.Publish(ctx, trainer, m.ID, "新增一种诈骗手法", true); err != nil {
			t.Fatal(err)
		}
		items, _ := f.cs.MyLearning(ctx, worker)
		if items[0].Done || !items[0].Updated || items[0].LessonsDone != 0 {
			t.Fatalf("after a major version: %+v", items[0])
		}
	})
	t.Run("MinorVersionKeepsCompletion", func(t *testing.T) {
		f.read(t, worker, m)
		for _, l := range m.Lessons {
			if _, err := f.cs.CompleteLesson(ctx, worker, m.ID, l.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.cs.Publish(ctx, trainer, m.ID, "改正错别字", false); err != nil {
			t.Fatal(err)
		}
		items, _ := f.cs.MyLearning(ctx, worker)
		if !items[0].Done {
			t.Fatalf("after a minor version: %+v", items[0])
		}
		rec, _ := f.cs.Record(ctx, worker, worker.ID)
		if len(rec.Completed) != 2 || rec.Completed[1].Version != 2 {
			t.Fatalf("record: %+v", rec.Completed)
		}
	})
	t.Run("ReportCountsByGrid", func(t *testing.T) {
		r, err := f.cs.Completion(ctx, trainer, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range r.Rows {
			if row.Unit.ID == seed.Grid111ID && (row.Completed != 1 || row.Workers != seed.WorkersPerGrid+1) {
				t.Fatalf("grid row: %+v", row)
			}
			if row.Unit.ID == seed.Street2ID && row.Workers != 0 {
				t.Fatalf("street 2 is not assigned but counts %d workers", row.Workers)
			}
		}
	})
}

func TestHeartbeat(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, worker := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 1) // 10 minutes: a cap of 20
	l := m.Lessons[0].ID
	beat := func() courses.Beat {
		t.Helper()
		b, err := f.cs.Heartbeat(ctx, worker, m.ID, l)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := beat(); b.Credited != 0 {
		t.Fatalf("first beat credits %d; want 0", b.Credited)
	}
	f.clock.Advance(30 * time.Second)
	if b := beat(); b.Credited != 30 {
		t.Fatalf("beat after 30 s credits %d", b.Credited)
	}
	f.clock.Advance(75 * time.Second)
	if b := beat(); b.Credited != 60 {
		t.Fatalf("beat after 75 s credits %d; want at most 60", b.Credited)
	}
	f.clock.Advance(10 * time.Minute)
	if b := beat(); b.Credited != 0 {
		t.Fatalf("beat after a 10-minute gap credits %d; want 0", b.Credited)
	}
	for i := 0; i < 60; i++ {
		f.clock.Advance(30 * time.Second)
		beat()
	}
	b := beat()
	if b.Seconds != b.Cap || b.Cap != 20*60 {
		t.Fatalf("after 30 minutes open: %d s of a %d s cap", b.Seconds, b.Cap)
	}
	rec, err := f.cs.Record(ctx, worker, worker.ID)
	if err != nil || rec.MinutesThisYear != 20 {
		t.Fatalf("record minutes %d (%v)", rec.MinutesThisYear, err)
	}
}

func TestEditingRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer2 := f.user("user-trainer-2") // street 1
	m := f.module(t, trainer2, 1)
	tests := []struct {
		name  string
		actor people.User
		id    string
		want  string
	}{
		{"WorkerIsForbidden", f.user(seed.WorkerID), m.ID, gridskill.EFORBIDDEN},
		{"OtherStreetTrainerIsForbidden", f.user("user-trainer-3"), m.ID, gridskill.EFORBIDDEN},
		{"ForgedIDIsInvalid", trainer2, `m-x"}{$gt:""}`, gridskill.EINVALID},
		{"UnknownIDIsNotFound", trainer2, "m-0000000000000000", gridskill.ENOTFOUND},
		{"DistrictTrainerMayEdit", f.user(seed.TrainerID), m.ID, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.cs.AddLesson(ctx, tc.actor, tc.id, courses.LessonInput{Title: "x", Markdown: "<script>alert(1)</script>"})
			if code(err) != tc.want {
				t.Fatalf("got %v; want %q", err, tc.want)
			}
		})
	}
	d, err := f.cs.Draft(ctx, trainer2, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	scripted := 0 // the lesson the district trainer added, whose Markdown is a script
	for _, l := range d.Lessons {
		if l.Title == "x" {
			scripted++
		}
		if strings.Contains(l.HTML, "<script") {
			t.Fatalf("stored script: %s", l.HTML)
		}
	}
	if scripted != 1 {
		t.Fatalf("%d lessons with the script; want the one the district trainer added", scripted)
	}
	if len(d.Lessons) != 2 {
		t.Fatalf("%d lessons stored; want 2 (only the district trainer's)", len(d.Lessons))
	}
}

func TestOfflineSession(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer := f.user("user-trainer-2")
	in := courses.SessionInput{Topic: "反诈宣传培训", Date: "2026-11-20", Hours: 2, Place: "东湖街道会议室", Trainer: "何海燕"}
	t.Run("RejectsWholeSheetOnOneBadRow", func(t *testing.T) {
		rows := []courses.SignInRow{{Line: 2, Phone: "13900000004"}, {Line: 3, Phone: "13900000005"}, {Line: 4, Phone: "13900000004"}}
		_, err := f.cs.RecordSession(ctx, trainer, in, rows)
		e, ok := err.(*gridskill.Error)
		if !ok || e.Code != gridskill.EINVALID || len(e.Fields) != 2 {
			t.Fatalf("got %v", err)
		}
		rec, _ := f.cs.Record(ctx, f.user(seed.WorkerID), seed.WorkerID)
		if rec.OfflineHours != 0 {
			t.Fatalf("a rejected sheet gave %v hours", rec.OfflineHours)
		}
	})
	t.Run("GivesAttendeesHours", func(t *testing.T) {
		rows := []courses.SignInRow{{Line: 2, Name: "张晓婷", Phone: "13900000004"}, {Line: 3, Phone: "13900100001"}}
		s, err := f.cs.RecordSession(ctx, trainer, in, rows)
		if err != nil || len(s.Attendees) != 2 {
			t.Fatalf("%+v %v", s, err)
		}
		rec, _ := f.cs.Record(ctx, f.user(seed.WorkerID), seed.WorkerID)
		if rec.OfflineHours != 2 || rec.Hours != 2 || len(rec.Sessions) != 1 {
			t.Fatalf("record: %+v", rec)
		}
	})
}

func TestSeedModulesLoadIdempotently(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	author := f.user(seed.TrainerID)
	dir, err := fs.Sub(seed.Content, "content/modules")
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.LoadModules(ctx, f.cs, author, dir); err != nil {
		t.Fatal(err)
	}
	if err := seed.AssignDemo(ctx, f.cs, author, f.clock, dir); err != nil {
		t.Fatal(err)
	}
	mods, err := f.cs.Visible(ctx, f.user(seed.WorkerID))
	if err != nil || len(mods) != 6 {
		t.Fatalf("%d modules visible (%v)", len(mods), err)
	}
	lessons := 0
	for _, m := range mods {
		_, v, err := f.cs.Published(ctx, f.user(seed.WorkerID), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range v.Lessons {
			lessons++
			if len(l.HTML) < 500 || strings.Contains(l.HTML, "<script") || !strings.Contains(l.HTML, "<h2>") {
				t.Errorf("%s/%s renders to %d bytes", m.ID, l.ID, len(l.HTML))
			}
		}
	}
	if lessons != 39 {
		t.Errorf("%d lessons; want 39", lessons)
	}
	f.clock.Advance(time.Hour)
	if err := seed.LoadModules(ctx, f.cs, author, dir); err != nil {
		t.Fatal(err)
	}
	if err := seed.AssignDemo(ctx, f.cs, author, f.clock, dir); err != nil {
		t.Fatal(err)
	}
	again, _ := f.cs.Visible(ctx, f.user(seed.WorkerID))
	for i, m := range again {
		if m.Version() != 1 || m.Rev != mods[i].Rev {
			t.Errorf("second load changed %s: version %d, rev %d → %d", m.ID, m.Version(), mods[i].Rev, m.Rev)
		}
	}
	items, _ := f.cs.MyLearning(ctx, f.user(seed.WorkerID))
	if len(items) != 6 || !items[0].Required || items[0].Due.Sub(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) < 89*24*time.Hour {
		t.Fatalf("my learning after AssignDemo: %d items, first %+v", len(items), items[0])
	}
}

var _ = context.Background

func TestConcurrentTapsLoseNothingAndCompleteOnce(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, worker := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 3)
	f.read(t, worker, m)
	errs := make(chan error, 6)
	for _, l := range m.Lessons {
		for i := 0; i < 2; i++ {
			go func(id string) {
				_, err := f.cs.CompleteLesson(ctx, worker, m.ID, id)
				errs <- err
			}(l.ID)
		}
	}
	conflicts := 0
	for i := 0; i < 6; i++ {
		switch err := <-errs; {
		case code(err) == gridskill.ECONFLICT:
			conflicts++ // said to the person, who taps again
		case err != nil:
			t.Fatal(err)
		}
	}
	if conflicts > 0 {
		t.Logf("%d taps refused as conflicts; tapping again", conflicts)
		for _, l := range m.Lessons {
			if _, err := f.cs.CompleteLesson(ctx, worker, m.ID, l.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	items, _ := f.cs.Catalogue(ctx, worker)
	rec, _ := f.cs.Record(ctx, worker, worker.ID)
	for _, it := range items {
		if it.Module.ID == m.ID && (!it.Done || it.LessonsDone != 3) {
			t.Fatalf("after concurrent taps: %+v", it)
		}
	}
	if len(rec.Completed) != 1 {
		t.Fatalf("%d completions recorded; want 1", len(rec.Completed))
	}
}

func TestLessonNeedsItsMinimumReadingTime(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, worker := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 1) // 10 minutes: 60 s of reading at least
	l := m.Lessons[0].ID
	t.Run("RefusesATapRightAfterOpening", func(t *testing.T) {
		ready, err := f.cs.OpenLesson(ctx, worker, m.ID, l)
		if err != nil || !ready.Equal(f.clock.Now().Add(courses.MinRead(10))) {
			t.Fatalf("ready at %v (%v)", ready, err)
		}
		f.clock.Advance(20 * time.Second)
		if _, err := f.cs.CompleteLesson(ctx, worker, m.ID, l); code(err) != gridskill.EINVALID {
			t.Fatalf("complete after 20 s: %v", err)
		}
		if st, _ := f.cs.Study(ctx, worker, m.ID); st.Lessons[l].Done {
			t.Fatal("the refused tap marked the lesson done")
		}
	})
	t.Run("ReopeningDoesNotRestartTheCount", func(t *testing.T) {
		f.clock.Advance(30 * time.Second)
		if _, err := f.cs.OpenLesson(ctx, worker, m.ID, l); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(10 * time.Second)
		it, err := f.cs.CompleteLesson(ctx, worker, m.ID, l)
		if err != nil || !it.Done {
			t.Fatalf("complete after 60 s from the first open: %+v %v", it, err)
		}
	})
}

// TestStudyTimeReachesTheRecord: a worker who reads each lesson for less
// than a heartbeat's interval and taps "complete" earned nothing, since only
// a second beat on the same lesson credited time; the record said 0 hours.
func TestStudyTimeReachesTheRecord(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, worker := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 3) // 10 minutes a lesson
	for _, l := range m.Lessons {
		// The page's first beat as it opens, then 25 s of reading on each
		// lesson, twice over the minimum, and the tap.
		if _, err := f.cs.Heartbeat(ctx, worker, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(25 * time.Second)
		if _, err := f.cs.Heartbeat(ctx, worker, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(25 * time.Second)
		if _, err := f.cs.Heartbeat(ctx, worker, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(15 * time.Second)
		if _, err := f.cs.CompleteLesson(ctx, worker, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(5 * time.Second) // on to the next lesson
	}
	f.clock.Advance(20 * time.Minute) // after the last lesson the worker leaves
	rec, err := f.cs.Record(ctx, worker, worker.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 65 s on each lesson, the 5 s between a tap and the next page included.
	if want := 3*65 - 5; rec.Minutes != want/60 || rec.OnlineHours != 0.1 {
		t.Fatalf("record after 3 lessons of about a minute: %d minutes, %v hours; want %d minutes", rec.Minutes, rec.OnlineHours, want/60)
	}
	secs, _ := f.cs.StudyTime(ctx, worker, m.ID)
	for _, l := range m.Lessons[:2] {
		if secs[l.ID] != 70 {
			t.Errorf("lesson %s credited %d s; want 70", l.ID, secs[l.ID])
		}
	}
}
