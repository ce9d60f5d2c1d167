package courses_test

import (
	"go.mongodb.org/mongo-driver/bson"
	"testing"
	"time"

	"gridskill"
	"gridskill/courses"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func (f *fixture) offlineHours(t *testing.T, workerID string) float64 {
	t.Helper()
	rec, err := f.cs.Record(storetest.Context(t), f.user(seed.DistrictAdminID), workerID)
	if err != nil {
		t.Fatal(err)
	}
	return rec.OfflineHours
}

func TestSessionsAreEditedAndDeletedWithATrail(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer := f.user("user-trainer-2")
	in := courses.SessionInput{Topic: "反诈宣传培训", Date: "2026-11-20", Hours: 2, Place: "东湖街道会议室", Trainer: "何海燕"}
	rows := []courses.SignInRow{{Line: 2, Phone: "13900000004"}, {Line: 3, Phone: "13900100001"}}
	s, err := f.cs.RecordSession(ctx, trainer, in, rows)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("DuplicateRefused", func(t *testing.T) {
		if _, err := f.cs.RecordSession(ctx, trainer, in, []courses.SignInRow{rows[1], rows[0]}); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
			t.Fatalf("the same topic, date and sheet again: %v; want conflict", err)
		}
		if h := f.offlineHours(t, seed.WorkerID); h != 2 {
			t.Fatalf("hours %v after a refused duplicate", h)
		}
	})
	t.Run("EditMovesTheHours", func(t *testing.T) {
		next := in
		next.Hours, next.Place = 3.5, "翠苑社区活动室"
		got, err := f.cs.UpdateSession(ctx, trainer, s.ID, next)
		if err != nil || got.Hours != 3.5 {
			t.Fatalf("edit: %+v %v", got, err)
		}
		if h := f.offlineHours(t, seed.WorkerID); h != 3.5 {
			t.Fatalf("hours after the edit %v, want 3.5", h)
		}
		bad := next
		bad.Hours = 30
		if _, err := f.cs.UpdateSession(ctx, trainer, s.ID, bad); gridskill.ErrorCode(err) != gridskill.EINVALID || f.offlineHours(t, seed.WorkerID) != 3.5 {
			t.Fatalf("30 hours: %v", err)
		}
		if _, err := f.cs.UpdateSession(ctx, f.user("user-trainer-3"), s.ID, next); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Fatalf("another street's trainer: %v", err)
		}
	})
	t.Run("DeleteTakesTheHoursBack", func(t *testing.T) {
		if err := f.cs.DeleteSession(ctx, trainer, s.ID, " "); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("no reason: %v", err)
		}
		trail, err := f.cs.SessionAudit(ctx, trainer, s.ID)
		if err != nil || len(trail) != 2 || trail[0].Action != courses.SessionRecorded || trail[1].Action != courses.SessionEdited || trail[1].Note == "" {
			t.Fatalf("trail %+v %v", trail, err)
		}
		if err := f.cs.DeleteSession(ctx, trainer, s.ID, "录错了日期"); err != nil {
			t.Fatal(err)
		}
		if h := f.offlineHours(t, seed.WorkerID); h != 0 {
			t.Fatalf("hours after deleting %v, want 0", h)
		}
		if _, err := f.cs.Session(ctx, trainer, s.ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
			t.Fatalf("the deleted session: %v", err)
		}
	})
}

func TestAnInterruptedSessionEditIsFinishedAtStart(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer := f.user("user-trainer-2")
	in := courses.SessionInput{Topic: "矛盾纠纷调解培训", Date: "2026-11-20", Hours: 2, Place: "东湖街道会议室", Trainer: "何海燕"}
	s, err := f.cs.RecordSession(ctx, trainer, in, []courses.SignInRow{{Line: 2, Phone: "13900000004"}})
	if err != nil {
		t.Fatal(err)
	}
	// An edit to 4 hours that stopped once the session was stored, before
	// any attendee's record was moved.
	sessions := f.db.Collection("offline_sessions")
	if _, err := sessions.UpdateOne(ctx, bson.M{"_id": s.ID}, bson.M{"$set": bson.M{"hours": 4.0, "editing": true}}); err != nil {
		t.Fatal(err)
	}
	if h := f.offlineHours(t, seed.WorkerID); h != 2 {
		t.Fatalf("before the repair: %v hours", h)
	}
	for range 2 { // a repair that is itself repeated changes nothing more
		if err := f.cs.RepairSessions(ctx); err != nil {
			t.Fatal(err)
		}
		if h := f.offlineHours(t, seed.WorkerID); h != 4 {
			t.Fatalf("after the repair: %v hours, want the edited 4 once", h)
		}
	}
	if n, err := sessions.CountDocuments(ctx, bson.M{"editing": true}); err != nil || n != 0 {
		t.Fatalf("%d sessions still marked as being edited (%v)", n, err)
	}
	// An edit that moved every record but stopped before clearing its mark.
	next := in
	next.Hours = 3
	if _, err := f.cs.UpdateSession(ctx, trainer, s.ID, next); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.UpdateOne(ctx, bson.M{"_id": s.ID}, bson.M{"$set": bson.M{"editing": true}}); err != nil {
		t.Fatal(err)
	}
	if err := f.cs.RepairSessions(ctx); err != nil {
		t.Fatal(err)
	}
	if h := f.offlineHours(t, seed.WorkerID); h != 3 {
		t.Fatalf("a repair of a finished edit: %v hours, want 3", h)
	}
}

func TestQRSignInOnTheDay(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer := f.user("user-trainer-2")
	s, err := f.cs.OpenSignIn(ctx, trainer, courses.SessionInput{Topic: "入户走访要点", Hours: 1.5, Place: "东湖街道会议室", Trainer: "何海燕"})
	if err != nil || !s.SignIn || len(s.Attendees) != 0 {
		t.Fatalf("open: %+v %v", s, err)
	}
	key, err := f.cs.SignInKey(ctx, trainer, s.ID)
	if err != nil || key == "" {
		t.Fatalf("key %q %v", key, err)
	}
	worker := f.user(seed.WorkerID)
	if _, _, err := f.cs.SignIn(ctx, worker, s.ID, "forged"); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("a forged key: %v", err)
	}
	if _, _, err := f.cs.SignIn(ctx, f.user("worker-0100"), s.ID, key); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("another street's worker: %v", err)
	}
	f.clock.Advance(10 * time.Minute)
	got, added, err := f.cs.SignIn(ctx, worker, s.ID, key)
	if err != nil || !added || len(got.Attendees) != 1 || !got.Attendees[0].SignedAt.Equal(f.clock.Now()) {
		t.Fatalf("sign in: %+v %v %v", got, added, err)
	}
	if _, added, err := f.cs.SignIn(ctx, worker, s.ID, key); err != nil || added {
		t.Fatalf("signing in twice: added %v, %v", added, err)
	}
	if h := f.offlineHours(t, seed.WorkerID); h != 1.5 {
		t.Fatalf("hours %v, want 1.5 once", h)
	}
	f.clock.Advance(24 * time.Hour)
	if _, _, err := f.cs.SignIn(ctx, f.user("worker-0001"), s.ID, key); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("a sign-in the next day: %v", err)
	}
}
