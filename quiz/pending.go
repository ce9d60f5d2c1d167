package quiz

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
)

// PendingTTL is how long an uploaded bank waits for its uploader's choice
// about duplicates (skip or update) before it must be uploaded again.
const PendingTTL = 30 * time.Minute

const collPending = "quiz_pending_imports"

var pendingPattern = regexp.MustCompile(`^p-[0-9a-f]{32}$`)

type pendingDoc struct {
	ID       string    `bson:"_id"`
	UserID   string    `bson:"userId"`
	Filename string    `bson:"filename"`
	Data     []byte    `bson:"data"`
	At       time.Time `bson:"at"`
}

// KeepUpload keeps an uploaded bank file for its uploader while they choose
// what to do with its duplicate stems, so that the choice does not ask for
// the file again; it returns the key TakeUpload reads it back with. It is
// stored in the database, so the choice may reach any instance.
// Errors: forbidden, internal.
func (s *Service) KeepUpload(ctx context.Context, actor people.User, filename string, data []byte) (string, error) {
	if !isStaff(actor) {
		return "", gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins import questions")
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", gridskill.Internal(err)
	}
	id := "p-" + hex.EncodeToString(b)
	now := s.clock.Now()
	if _, err := s.repo.db.Collection(collPending).InsertOne(ctx, pendingDoc{ID: id, UserID: actor.ID, Filename: filename, Data: data, At: now}); err != nil {
		return "", gridskill.Internal(err)
	}
	// Older uploads of anyone are past use: removed off the request's path.
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = s.repo.db.Collection(collPending).DeleteMany(ctx, bson.M{"at": bson.M{"$lt": now.Add(-PendingTTL)}})
	}()
	return id, nil
}

// TakeUpload returns the file KeepUpload kept for the same actor under key,
// while it is fresh. Errors: invalid (malformed key), not_found (unknown,
// someone else's or expired), internal.
func (s *Service) TakeUpload(ctx context.Context, actor people.User, key string) (filename string, data []byte, err error) {
	if !pendingPattern.MatchString(key) {
		return "", nil, gridskill.Errorf(gridskill.EINVALID, "malformed upload key")
	}
	var d pendingDoc
	err = s.repo.db.Collection(collPending).FindOne(ctx, bson.M{"_id": key}).Decode(&d)
	gone := gridskill.Errorf(gridskill.ENOTFOUND, "the uploaded file is no longer kept; please choose it again")
	switch {
	case err == mongo.ErrNoDocuments:
		return "", nil, gone
	case err != nil:
		return "", nil, gridskill.Internal(err)
	case d.UserID != actor.ID || s.clock.Now().Sub(d.At) > PendingTTL:
		return "", nil, gone
	}
	return d.Filename, d.Data, nil
}
