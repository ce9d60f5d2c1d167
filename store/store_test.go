package store_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill/store"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestDuplicateInsertIsRecognised(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	c := db.Collection("answers")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "a:1", "v": 1}); err != nil {
		t.Fatal(err)
	}
	_, err := c.InsertOne(ctx, bson.M{"_id": "a:1", "v": 2})
	if !store.IsDuplicate(err) {
		t.Fatalf("second insert with the same id: got %v, want a duplicate-key error", err)
	}
	var got struct{ V int }
	if err := c.FindOne(ctx, bson.M{"_id": "a:1"}).Decode(&got); err != nil || got.V != 1 {
		t.Fatalf("document after refused duplicate: %+v, %v; want the first write kept", got, err)
	}
}

func TestEachTestGetsAnEmptyDatabase(t *testing.T) {
	for i := 0; i < 2; i++ {
		db := storetest.DB(t)
		ctx := storetest.Context(t)
		n, err := db.Collection("answers").CountDocuments(ctx, bson.M{})
		if err != nil || n != 0 {
			t.Fatalf("fresh database holds %d documents (%v)", n, err)
		}
		if _, err := db.Collection("answers").InsertOne(ctx, bson.M{"_id": "x"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEnsureIndexesIsRepeatable(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	s := &store.Store{DB: db, Client: db.Client()}
	ix := []store.Index{{Collection: "users", Model: mongo.IndexModel{Keys: bson.D{{Key: "phone", Value: 1}}}}}
	for i := 0; i < 2; i++ {
		if err := s.EnsureIndexes(ctx, ix); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
}
