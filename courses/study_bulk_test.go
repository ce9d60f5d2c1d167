package courses_test

import (
	"context"
	"sync"
	"testing"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestRecordStudy(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, started := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 3) // 10 minutes a lesson
	var fresh, elsewhere people.User
	for _, u := range f.users {
		switch {
		case u.Role != people.Worker || u.ID == started.ID:
		case people.InScope(u.UnitPath, seed.Street1ID) && fresh.ID == "":
			fresh = u
		case people.InScope(u.UnitPath, seed.Street2ID) && elsewhere.ID == "":
			elsewhere = u
		}
	}
	// One worker has read the first lesson by its page for a minute and
	// tapped it done.
	first := m.Lessons[0].ID
	if _, err := f.cs.Heartbeat(ctx, started, m.ID, first); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(courses.MaxMinRead)
	if _, err := f.cs.CompleteLesson(ctx, started, m.ID, first); err != nil {
		t.Fatal(err)
	}
	before, _ := f.cs.StudyTime(ctx, started, m.ID)

	state := func(t *testing.T, w people.User) (done bool, completed, minutes int, secs map[string]int) {
		t.Helper()
		items, err := f.cs.MyLearning(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Module.ID == m.ID {
				done = it.Done
			}
		}
		rec, err := f.cs.Record(ctx, trainer, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		secs, err = f.cs.StudyTime(ctx, w, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return done, len(rec.Completed), rec.Minutes, secs
	}

	t.Run("RefusesWhatItCannotRecordAndChangesNothing", func(t *testing.T) {
		streetAdmin := f.user(seed.StreetAdminID)
		for name, c := range map[string]struct {
			actor   people.User
			module  string
			workers []people.User
			code    string
		}{
			"AnotherStreetsWorker": {streetAdmin, m.ID, []people.User{fresh, elsewhere}, gridskill.EFORBIDDEN},
			"AWorkerActing":        {fresh, m.ID, []people.User{fresh}, gridskill.EFORBIDDEN},
			"AnAdminAsWorker":      {trainer, m.ID, []people.User{fresh, streetAdmin}, gridskill.EINVALID},
			"UnknownModule":        {trainer, "m-nothing", []people.User{fresh}, gridskill.ENOTFOUND},
			"MalformedModule":      {trainer, "m/../x", []people.User{fresh}, gridskill.EINVALID},
		} {
			if err := f.cs.RecordStudy(ctx, c.actor, c.module, c.workers); gridskill.ErrorCode(err) != c.code {
				t.Errorf("%s: %v; want %s", name, err, c.code)
			}
		}
		if done, completed, minutes, _ := state(t, fresh); done || completed != 0 || minutes != 0 {
			t.Fatalf("refused calls changed the fresh worker: done %v, %d completions, %d minutes", done, completed, minutes)
		}
	})

	t.Run("CompletesAsTheLessonPagesWould", func(t *testing.T) {
		if err := f.cs.RecordStudy(ctx, trainer, m.ID, []people.User{fresh, started, fresh}); err != nil {
			t.Fatal(err)
		}
		done, completed, minutes, secs := state(t, fresh)
		if !done || completed != 1 || minutes != 30 {
			t.Fatalf("fresh worker: done %v, %d completions, %d minutes; want done, 1, 30", done, completed, minutes)
		}
		for _, l := range m.Lessons {
			if secs[l.ID] != 600 {
				t.Errorf("fresh worker's lesson %s has %d s; want 600", l.ID, secs[l.ID])
			}
		}
		done, completed, minutes, secs = state(t, started)
		// The lesson done by its page keeps its own time; the two others
		// are credited their 10 minutes each.
		if !done || completed != 1 || secs[first] != before[first] || minutes != (before[first]+1200)/60 {
			t.Fatalf("started worker: done %v, %d completions, %d minutes, %v; want done, 1, first lesson %d s", done, completed, minutes, secs, before[first])
		}
	})

	t.Run("AgainChangesNothing", func(t *testing.T) {
		if err := f.cs.RecordStudy(ctx, trainer, m.ID, []people.User{fresh}); err != nil {
			t.Fatal(err)
		}
		if done, completed, minutes, _ := state(t, fresh); !done || completed != 1 || minutes != 30 {
			t.Fatalf("after recording again: done %v, %d completions, %d minutes; want done, 1, 30", done, completed, minutes)
		}
	})
}

func TestBulkPathsTellTheHookOfEveryWorkerBeforeReturning(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	var mu sync.Mutex
	heard := map[string]int{}
	f.cs.Changed = func(_ context.Context, id string) {
		mu.Lock()
		defer mu.Unlock()
		heard[id]++
	}
	trainer := f.user(seed.TrainerID)
	var rows []courses.SignInRow
	var workers []people.User
	for _, u := range f.users {
		if u.Role == people.Worker && people.InScope(u.UnitPath, seed.Street1ID) && len(rows) < 9 {
			rows = append(rows, courses.SignInRow{Line: len(rows) + 2, Phone: u.Phone})
			workers = append(workers, u)
		}
	}
	in := courses.SessionInput{Topic: "反诈宣传培训", Date: "2026-11-20", Hours: 2, Place: "东湖街道会议室", Trainer: "何海燕"}
	if _, err := f.cs.RecordSession(ctx, f.user(seed.StreetAdminID), in, rows); err != nil {
		t.Fatal(err)
	}
	m := f.module(t, trainer, 1)
	if err := f.cs.RecordStudy(ctx, trainer, m.ID, workers); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, w := range workers {
		// Once for the session, once for the module completed.
		if heard[w.ID] != 2 {
			t.Errorf("%s heard of %d times; want 2", w.ID, heard[w.ID])
		}
	}
}
