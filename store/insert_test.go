package store_test

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill/store"
	"gridskill/store/storetest"
)

func bulkOf(codes ...int) mongo.BulkWriteException {
	var e mongo.BulkWriteException
	for i, c := range codes {
		e.WriteErrors = append(e.WriteErrors, mongo.BulkWriteError{WriteError: mongo.WriteError{Index: i, Code: c, Message: "refused"}})
	}
	return e
}

func TestIsDuplicateOnlyWhenEveryRefusalIsADuplicate(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"EachDuplicateCode", bulkOf(11000, 11001, 12582), true},
		{"OneWriteException", mongo.WriteException{WriteErrors: mongo.WriteErrors{{Code: 11000}}}, true},
		{"ACommandError", mongo.CommandError{Code: 11000}, true},
		{"WrappedBulk", errors.Join(errors.New("insert"), bulkOf(11000)), true},
		{"ADuplicateAndAnotherRefusal", bulkOf(11000, 2), false},
		{"AnotherRefusal", bulkOf(121), false},
		{"AWriteConcernError", mongo.BulkWriteException{WriteErrors: bulkOf(11000).WriteErrors, WriteConcernError: &mongo.WriteConcernError{Code: 64}}, false},
		{"NoWriteErrors", mongo.BulkWriteException{}, false},
		{"NoError", nil, false},
		{"AnotherError", errors.New("connection reset"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.IsDuplicate(tc.err); got != tc.want {
				t.Fatalf("IsDuplicate(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestInsertOnceAnswersARepeatedWriteAsStored(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	c := db.Collection("facts")
	if errs := store.InsertOnce(ctx, c, []any{bson.M{"_id": "a", "v": 1}, bson.M{"_id": "b", "v": 1}}); errs[0] != nil || errs[1] != nil {
		t.Fatalf("first write: %v", errs)
	}
	errs := store.InsertOnce(ctx, c, []any{bson.M{"_id": "a", "v": 2}, bson.M{"_id": "c", "v": 2}})
	if len(errs) != 2 || errs[0] != nil || errs[1] != nil {
		t.Fatalf("a retried write with a new document: %v; want both stored", errs)
	}
	if errs := store.InsertOnce(ctx, c, []any{bson.M{"_id": "b", "v": 3}}); errs[0] != nil {
		t.Fatalf("a retried single write: %v", errs[0])
	}
	// Both engines refuse an array _id, and say so for that document alone.
	errs = store.InsertOnce(ctx, c, []any{bson.M{"_id": "a"}, bson.M{"_id": bson.A{1}}, bson.M{"_id": "d"}})
	if errs[0] != nil || errs[1] == nil || store.IsDuplicate(errs[1]) || errs[2] != nil {
		t.Fatalf("a duplicate, a refused and a new document: %v; want only the refused one reported", errs)
	}
	n, err := c.CountDocuments(ctx, bson.M{})
	var a struct{ V int }
	if err != nil || n != 4 || c.FindOne(ctx, bson.M{"_id": "a"}).Decode(&a) != nil || a.V != 1 {
		t.Fatalf("%d documents (%v), a = %+v; want 4, and the first write of a kept", n, err, a)
	}
}
