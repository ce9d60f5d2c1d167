package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Index declares one index of one collection. Feature packages list the
// indexes their query shapes need; main creates them all at start. MongoDB
// uses them; the embedded engine accepts and mostly ignores them.
type Index struct {
	Collection string
	Model      mongo.IndexModel
}

// On declares an index of collection coll over keys.
func On(coll string, keys bson.D) Index {
	return Index{Collection: coll, Model: mongo.IndexModel{Keys: keys}}
}

// Unique returns the index made to refuse two documents with the same keys.
func (ix Index) Unique() Index {
	ix.Model.Options = options.Index().SetUnique(true)
	return ix
}

// EnsureIndexes creates every declared index. Creating an index that exists is a no-op.
func (s *Store) EnsureIndexes(ctx context.Context, indexes ...[]Index) error {
	for _, group := range indexes {
		for _, ix := range group {
			if _, err := s.DB.Collection(ix.Collection).Indexes().CreateOne(ctx, ix.Model); err != nil {
				return fmt.Errorf("create index on %s: %w", ix.Collection, err)
			}
		}
	}
	return s.engine.IndexLookups(ctx)
}
