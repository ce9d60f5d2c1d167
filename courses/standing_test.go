package courses_test

import (
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"

	"gridskill/courses"
	"gridskill/people"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestStandingsKeptBetweenViewsFollowEveryWrite(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, worker := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 2)
	if _, err := f.cs.Assign(ctx, trainer, m.ID, seed.Street1ID, true, f.clock.Now().AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	var workers []people.User
	for _, u := range f.users {
		if u.Role == people.Worker {
			workers = append(workers, u)
		}
	}
	// A fresh service over the same database holds nothing yet: what it
	// reads is what the collections say.
	same := func(t *testing.T, step string) map[string]courses.Standing {
		t.Helper()
		kept, err := f.cs.Standings(ctx, trainer, workers)
		if err != nil {
			t.Fatal(err)
		}
		read, err := courses.NewService(f.db, f.ps, f.clock).Standings(ctx, trainer, workers)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(kept, read) {
			t.Fatalf("%s: the kept standings differ from the collections' for %s: %+v, read %+v", step, worker.ID, kept[worker.ID], read[worker.ID])
		}
		return kept
	}
	before := same(t, "at first")
	if before[worker.ID].RequiredDone() {
		t.Fatal("the module is done before anyone studied it")
	}
	f.read(t, worker, m)
	for _, l := range m.Lessons {
		if _, err := f.cs.CompleteLesson(ctx, worker, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
	}
	if st := same(t, "after the taps"); !st[worker.ID].RequiredDone() || len(st[worker.ID].Completions) != 1 {
		t.Fatalf("after completing by the lesson pages: %+v", st[worker.ID])
	}
	other := workers[0]
	if other.ID == worker.ID {
		other = workers[1]
	}
	if err := f.cs.RecordStudy(ctx, trainer, m.ID, []people.User{other}); err != nil {
		t.Fatal(err)
	}
	in := courses.SessionInput{Topic: "反诈宣传培训", Date: "2026-11-20", Hours: 2, Place: "东湖街道会议室", Trainer: "何海燕"}
	if _, err := f.cs.RecordSession(ctx, f.user("user-trainer-2"), in, []courses.SignInRow{{Line: 2, Phone: worker.Phone}}); err != nil {
		t.Fatal(err)
	}
	if st := same(t, "after a recorded study and a session"); st[worker.ID].OfflineHours != 2 || st[other.ID].OnlineHours == 0 {
		t.Fatalf("after a session and a recorded study: %+v, %+v", st[worker.ID], st[other.ID])
	}
	// Another instance's write (here straight into the collection) shows,
	// with several instances, once the kept copy is older than the refresh
	// and has been read again in the background.
	f.cs.RefreshLearning(30 * time.Second)
	year := f.clock.Now().In(gridskill.ChinaZone()).Format("2006")
	if _, err := f.db.Collection("learning_progress").UpdateOne(ctx, bson.M{"_id": other.ID},
		bson.M{"$inc": bson.M{"years." + year + ".offlineHours": 3}}); err != nil {
		t.Fatal(err)
	}
	kept, _ := f.cs.Standings(ctx, trainer, workers)
	if kept[other.ID].OfflineHours != 0 {
		t.Fatalf("a write elsewhere showed at once (%v hours): the standings were read again", kept[other.ID].OfflineHours)
	}
	f.clock.Advance(31 * time.Second)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		kept, err := f.cs.Standings(ctx, trainer, workers)
		if err != nil {
			t.Fatal(err)
		}
		if kept[other.ID].OfflineHours == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("another instance's write unseen 10 s after the refresh was due: %+v", kept[other.ID])
		}
	}
	same(t, "after the refresh")
}
