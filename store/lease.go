package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	run    string
	addr   string
	ttl    time.Duration
	now    func() time.Time
}

// Lease is the state of one lease after a claim.
type Lease struct {
	Name   string
	Holder string
	// Addr is where the holder serves (its advertised address), if it said.
	Addr  string
	Until time.Time
	Epoch int64
	run   string
}

// NewLeases returns the leases of db as claimed by holder (this instance's
// name, unique among the instances), each held for ttl past its last claim.
// now is the server's clock.
//
// Each Leases is one run of the instance: a lease is stamped with a random
// run id besides the holder's name, so a restarted instance does not take
// its predecessor's leases as its own (it waits for them to run out, like
// any other instance), and neither does a second process started by mistake
// under the same name.
func NewLeases(db *mongo.Database, holder string, ttl time.Duration, now func() time.Time) *Leases {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Leases{coll: db.Collection(LeaseCollection), holder: holder, run: hex.EncodeToString(b), ttl: ttl, now: now}
}

// Advertise makes every lease this instance claims from now on name addr,
// the address other instances reach it at. Call it before the first claim.
func (l *Leases) Advertise(addr string) { l.addr = addr }

// Holder is the name this instance claims leases under.
func (l *Leases) Holder() string { return l.holder }

type leaseDoc struct {
	ID     string    `bson:"_id"`
	Holder string    `bson:"holder"`
	Run    string    `bson:"run"`
	Addr   string    `bson:"addr,omitempty"`
	Until  time.Time `bson:"until"`
	Epoch  int64     `bson:"epoch"`
}

func (d leaseDoc) lease() Lease {
	return Lease{Name: d.ID, Holder: d.Holder, Addr: d.Addr, Until: d.Until.UTC(), Epoch: d.Epoch, run: d.Run}
}

// mine selects the lease called name when this run holds it.
func (l *Leases) mine(name string) bson.D {
	return bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: l.holder}, {Key: "run", Value: l.run}}
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
	err := l.coll.FindOneAndUpdate(ctx, l.mine(name),
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until}}}}, after).Decode(&d)
	if err == nil {
		return d.lease(), true, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return Lease{}, false, fmt.Errorf("renew lease %s: %w", name, err)
	}
	// Takeover of a lease whose holder's time ran out.
	err = l.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: name}, {Key: "until", Value: bson.D{{Key: "$lte", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: l.holder}, {Key: "run", Value: l.run}, {Key: "addr", Value: l.addr}, {Key: "until", Value: until}}},
			{Key: "$inc", Value: bson.D{{Key: "epoch", Value: 1}}}}, after).Decode(&d)
	if err == nil {
		return d.lease(), true, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return Lease{}, false, fmt.Errorf("take over lease %s: %w", name, err)
	}
	// A lease never held before; a duplicate means another instance got there first.
	d = leaseDoc{ID: name, Holder: l.holder, Run: l.run, Addr: l.addr, Until: until, Epoch: 1}
	if _, err := l.coll.InsertOne(ctx, d); err == nil {
		return d.lease(), true, nil
	} else if !IsDuplicate(err) {
		return Lease{}, false, fmt.Errorf("claim lease %s: %w", name, err)
	}
	if err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d); err != nil {
		return Lease{}, false, fmt.Errorf("read lease %s: %w", name, err)
	}
	return d.lease(), d.Holder == l.holder && d.Run == l.run, nil
}

// Release gives the lease up at once, if this instance holds it, so another
// instance need not wait for it to run out (a clean shutdown). The epoch
// stays, so the next holder's moves on.
func (l *Leases) Release(ctx context.Context, name string) error {
	_, err := l.coll.UpdateOne(ctx, l.mine(name),
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: time.Time{}}}}})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}

// Forget deletes the lease called name, if this instance holds it: for a
// lease claimed for something that turned out not to exist (a mistyped id
// in an address), so such claims leave nothing behind.
func (l *Leases) Forget(ctx context.Context, name string) error {
	if _, err := l.coll.DeleteOne(ctx, l.mine(name)); err != nil {
		return fmt.Errorf("forget lease %s: %w", name, err)
	}
	return nil
}

// ReleaseAll gives up every lease this instance holds, with one update: a
// clean shutdown hands its work over at once.
func (l *Leases) ReleaseAll(ctx context.Context) error {
	_, err := l.coll.UpdateMany(ctx, bson.D{{Key: "holder", Value: l.holder}, {Key: "run", Value: l.run}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: time.Time{}}}}})
	if err != nil {
		return fmt.Errorf("release leases: %w", err)
	}
	return nil
}

// RenewAll extends, with one update, each lease of held (name → epoch)
// that this instance still holds at that epoch, to ttl from now, and
// returns that time. It does not say which were renewed: All does, read
// after it. One update for all of them, rather than one apiece, keeps the
// cost of holding many leases (one per exam and per round) flat.
func (l *Leases) RenewAll(ctx context.Context, held map[string]int64) (time.Time, error) {
	until := l.now().UTC().Add(l.ttl)
	if len(held) == 0 {
		return until, nil
	}
	which := make(bson.A, 0, len(held))
	for name, epoch := range held {
		which = append(which, bson.D{{Key: "_id", Value: name}, {Key: "epoch", Value: epoch}})
	}
	_, err := l.coll.UpdateMany(ctx, bson.D{{Key: "holder", Value: l.holder}, {Key: "run", Value: l.run}, {Key: "$or", Value: which}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until}}}})
	if err != nil {
		return until, fmt.Errorf("renew leases: %w", err)
	}
	return until, nil
}

// All reads every lease with one scan (the collection holds a document per
// exam, round, instance and job in use: small).
func (l *Leases) All(ctx context.Context) ([]Lease, error) {
	cur, err := l.coll.Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("read leases: %w", err)
	}
	var docs []leaseDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read leases: %w", err)
	}
	out := make([]Lease, len(docs))
	for i, d := range docs {
		out[i] = d.lease()
	}
	return out, nil
}

// Mine reports whether lease, as read by All, is held by this run.
func (l *Leases) Mine(lease Lease) bool { return lease.Holder == l.holder && lease.run == l.run }
