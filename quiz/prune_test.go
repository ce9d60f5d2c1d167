package quiz_test

import (
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill/store/storetest"
)

// A start prunes the saves of attempts that are no longer open. More saves
// than SQLite binds variables in one statement (32,766) made the start fail.
func TestStartPrunesMoreSavesThanOneDeleteMayHold(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	const n = 33000
	docs := make([]any, 0, 1000)
	for i := range n {
		docs = append(docs, bson.M{"_id": fmt.Sprintf("a-gone%02d:q-x:%d", i%40, i), "attempt": fmt.Sprintf("a-gone%02d", i%40), "question": "q-x", "seq": i})
		if len(docs) == cap(docs) || i == n-1 {
			if _, err := f.db.Collection("answers").InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
				t.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	f.restart(t) // fails the test if Load fails
	left, err := f.db.Collection("answers").CountDocuments(ctx, bson.M{"question": "q-x"})
	if err != nil || left != 0 {
		t.Fatalf("%d saves of finished attempts left after a start (%v); want none", left, err)
	}
}

// PruneAll clears every finished attempt's saves at once, and nothing while
// an attempt is open.
func TestPruneAllDeletesFinishedAttemptsSavesOnlyWhenNoneIsOpen(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Questions[0]
	if _, err := save(t, f.qs, f.worker, p.AttemptID, q.ID, f.rightAnswer(t, q), "", 1); err != nil {
		t.Fatal(err)
	}
	if err := f.qs.PruneAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "answers", bson.M{"attempt": p.AttemptID}); n != 1 {
		t.Fatalf("%d saves of the open attempt after PruneAll; want 1", n)
	}
	if _, err := f.qs.Submit(ctx, f.worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.qs.PruneAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "answers", bson.M{"attempt": p.AttemptID}); n != 0 {
		t.Fatalf("%d saves of the finished attempt after PruneAll; want none", n)
	}
	rv, err := f.qs.Review(ctx, f.worker, p.AttemptID)
	if err != nil || rv.Result.Score != 20 {
		t.Fatalf("review after PruneAll: %+v %v; want the saved answer graded", rv.Result, err)
	}
}
