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
