package quiz_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/store/storetest"
)

func (f *fixture) count(t *testing.T, coll string, filter bson.M) int64 {
	t.Helper()
	n, err := f.db.Collection(coll).CountDocuments(storetest.Context(t), filter)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A submit stores the finished attempt and answers; the wrong-answer book,
// certification and removing the open attempt come after. A crash before
// them leaves the open attempt beside its finished twin: the next start
// takes it as finished, replays the book and certification once, and removes
// it; the first process's late follow-up changes nothing.
func TestFinishStoresTheResultFirstAndAStartReplaysWhatFollowsOnce(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	release := make(chan struct{})
	quiz.HoldOutcomes(f.qs, release) // the "crash" comes before the follow-ups
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := legacySave(f.qs, ctx, f.worker, p.AttemptID, p.Questions[0].ID, []byte(f.rightAnswer(t, p.Questions[0])), 1); err != nil {
		t.Fatal(err)
	}
	r, err := f.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil || r.Score != 20 {
		t.Fatalf("submit: %+v, %v; want 20 points", r, err)
	}
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d finished attempts stored when the submit answered; want 1", n)
	}
	if n := f.count(t, "attempts_open", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d open documents before the follow-ups; want the open one kept until they are done", n)
	}
	if n := f.count(t, "quiz_learners", bson.M{"_id": f.worker.ID}); n != 0 {
		t.Fatalf("the wrong-answer book was written on the submit's path")
	}

	var certified atomic.Int64
	qs2 := quiz.NewService(f.db, f.ps, f.clock, nil)
	qs2.Finished = func(ctx context.Context, r quiz.AttemptResult) { certified.Add(1) }
	if err := qs2.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, open := qs2.OpenAttempt(f.worker, e.ID); open {
		t.Fatal("after the restart the submitted attempt is open again")
	}
	if rs := qs2.Results(f.worker, e.ID); len(rs) != 1 || rs[0].Score != 20 {
		t.Fatalf("results after the restart %+v; want the one graded attempt", rs)
	}
	if err := qs2.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "attempts_open", bson.M{}); n != 0 {
		t.Fatalf("%d open documents after the replay; want none", n)
	}
	if certified.Load() != 1 {
		t.Fatalf("certification heard of the replayed attempt %d times; want 1", certified.Load())
	}
	book := func(qs *quiz.Service) {
		t.Helper()
		entries, err := qs.WrongBook(ctx, f.worker)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 4 {
			t.Fatalf("wrong-answer book holds %d questions; want the 4 missed", len(entries))
		}
		for _, w := range entries {
			if w.Misses != 1 {
				t.Fatalf("question %s missed %d times in the book; want 1 (the attempt counted once)", w.Question.ID, w.Misses)
			}
		}
	}
	book(qs2)
	close(release) // the first process's follow-up, late
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	book(qs2)
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d finished documents for one attempt; want 1", n)
	}
}

// With the finishing queue full, a submit is refused at once as unavailable
// with a time to retry, writes nothing and leaves the attempt open for saves;
// the retry submits it with every answer.
func TestSubmitIsRefusedWhenTheFinishQueueIsFullAndTheRetrySubmits(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	third, err := f.ps.User(ctx, "worker-0003")
	if err != nil {
		t.Fatal(err)
	}
	quiz.SetFinishQueue(f.qs, 1)
	release := make(chan struct{})
	entered := quiz.HoldFinishWrites(f.qs, release)
	papers := map[string]quiz.Paper{}
	for _, w := range []people.User{f.worker, f.other, third} {
		p, _, err := f.qs.Start(ctx, w, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		papers[w.ID] = p
	}
	results := make(chan error, 2)
	submit := func(w people.User) {
		_, err := f.qs.Submit(ctx, w, papers[w.ID].AttemptID)
		results <- err
	}
	go submit(f.worker)
	<-entered // the first write is at the database, held
	go submit(f.other)
	for quiz.FinishesWaiting(f.qs) != 1 {
		time.Sleep(time.Millisecond) // the second waits in the queue, which is now full
	}

	p := papers[third.ID]
	_, err = f.qs.Submit(ctx, third, p.AttemptID)
	if gridskill.ErrorCode(err) != gridskill.EUNAVAILABLE {
		t.Fatalf("submit with the queue full: %v; want unavailable", err)
	}
	if after, ok := quiz.RetryAfter(err); !ok || after < time.Second {
		t.Fatalf("retry after %v (%v); want at least a second", after, ok)
	}
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 0 {
		t.Fatal("a refused submit wrote its finished attempt")
	}
	if _, err := legacySave(f.qs, ctx, third, p.AttemptID, p.Questions[0].ID, []byte(f.rightAnswer(t, p.Questions[0])), 1); err != nil {
		t.Fatalf("saving after a refused submit: %v; want the attempt still open", err)
	}
	close(release)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatalf("queued submit: %v", err)
		}
	}
	r, err := f.qs.Submit(ctx, third, p.AttemptID)
	if err != nil || r.Score != 20 {
		t.Fatalf("retried submit: %+v, %v; want it graded with the answer saved after the refusal", r, err)
	}
}

// A window's close of many attempts is written in one batched insert and
// its open documents removed in a few batched deletes, not one write and
// one delete per attempt.
func TestSweepAtWindowCloseWritesInBatches(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.ClosesAt = t0.Add(5 * time.Minute) })
	var workers []people.User
	for i := 2; i <= 100; i++ {
		w, err := f.ps.User(ctx, fmt.Sprintf("worker-%04d", i))
		if err != nil {
			break
		}
		p, _, err := f.qs.Start(ctx, w, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := legacySave(f.qs, ctx, w, p.AttemptID, p.Questions[0].ID, []byte(f.rightAnswer(t, p.Questions[0])), 1); err != nil {
			t.Fatal(err)
		}
		workers = append(workers, w)
	}
	if len(workers) < 60 {
		t.Fatalf("only %d demo workers", len(workers))
	}
	f.clock.Advance(5 * time.Minute)
	if n := f.qs.Sweep(ctx); n != len(workers) {
		t.Fatalf("the sweep stored %d attempts; want %d", n, len(workers))
	}
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	finished, removed := quiz.WriteBatches(f.qs)
	// Removals gather for seconds while the follow-ups run, so a slow machine
	// may take a few; never one per attempt.
	if finished != 1 || removed < 1 || removed > len(workers)/10 {
		t.Fatalf("%d inserts and %d deletes for %d attempts; want 1 insert and a few deletes", finished, removed, len(workers))
	}
	for _, w := range workers {
		if rs := f.qs.Results(w, e.ID); len(rs) != 1 || rs[0].Score != 20 || rs[0].Reason != "deadline" {
			t.Fatalf("%s: results %+v; want one at the deadline with 20 points", w.ID, rs)
		}
	}
	if n := f.count(t, "attempts_open", bson.M{}); n != 0 {
		t.Fatalf("%d open documents left; want none", n)
	}
	if n := f.count(t, "attempts", bson.M{}); n != int64(len(workers)) {
		t.Fatalf("%d finished documents; want %d", n, len(workers))
	}
}

// A start marks its paper's questions used at once in memory and, off its
// path, in the database; a restart before that write marks them again from
// the stored paper, so an edit still makes a new version.
func TestStartMarksThePapersQuestionsUsedAcrossARestart(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 3, nil)
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, pq := range p.Questions {
		ids = append(ids, pq.ID)
	}
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	// As after a crash before the write: the database does not know yet.
	if _, err := f.db.Collection("questions").UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}}, bson.M{"$set": bson.M{"used": false}}); err != nil {
		t.Fatal(err)
	}
	qs2 := f.restart(t)
	for _, id := range ids {
		q, err := qs2.Question(ctx, f.trainer, id)
		if err != nil || !q.Used {
			t.Fatalf("question %s after a restart: used=%v (%v); want used, from the stored paper", id, q.Used, err)
		}
	}
	if err := qs2.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "questions", bson.M{"_id": bson.M{"$in": ids}, "used": true}); n != int64(len(ids)) {
		t.Fatalf("%d of %d paper questions marked used in the database; want all", n, len(ids))
	}
}

// A start reads the finished attempts' small summaries, not the attempts
// themselves. A database written before the summaries existed gets them
// once, so that attempts used still count after the upgrade.
func TestLoadWritesMissingSummariesOnceAndCountsAttemptsUsed(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.MaxAttempts = 1 })
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "attempt_results", bson.M{"_id": p.AttemptID, "exam": e.ID, "score": res.Score}); n != 1 {
		t.Fatalf("%d summaries of the finished attempt; want 1", n)
	}
	// As before the summaries existed.
	for _, c := range []string{"attempt_results", "quiz_meta"} {
		if _, err := f.db.Collection(c).DeleteMany(ctx, bson.M{}); err != nil {
			t.Fatal(err)
		}
	}
	qs := f.restart(t)
	if n := f.count(t, "attempt_results", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d summaries after the start; want the missing one written", n)
	}
	if got := qs.Results(f.worker, e.ID); len(got) != 1 || got[0] != res {
		t.Fatalf("results after the start: %+v; want %+v", got, res)
	}
	if _, _, err := qs.Start(ctx, f.worker, e.ID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a second start at a one-attempt exam after the upgrade: %v; want conflict", err)
	}
	// Written once: a later start does not read the finished attempts again.
	if _, err := f.db.Collection("attempt_results").DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	f.restart(t)
	if n := f.count(t, "attempt_results", bson.M{}); n != 0 {
		t.Fatalf("%d summaries written by a second start; want the backfill done once", n)
	}
}
