package people

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
	unitsColl = "units"
	usersColl = "users"
	// pendingColl journals accounts being rewritten by replaceUsers, so a
	// crash half-way loses none of them.
	pendingColl = "users_pending"
	// changesColl records every change to accounts or units, one document
	// with the next number each, so other instances learn of it (changes.go).
	changesColl = "users_changes"
)

// Indexes lists the indexes of the people collections.
func Indexes() []store.Index {
	return []store.Index{
		store.On(usersColl, bson.D{{Key: "phone", Value: 1}}).Unique(),
		store.On(usersColl, bson.D{{Key: "unitPath", Value: 1}, {Key: "name", Value: 1}}),
		store.On(unitsColl, bson.D{{Key: "parentId", Value: 1}}),
	}
}

type unitDoc struct {
	ID       string   `bson:"_id"`
	Name     string   `bson:"name"`
	Kind     string   `bson:"kind"`
	ParentID string   `bson:"parentId,omitempty"`
	Path     []string `bson:"path"`
}

func (d unitDoc) unit() Unit {
	return Unit{ID: d.ID, Name: d.Name, Kind: UnitKind(d.Kind), ParentID: d.ParentID, Path: d.Path}
}

func newUnitDoc(u Unit) unitDoc {
	return unitDoc{ID: u.ID, Name: u.Name, Kind: string(u.Kind), ParentID: u.ParentID, Path: u.Path}
}

type userDoc struct {
	ID                 string   `bson:"_id"`
	Phone              string   `bson:"phone"`
	Name               string   `bson:"name"`
	Role               string   `bson:"role"`
	UnitID             string   `bson:"unitId"`
	UnitPath           []string `bson:"unitPath"`
	EmployeeNo         string   `bson:"employeeNo,omitempty"`
	JoinedOn           string   `bson:"joinedOn,omitempty"`
	Active             bool     `bson:"active"`
	MustChangePassword bool     `bson:"mustChangePassword"`
	TokenVersion       int      `bson:"tokenVersion"`
	PasswordHash       string   `bson:"passwordHash"`
	// Rev grows with every write of the account, so a read that raced a
	// later write never replaces it in memory.
	Rev       int64     `bson:"rev"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func (d userDoc) user() User {
	return User{
		ID: d.ID, Phone: d.Phone, Name: d.Name, Role: Role(d.Role), UnitID: d.UnitID, UnitPath: d.UnitPath,
		EmployeeNo: d.EmployeeNo, JoinedOn: d.JoinedOn, Active: d.Active,
		MustChangePassword: d.MustChangePassword, TokenVersion: d.TokenVersion, CreatedAt: d.CreatedAt,
	}
}

func newUserDoc(u User, hash string, now time.Time) userDoc {
	return userDoc{
		ID: u.ID, Phone: u.Phone, Name: u.Name, Role: string(u.Role), UnitID: u.UnitID, UnitPath: u.UnitPath,
		EmployeeNo: u.EmployeeNo, JoinedOn: u.JoinedOn, Active: u.Active,
		MustChangePassword: u.MustChangePassword, TokenVersion: u.TokenVersion, PasswordHash: hash,
		CreatedAt: now, UpdatedAt: now,
	}
}

// repo is the Mongo storage of units and users.
type repo struct {
	units   *mongo.Collection
	users   *mongo.Collection
	pending *mongo.Collection
	changes *mongo.Collection
}

func newRepo(db *mongo.Database) repo {
	return repo{units: db.Collection(unitsColl), users: db.Collection(usersColl), pending: db.Collection(pendingColl),
		changes: db.Collection(changesColl)}
}

func (r repo) allUnits(ctx context.Context) ([]Unit, error) {
	cur, err := r.units.Find(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	var docs []unitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	units := make([]Unit, len(docs))
	for i, d := range docs {
		units[i] = d.unit()
	}
	return units, nil
}

// setUnit sets fields of a unit.
func (r repo) setUnit(ctx context.Context, id string, set bson.M) error {
	_, err := r.units.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set})
	return err
}

// deleteUnit removes a unit.
func (r repo) deleteUnit(ctx context.Context, id string) error {
	_, err := r.units.DeleteOne(ctx, bson.M{"_id": id})
	return err
}

// insertUnits writes units; ids are deterministic, so a unit already there is fine.
func (r repo) insertUnits(ctx context.Context, units []Unit) error {
	if len(units) == 0 {
		return nil
	}
	docs := make([]any, len(units))
	for i, u := range units {
		docs[i] = newUnitDoc(u)
	}
	_, err := r.units.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !store.IsDuplicate(err) {
		return err
	}
	return nil
}

func (r repo) userByID(ctx context.Context, id string) (userDoc, error) {
	return r.findUser(ctx, bson.M{"_id": id})
}

// allUsers reads every account: one scan, at start or when a change
// touched too many accounts to read them one by one.
func (r repo) allUsers(ctx context.Context) ([]userDoc, error) {
	cur, err := r.users.Find(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	var docs []userDoc
	err = cur.All(ctx, &docs)
	return docs, err
}

func (r repo) findUser(ctx context.Context, filter bson.M) (userDoc, error) {
	var d userDoc
	err := r.users.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// The account may be in the middle of a rewrite, or one cut short by a crash.
		if n, perr := r.pending.CountDocuments(ctx, filter); perr == nil && n > 0 {
			if err := r.repairPending(ctx); err != nil {
				return d, err
			}
			err = r.users.FindOne(ctx, filter).Decode(&d)
		}
	}
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, gridskill.Errorf(gridskill.ENOTFOUND, "no such account")
	}
	return d, err
}

// replaceUsers rewrites many accounts in a few commands, where updating each
// would take one slow command apiece on the embedded engine. The new
// documents are journalled first, then the old ones deleted (only those whose
// token version is still the one read, so a password change or deactivation
// meanwhile is never overwritten), the new ones inserted and the journal
// cleared. A crash between the steps leaves the journal, which repairPending
// replays. It returns the documents that changed meanwhile and were not
// rewritten; the caller updates them one by one.
func (r repo) replaceUsers(ctx context.Context, docs []userDoc) ([]userDoc, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	batch := make([]any, len(docs))
	ids := make(bson.A, len(docs))
	byVersion := map[int]bson.A{}
	for i, d := range docs {
		batch[i] = d
		ids[i] = d.ID
		byVersion[d.TokenVersion] = append(byVersion[d.TokenVersion], d.ID)
	}
	// One clause per token version, not per account: the engine tries each
	// clause on each document, and most accounts share a version.
	guard := bson.A{}
	for v, vids := range byVersion {
		guard = append(guard, bson.M{"tokenVersion": v, "_id": bson.M{"$in": vids}})
	}
	if _, err := r.pending.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false)); err != nil && !store.IsDuplicate(err) {
		return nil, err
	}
	if _, err := r.users.DeleteMany(ctx, bson.M{"$or": guard}); err != nil {
		return nil, err
	}
	var missed []userDoc
	_, err := r.users.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
	if err != nil {
		if !store.IsDuplicate(err) {
			return nil, err
		}
		// A duplicate is an account that was not deleted: it changed meanwhile.
		var bwe mongo.BulkWriteException
		errors.As(err, &bwe)
		for _, we := range bwe.WriteErrors {
			missed = append(missed, docs[we.Index])
		}
	}
	if _, err := r.pending.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
		return nil, err
	}
	return missed, nil
}

// repairPending finishes rewrites cut short: each journalled account missing
// from users is inserted, and the journal cleared.
func (r repo) repairPending(ctx context.Context) error {
	cur, err := r.pending.Find(ctx, bson.M{})
	if err != nil {
		return err
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return err
	}
	if len(docs) == 0 {
		return nil
	}
	if err := r.insertUsers(ctx, docs); err != nil {
		return err
	}
	ids := make(bson.A, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	_, err = r.pending.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}})
	return err
}

func (r repo) usersByPhones(ctx context.Context, phones []string) ([]userDoc, error) {
	cur, err := r.users.Find(ctx, bson.M{"phone": bson.M{"$in": phones}})
	if err != nil {
		return nil, err
	}
	var docs []userDoc
	err = cur.All(ctx, &docs)
	return docs, err
}

func (r repo) insertUsers(ctx context.Context, docs []userDoc) error {
	if len(docs) == 0 {
		return nil
	}
	batch := make([]any, len(docs))
	for i := range docs {
		batch[i] = docs[i]
	}
	_, err := r.users.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
	if err != nil && !store.IsDuplicate(err) {
		return err
	}
	return nil
}

// updateUser sets fields of an account and returns it as written.
func (r repo) updateUser(ctx context.Context, id string, set bson.M) (userDoc, error) {
	return r.modifyUser(ctx, id, bson.M{"$set": set, "$inc": bson.M{"rev": 1}})
}

// bumpTokenVersion sets fields of an account and ends its tokens, and returns
// it as written.
func (r repo) bumpTokenVersion(ctx context.Context, id string, set bson.M) (userDoc, error) {
	return r.modifyUser(ctx, id, bson.M{"$set": set, "$inc": bson.M{"tokenVersion": 1, "rev": 1}})
}

func (r repo) modifyUser(ctx context.Context, id string, update bson.M) (userDoc, error) {
	var d userDoc
	err := r.users.FindOneAndUpdate(ctx, bson.M{"_id": id}, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, gridskill.Errorf(gridskill.ENOTFOUND, "no such account")
	}
	return d, err
}
