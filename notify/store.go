package notify

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill/store"
)

const (
	collNotices = "notices"
	collReads   = "notice_reads"
	collHooks   = "notify_hooks"
	collPosts   = "notify_posts"
)

func bsonKeys(k string) bson.D { return bson.D{{Key: k, Value: 1}} }

type noticeDoc struct {
	ID     string    `bson:"_id"` // user|notice
	Notice string    `bson:"notice"`
	User   string    `bson:"user"`
	Kind   string    `bson:"kind"`
	Text   string    `bson:"text"`
	Args   []string  `bson:"args,omitempty"`
	Link   string    `bson:"link,omitempty"`
	At     time.Time `bson:"at"`
}

func (d noticeDoc) notice() Notice {
	return Notice{ID: d.Notice, UserID: d.User, Kind: d.Kind, Text: d.Text, Args: d.Args, Link: d.Link, At: d.At.UTC()}
}

// readDoc is what a worker cleared: everything up to ClearedAt, and single
// notices after it.
type readDoc struct {
	ID        string    `bson:"_id"`
	ClearedAt time.Time `bson:"clearedAt"`
	Dismissed []string  `bson:"dismissed,omitempty"`
}

type hookDoc struct {
	ID   string `bson:"_id"` // the unit
	Kind string `bson:"kind"`
	URL  string `bson:"url"`
	// Secret signs a DingTalk robot's messages; never shown on a page.
	Secret string    `bson:"secret,omitempty"`
	SetBy  string    `bson:"setBy"`
	SetAt  time.Time `bson:"setAt"`
}

func (s *Service) readAll(ctx context.Context) ([]noticeDoc, []readDoc, error) {
	var docs []noticeDoc
	cur, err := s.db.Collection(collNotices).Find(ctx, bson.M{})
	if err != nil {
		return nil, nil, err
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, nil, err
	}
	var reads []readDoc
	cur, err = s.db.Collection(collReads).Find(ctx, bson.M{})
	if err != nil {
		return nil, nil, err
	}
	err = cur.All(ctx, &reads)
	return docs, reads, err
}

// insert writes the notices in one unordered insert; stored[i] is true when
// the notice is stored, by this call or before it.
func (s *Service) insert(ctx context.Context, ns []Notice) ([]bool, error) {
	docs := make([]any, len(ns))
	for i, n := range ns {
		docs[i] = noticeDoc{ID: n.UserID + "|" + n.ID, Notice: n.ID, User: n.UserID, Kind: n.Kind, Text: n.Text, Args: n.Args, Link: n.Link, At: n.At}
	}
	stored := make([]bool, len(ns))
	var first error
	for i, err := range store.InsertOnce(ctx, s.db.Collection(collNotices), docs) {
		stored[i] = err == nil
		if err != nil && first == nil {
			first = err
		}
	}
	return stored, first
}

func (s *Service) saveRead(ctx context.Context, r readDoc) error {
	_, err := s.db.Collection(collReads).ReplaceOne(ctx, bson.M{"_id": r.ID}, r, options.Replace().SetUpsert(true))
	return err
}

func (s *Service) hooks(ctx context.Context) ([]hookDoc, error) {
	var out []hookDoc
	cur, err := s.db.Collection(collHooks).Find(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	err = cur.All(ctx, &out)
	return out, err
}

func (s *Service) putHook(ctx context.Context, d hookDoc) error {
	_, err := s.db.Collection(collHooks).ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true))
	return err
}

func (s *Service) deleteHook(ctx context.Context, unitID string) error {
	_, err := s.db.Collection(collHooks).DeleteOne(ctx, bson.M{"_id": unitID})
	return err
}

// claimPost records that a robot message went out once; false when it had.
func (s *Service) claimPost(ctx context.Context, id string) (bool, error) {
	_, err := s.db.Collection(collPosts).InsertOne(ctx, bson.M{"_id": id, "at": s.clock.Now().UTC()})
	if store.IsDuplicate(err) {
		return false, nil
	}
	return err == nil, err
}

func (s *Service) unclaimPost(ctx context.Context, id string) {
	_, _ = s.db.Collection(collPosts).DeleteOne(ctx, bson.M{"_id": id})
}
