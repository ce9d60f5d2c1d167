package people

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
)

// ByPhones returns the accounts with the given phone numbers, keyed by
// phone, for matching a training sign-in sheet. Callers check scope.
// Errors: internal.
func (s *Service) ByPhones(ctx context.Context, phones []string) (map[string]User, error) {
	out := map[string]User{}
	if len(phones) == 0 {
		return out, nil
	}
	docs, err := s.repo.usersByPhones(ctx, phones)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	for _, d := range docs {
		out[d.Phone] = d.user()
	}
	return out, nil
}

// Workers returns every active grid worker in the subtree of scopeID, for
// completion reports. Callers check the actor may see that subtree.
// Errors: internal.
func (s *Service) Workers(ctx context.Context, scopeID string) ([]User, error) {
	cur, err := s.repo.users.Find(ctx, bson.M{"unitPath": scopeID, "role": string(Worker), "active": true},
		options.Find().SetProjection(bson.M{"passwordHash": 0}))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]User, len(docs))
	for i, d := range docs {
		out[i] = d.user()
	}
	return out, nil
}
