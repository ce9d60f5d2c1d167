package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// VersionCollection holds the change counters of Versions, all in one
// document, so that a poll of every counter is one read by _id.
const VersionCollection = "versions"

const versionDoc = "versions"

// Versions tells instances over one database that another one changed
// something they keep in memory (the exams and question bank, contests,
// notices): the writer bumps the thing's counter after its write, and every
// instance polls the counters and reloads what moved. It suits things that
// change at the pace of people editing them; accounts, which every request
// reads, have their own change feed (people/changes.go).
//
// An instance does not reload for its own bumps, which it already holds in
// memory, unless another instance's bump came between them.
type Versions struct {
	coll *mongo.Collection

	mu   sync.Mutex
	seen map[string]int64          // the counter as last acted on
	own  map[string]map[int64]bool // numbers this instance's bumps produced, not yet seen
}

// NewVersions returns the change counters of db.
func NewVersions(db *mongo.Database) *Versions {
	return &Versions{coll: db.Collection(VersionCollection), seen: map[string]int64{}, own: map[string]map[int64]bool{}}
}

// Bump records that name changed. Call it after the change is written.
func (v *Versions) Bump(ctx context.Context, name string) error {
	var d bson.M
	err := v.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: versionDoc}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: name, Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return fmt.Errorf("bump version %s: %w", name, err)
	}
	n := asInt64(d[name])
	v.mu.Lock()
	if v.own[name] == nil {
		v.own[name] = map[int64]bool{}
	}
	v.own[name][n] = true
	v.mu.Unlock()
	return nil
}

// counters reads every counter.
func (v *Versions) counters(ctx context.Context) (map[string]int64, error) {
	var d bson.M
	err := v.coll.FindOne(ctx, bson.D{{Key: "_id", Value: versionDoc}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return map[string]int64{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read versions: %w", err)
	}
	out := map[string]int64{}
	for k, x := range d {
		if k != "_id" {
			out[k] = asInt64(x)
		}
	}
	return out, nil
}

// Check reads the counters once and calls the reload of each name that
// another instance changed since the last check. The first check only
// records where the counters stand: the caller loaded everything before.
// A reload that fails is tried again at the next check.
func (v *Versions) Check(ctx context.Context, reloads map[string]func(context.Context) error) error {
	now, err := v.counters(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for name, reload := range reloads {
		n := now[name]
		v.mu.Lock()
		seen, known := v.seen[name]
		moved := known && n != seen && !v.onlyOwn(name, seen, n)
		if !moved {
			v.seen[name] = n
			v.forget(name, n)
		}
		v.mu.Unlock()
		if !moved {
			continue
		}
		if err := reload(ctx); err != nil {
			errs = append(errs, fmt.Errorf("reload %s: %w", name, err))
			continue
		}
		v.mu.Lock()
		v.seen[name] = n
		v.forget(name, n)
		v.mu.Unlock()
	}
	return errors.Join(errs...)
}

// onlyOwn reports whether every change after seen up to n was this
// instance's own bump. Under v.mu.
func (v *Versions) onlyOwn(name string, seen, n int64) bool {
	if n < seen {
		return false // the counters were reset: reload
	}
	for i := seen + 1; i <= n; i++ {
		if !v.own[name][i] {
			return false
		}
	}
	return true
}

// forget drops the own numbers up to n. Under v.mu.
func (v *Versions) forget(name string, n int64) {
	for i := range v.own[name] {
		if i <= n {
			delete(v.own[name], i)
		}
	}
}

// Watch checks the counters every interval until ctx ends. The interval
// paces polling only; nothing is decided by it, so it runs on real time.
func (v *Versions) Watch(ctx context.Context, every time.Duration, reloads map[string]func(context.Context) error, log *slog.Logger) {
	if err := v.Check(ctx, reloads); err != nil && log != nil {
		log.Error("watch versions", "err", err)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			cctx, cancel := context.WithTimeout(ctx, every*5)
			if err := v.Check(cctx, reloads); err != nil && log != nil && ctx.Err() == nil {
				log.Error("watch versions", "err", err)
			}
			cancel()
		}
	}
}

func asInt64(x any) int64 {
	switch n := x.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}
