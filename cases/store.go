package cases

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
	"gridskill/store"
)

// Collection names.
const (
	casesColl  = "cases"
	guidesColl = "case_guides"
)

// Indexes lists the indexes of the case library's query shapes.
func Indexes() []store.Index {
	return []store.Index{
		store.On(casesColl, bson.D{{Key: "state", Value: 1}, {Key: "unitPath", Value: 1}}),
		store.On(casesColl, bson.D{{Key: "authorId", Value: 1}}),
		store.On(guidesColl, bson.D{{Key: "unitPath", Value: 1}}),
	}
}

type caseDoc struct {
	ID          string    `bson:"_id"`
	Title       string    `bson:"title"`
	Happened    string    `bson:"happened"`
	Handling    string    `bson:"handling"`
	Outcome     string    `bson:"outcome,omitempty"`
	Tags        []string  `bson:"tags"`
	State       string    `bson:"state"`
	AuthorID    string    `bson:"authorId"`
	AuthorName  string    `bson:"authorName"`
	UnitID      string    `bson:"unitId"`
	UnitPath    []string  `bson:"unitPath"`
	Masked      bool      `bson:"masked,omitempty"`
	SubmittedAt time.Time `bson:"submittedAt"`
	PublishedAt time.Time `bson:"publishedAt,omitempty"`
	PublishedBy string    `bson:"publishedBy,omitempty"`
	ScopeID     string    `bson:"scopeId,omitempty"`
}

type guideDoc struct {
	ID        string    `bson:"_id"`
	Title     string    `bson:"title"`
	Intro     string    `bson:"intro,omitempty"`
	CaseIDs   []string  `bson:"caseIds"`
	UnitID    string    `bson:"unitId"`
	UnitPath  []string  `bson:"unitPath"`
	CreatedBy string    `bson:"createdBy"`
	CreatedAt time.Time `bson:"createdAt"`
}

func newCaseDoc(c Case) caseDoc {
	tags := make([]string, len(c.Tags))
	for i, t := range c.Tags {
		tags[i] = string(t)
	}
	return caseDoc{ID: c.ID, Title: c.Title, Happened: c.Happened, Handling: c.Handling, Outcome: c.Outcome, Tags: tags, State: string(c.State),
		AuthorID: c.AuthorID, AuthorName: c.AuthorName, UnitID: c.UnitID, UnitPath: c.UnitPath, Masked: c.Masked, SubmittedAt: c.SubmittedAt,
		PublishedAt: c.PublishedAt, PublishedBy: c.PublishedBy, ScopeID: c.ScopeID}
}

func (d caseDoc) caseOf() Case {
	tags := make([]Tag, len(d.Tags))
	for i, t := range d.Tags {
		tags[i] = Tag(t)
	}
	return Case{ID: d.ID, Title: d.Title, Happened: d.Happened, Handling: d.Handling, Outcome: d.Outcome, Tags: tags, State: State(d.State),
		AuthorID: d.AuthorID, AuthorName: d.AuthorName, UnitID: d.UnitID, UnitPath: d.UnitPath, Masked: d.Masked, SubmittedAt: d.SubmittedAt,
		PublishedAt: d.PublishedAt, PublishedBy: d.PublishedBy, ScopeID: d.ScopeID}
}

type repo struct{ cases, guides *mongo.Collection }

func newRepo(db *mongo.Database) repo {
	return repo{cases: db.Collection(casesColl), guides: db.Collection(guidesColl)}
}

func (r repo) insert(ctx context.Context, coll *mongo.Collection, doc any) error {
	if _, err := coll.InsertOne(ctx, doc); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) caseByID(ctx context.Context, id string) (caseDoc, error) {
	var d caseDoc
	err := r.cases.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, gridskill.Errorf(gridskill.ENOTFOUND, "no such case")
	}
	if err != nil {
		return d, gridskill.Internal(err)
	}
	return d, nil
}

func (r repo) guideByID(ctx context.Context, id string) (guideDoc, error) {
	var d guideDoc
	err := r.guides.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, gridskill.Errorf(gridskill.ENOTFOUND, "no such guide")
	}
	if err != nil {
		return d, gridskill.Internal(err)
	}
	return d, nil
}

func (r repo) casesWhere(ctx context.Context, filter bson.M) ([]caseDoc, error) {
	cur, err := r.cases.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "submittedAt", Value: -1}}).SetLimit(500))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []caseDoc
	if err := cur.All(ctx, &out); err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}

func (r repo) guidesIn(ctx context.Context, unitIDs []string) ([]guideDoc, error) {
	cur, err := r.guides.Find(ctx, bson.M{"unitId": bson.M{"$in": unitIDs}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}).SetLimit(100))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []guideDoc
	if err := cur.All(ctx, &out); err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}
