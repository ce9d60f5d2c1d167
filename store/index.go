package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/mongo"
)

// Index declares one index of one collection. Feature packages list the
// indexes their query shapes need; main creates them all at start. MongoDB
// uses them; the embedded engine accepts and mostly ignores them.
type Index struct {
	Collection string
	Model      mongo.IndexModel
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
	return nil
}

// IsDuplicate reports whether err is a duplicate-key refusal, which the
// idempotent insert paths answer as success.
func IsDuplicate(err error) bool {
	return mongo.IsDuplicateKeyError(err)
}
