package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// IsDuplicate reports whether err only refuses documents whose key is
// already stored, which the idempotent insert paths answer as success: a
// duplicate-key error (the codes MongoDB and FerretDB use, 11000, 11001 and
// 12582), or a write or bulk write exception whose every write error is one
// and that has no write concern error.
func IsDuplicate(err error) bool {
	var bulk mongo.BulkWriteException
	if errors.As(err, &bulk) {
		return bulk.WriteConcernError == nil && onlyDuplicates(bulk.WriteErrors)
	}
	var we mongo.WriteException
	if errors.As(err, &we) {
		return we.WriteConcernError == nil && onlyDuplicates(we.WriteErrors)
	}
	return mongo.IsDuplicateKeyError(err)
}

// onlyDuplicates reports whether there are write errors and each is a duplicate key.
func onlyDuplicates[E error](errs []E) bool {
	for _, err := range errs {
		if !mongo.IsDuplicateKeyError(err) {
			return false
		}
	}
	return len(errs) > 0
}

// InsertOnce writes docs as one unordered insertMany and reports, per
// document, nil when it is stored, by this call or before it (a duplicate
// key), and the error that refused it otherwise. A retried write is thus
// answered as success.
func InsertOnce(ctx context.Context, coll *mongo.Collection, docs []any) []error {
	errs := make([]error, len(docs))
	if len(docs) == 0 {
		return errs
	}
	_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bulk mongo.BulkWriteException
	switch {
	case err == nil || IsDuplicate(err):
	case errors.As(err, &bulk) && bulk.WriteConcernError == nil:
		for _, we := range bulk.WriteErrors {
			if we.Index >= 0 && we.Index < len(errs) && !mongo.IsDuplicateKeyError(we) {
				errs[we.Index] = we
			}
		}
	default:
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}
