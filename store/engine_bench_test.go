package store_test

import (
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/store/storetest"
)

// BenchmarkQueryShapes measures, on whichever engine the tests use, the
// query shapes the data rules in docs/architecture.md are built on: a find
// by _id, a find by another field, a $in of ten ids, and a delete by _id,
// over 2,000 documents shaped like an attempt (a paper of 20 items).
//
//	go test ./store -run NONE -bench QueryShapes -benchtime 30x
func BenchmarkQueryShapes(b *testing.B) {
	db := storetest.DB(b)
	ctx := storetest.Context(b)
	c := db.Collection("shapes")
	const n = 2000
	paper := make(bson.A, 20)
	for i := range paper {
		paper[i] = bson.M{"q": fmt.Sprintf("q-%016x", i), "version": 1, "perm": bson.A{3, 1, 0, 2}, "points": 5.0}
	}
	docs := make([]any, n)
	ids := make([]string, n)
	for i := range docs {
		ids[i] = fmt.Sprintf("doc-%05d", i)
		docs[i] = bson.M{"_id": ids[i], "phone": fmt.Sprintf("1370%07d", i), "paper": paper, "answers": paper}
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	storetest.IndexLookups(b)
	b.Run("FindByID", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := c.FindOne(ctx, bson.M{"_id": ids[i%n]}).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FindByOtherField", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := c.FindOne(ctx, bson.M{"phone": fmt.Sprintf("1370%07d", i%n)}).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FindInTen", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			cur, err := c.Find(ctx, bson.M{"_id": bson.M{"$in": ids[(i*10)%n : (i*10)%n+10]}})
			if err != nil {
				b.Fatal(err)
			}
			var out []bson.M
			if err := cur.All(ctx, &out); err != nil || len(out) != 10 {
				b.Fatalf("%d found (%v)", len(out), err)
			}
		}
	})
	b.Run("DeleteByID", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := c.DeleteOne(ctx, bson.M{"_id": ids[i%n]}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
