package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// LeaseCollection holds one document per named lease.
const LeaseCollection = "leases"

// Leases hands out named leases over one database: a piece of work (a
// running round, a periodic job) that one instance at a time may do. A lease
// is claimed and renewed by a conditional update, so two instances never both
// hold one, and an instance that stopped renewing (killed, paused, cut off)
// loses it once its time runs out. Each change of holder increments the
// lease's epoch: a holder writes it with its state, and a write stamped with
// an older epoch is a former holder's, to be refused.
type Leases struct {
	coll   *mongo.Collection
	holder string
	ttl    time.Duration
	now    func() time.Time
}

// Lease is the state of one lease after a claim.
type Lease struct {
	Name   string
	Holder string
	Until  time.Time
	Epoch  int64
}

// NewLeases returns the leases of db as claimed by holder (this instance's
// name, unique among the instances), each held for ttl past its last claim.
// now is the server's clock.
func NewLeases(db *mongo.Database, holder string, ttl time.Duration, now func() time.Time) *Leases {
	return &Leases{coll: db.Collection(LeaseCollection), holder: holder, ttl: ttl, now: now}
}

// Holder is the name this instance claims leases under.
func (l *Leases) Holder() string { return l.holder }

type leaseDoc struct {
	ID     string    `bson:"_id"`
	Holder string    `bson:"holder"`
	Until  time.Time `bson:"until"`
	Epoch  int64     `bson:"epoch"`
}

func (d leaseDoc) lease() Lease {
	return Lease{Name: d.ID, Holder: d.Holder, Until: d.Until, Epoch: d.Epoch}
}

// Claim takes or renews the lease called name and reports whether this
// instance holds it now. It is held when nobody held it, when its holder let
// it run out (the epoch then moves on), or when this instance held it already
// (renewed, same epoch). Otherwise the returned Lease names the holder and
// until when it holds.
func (l *Leases) Claim(ctx context.Context, name string) (Lease, bool, error) {
	now := l.now().UTC()
	until := now.Add(l.ttl)
	after := options.FindOneAndUpdate().SetReturnDocument(options.After)
	var d leaseDoc
	// Renewal: still ours, even if our time ran out, as long as nobody took it.
	err := l.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: l.holder}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until}}}}, after).Decode(&d)
	if err == nil {
		return d.lease(), true, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return Lease{}, false, fmt.Errorf("renew lease %s: %w", name, err)
	}
	// Takeover of a lease whose holder's time ran out.
	err = l.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: name}, {Key: "until", Value: bson.D{{Key: "$lte", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: l.holder}, {Key: "until", Value: until}}},
			{Key: "$inc", Value: bson.D{{Key: "epoch", Value: 1}}}}, after).Decode(&d)
	if err == nil {
		return d.lease(), true, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return Lease{}, false, fmt.Errorf("take over lease %s: %w", name, err)
	}
	// A lease never held before; a duplicate means another instance got there first.
	d = leaseDoc{ID: name, Holder: l.holder, Until: until, Epoch: 1}
	if _, err := l.coll.InsertOne(ctx, d); err == nil {
		return d.lease(), true, nil
	} else if !IsDuplicate(err) {
		return Lease{}, false, fmt.Errorf("claim lease %s: %w", name, err)
	}
	if err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d); err != nil {
		return Lease{}, false, fmt.Errorf("read lease %s: %w", name, err)
	}
	return d.lease(), d.Holder == l.holder, nil
}

// Release gives the lease up at once, if this instance holds it, so another
// instance need not wait for it to run out (a clean shutdown). The epoch
// stays, so the next holder's moves on.
func (l *Leases) Release(ctx context.Context, name string) error {
	_, err := l.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: l.holder}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: time.Time{}}}}})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}
