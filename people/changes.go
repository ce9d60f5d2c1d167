package people

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
)

// The change feed tells every instance of the accounts and units another
// instance changed, with no change streams (the embedded engine has none)
// and no scan on the way: each change inserts a record numbered one past
// the last (users_changes, _id 1, 2, 3, ...), and each instance reads the
// record after the last it saw, by _id, until there is none. A writer takes
// the next number by inserting it (a duplicate means another instance took
// it: try the next), so a number is only ever seen once its record exists,
// and the records before it exist too: nothing is skipped.
const (
	// PollInterval is how often Start reads the change feed: another
	// instance's logout, password change, deactivation or roster change is
	// seen here within about this long.
	PollInterval = time.Second
	// changeKeep is how long change records are kept. An instance whose last
	// poll is older than half of it may have missed pruned records, and
	// reloads everything instead (allowing clocks to differ by as much).
	changeKeep = 10 * time.Minute
	// readOneByOne is how many changed accounts are read by _id; more are
	// read with one scan of the collection.
	readOneByOne = 64
	// changeListMax is how many account ids a change record lists; a change
	// of more says "all".
	changeListMax = 1000
	// maxPrune is how many change records one prune deletes at most.
	maxPrune = 200
)

// changeDoc is one change record: the accounts (or all of them) and whether
// the units changed.
type changeDoc struct {
	ID       int64     `bson:"_id"`
	Accounts []string  `bson:"accounts,omitempty"`
	All      bool      `bson:"all,omitempty"`
	Units    bool      `bson:"units,omitempty"`
	At       time.Time `bson:"at"`
}

func (r repo) change(ctx context.Context, id int64) (changeDoc, bool, error) {
	var d changeDoc
	err := r.changes.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	return d, err == nil, err
}

// lastChange returns the number of the latest change record, 0 when none.
func (r repo) lastChange(ctx context.Context) (int64, error) {
	return r.endChange(ctx, -1)
}

// firstChange returns the number of the oldest change record, 0 when none.
func (r repo) firstChange(ctx context.Context) (int64, error) {
	return r.endChange(ctx, 1)
}

func (r repo) endChange(ctx context.Context, order int) (int64, error) {
	var d changeDoc
	err := r.changes.FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: order}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return d.ID, err
}

// insertChange writes d under its number; false when the number is taken.
func (r repo) insertChange(ctx context.Context, d changeDoc) (bool, error) {
	_, err := r.changes.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	return err == nil, err
}

// pruneChanges deletes up to maxPrune records older than before, always
// keeping the latest (below) so that numbering goes on from it, and returns
// how many it deleted. A delete holds the embedded engine's writer for a
// time that grows with what it removes, so each removes a bounded range.
func (r repo) pruneChanges(ctx context.Context, before time.Time, below int64) (int64, error) {
	first, err := r.firstChange(ctx)
	if err != nil || first == 0 {
		return 0, err
	}
	res, err := r.changes.DeleteMany(ctx, bson.M{"at": bson.M{"$lt": before}, "_id": bson.M{"$lt": min(below, first+maxPrune)}})
	if err != nil {
		return 0, err
	}
	return res.DeletedCount, nil
}

// feed is this instance's place in the change feed. seen, wrote and own are
// guarded by Service.announceMu, the times by Service.pollMu.
type feed struct {
	seen     int64          // the last record applied
	wrote    int64          // the last record this instance wrote
	own      map[int64]bool // records this instance wrote and has applied
	unsent   []changeDoc    // changes whose record could not be written yet
	polledAt time.Time      // when the last poll that succeeded began
	prunedAt time.Time      // when this instance last pruned the records
	// pruneByJob leaves pruning to PruneChanges, which a job runs on one
	// instance: set by PruneByJob, before Start.
	pruneByJob bool
}

// Load reads every account and unit into memory, with one scan each, unless
// they are held already. Main calls it at start; the first use does it
// otherwise. Errors: internal.
func (s *Service) Load(ctx context.Context) error {
	if s.loaded.Load() {
		return nil
	}
	s.pollMu.Lock()
	defer s.pollMu.Unlock()
	if s.loaded.Load() {
		return nil
	}
	return s.reload(ctx)
}

// reload reads everything and takes up the feed from the latest record, which
// it reads first: a change recorded meanwhile is read again, which is harmless.
// The caller holds pollMu.
func (s *Service) reload(ctx context.Context) error {
	started := s.clock.Now()
	last, err := s.repo.lastChange(ctx)
	if err != nil {
		return gridskill.Internal(err)
	}
	// Finish a rewrite a crash cut short, so that every account is read.
	if err := s.repo.repairPending(ctx); err != nil {
		return gridskill.Internal(err)
	}
	if err := s.loadTree(ctx); err != nil {
		return err
	}
	if err := s.loadAccounts(ctx); err != nil {
		return err
	}
	s.announceMu.Lock()
	s.feed.seen = max(s.feed.seen, last)
	for id := range s.feed.own {
		if id <= s.feed.seen {
			delete(s.feed.own, id)
		}
	}
	s.announceMu.Unlock()
	s.feed.polledAt = started
	s.loaded.Store(true)
	return nil
}

func (s *Service) loadAccounts(ctx context.Context) error {
	docs, err := s.repo.allUsers(ctx)
	if err != nil {
		return gridskill.Internal(err)
	}
	s.dir.put(docs...)
	return nil
}

// Start reads the change feed every interval on the service's clock, from
// now until ctx ends, and returns at once. Each poll sets the timer of the
// next, so polls never overlap; with a fake clock, moving it past the
// interval runs a poll before the move returns.
func (s *Service) Start(ctx context.Context, every time.Duration, log *slog.Logger) {
	var mu sync.Mutex
	var timer gridskill.Timer
	var tick func()
	next := func() {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() == nil {
			timer = s.clock.AfterFunc(every, tick)
		}
	}
	tick = func() {
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := s.Poll(pctx); err != nil && ctx.Err() == nil {
			log.Error("read account changes", "err", err)
		}
		cancel()
		next()
	}
	next()
	context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer.Stop()
	})
}

// Poll applies the changes other instances recorded since the last poll:
// each changed account is read again (by _id, or all with one scan when many
// changed), and the org tree when units changed. Errors: internal.
func (s *Service) Poll(ctx context.Context) error {
	if err := s.Load(ctx); err != nil {
		return err
	}
	s.pollMu.Lock()
	defer s.pollMu.Unlock()
	if err := s.flushUnsent(ctx); err != nil {
		return err
	}
	started := s.clock.Now()
	if started.Sub(s.feed.polledAt) > changeKeep/2 {
		return s.reload(ctx)
	}
	s.announceMu.Lock()
	seen := s.feed.seen
	s.announceMu.Unlock()
	var ids []string
	var all, units bool
	next := seen
	for {
		if s.ownChange(next + 1) {
			// This instance wrote it and applied it already: reading it back
			// would cost a scan per record on the embedded engine (2,000
			// password changes took a poll past its 30 s limit).
			next++
			continue
		}
		c, ok, err := s.repo.change(ctx, next+1)
		if err != nil {
			return gridskill.Internal(err)
		}
		if !ok {
			break
		}
		next = c.ID
		if s.ownChange(c.ID) {
			continue
		}
		ids = append(ids, c.Accounts...)
		all, units = all || c.All, units || c.Units
	}
	if err := s.apply(ctx, ids, all, units); err != nil {
		return err
	}
	s.announceMu.Lock()
	s.feed.seen = max(s.feed.seen, next)
	s.announceMu.Unlock()
	s.feed.polledAt = started
	if s.feed.pruneByJob {
		return nil
	}
	return s.prune(ctx, started, next)
}

// PruneByJob makes polls leave the change records alone: with several
// instances, PruneChanges runs under a job lease on one of them instead of
// every instance deleting the same records each minute. Call it before Start.
func (s *Service) PruneByJob() {
	s.pollMu.Lock()
	defer s.pollMu.Unlock()
	s.feed.pruneByJob = true
}

// PruneChanges deletes old change records as a poll would (about once a
// minute, more often while a backlog remains), always keeping the last one
// this instance read. Errors: internal.
func (s *Service) PruneChanges(ctx context.Context) error {
	s.announceMu.Lock()
	below := s.feed.seen
	s.announceMu.Unlock()
	s.pollMu.Lock()
	defer s.pollMu.Unlock()
	return s.prune(ctx, s.clock.Now(), below)
}

// ownChange reports whether this instance wrote record id and applied it
// already, and forgets it: the feed has passed it.
func (s *Service) ownChange(id int64) bool {
	s.announceMu.Lock()
	defer s.announceMu.Unlock()
	own := s.feed.own[id]
	delete(s.feed.own, id)
	return own
}

// apply reads changed accounts and units again.
func (s *Service) apply(ctx context.Context, ids []string, all, units bool) error {
	if units {
		if err := s.loadTree(ctx); err != nil {
			return err
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if all || len(ids) > readOneByOne {
		return s.loadAccounts(ctx)
	}
	return s.refresh(ctx, ids)
}

// refresh reads accounts again by _id. One that is gone is dropped, so a
// later read finds out.
func (s *Service) refresh(ctx context.Context, ids []string) error {
	for _, id := range ids {
		d, err := s.repo.userByID(ctx, id)
		switch {
		case gridskill.ErrorCode(err) == gridskill.ENOTFOUND:
			s.dir.forget(id)
		case err != nil:
			return gridskill.Internal(err)
		default:
			s.dir.put(d)
		}
	}
	return nil
}

// prune deletes old change records about once a minute, and at every poll
// while a backlog remains.
func (s *Service) prune(ctx context.Context, now time.Time, below int64) error {
	if now.Sub(s.feed.prunedAt) < time.Minute {
		return nil
	}
	n, err := s.repo.pruneChanges(ctx, now.Add(-changeKeep), below)
	if err != nil {
		return gridskill.Internal(err)
	}
	if n < maxPrune {
		s.feed.prunedAt = now
	}
	return nil
}

// announce records a change for the other instances. applied says this
// instance's memory holds it already, so its own poll skips the record.
func (s *Service) announce(ctx context.Context, c changeDoc, applied bool) error {
	if len(c.Accounts) > changeListMax {
		c.Accounts, c.All = nil, true
	}
	s.announceMu.Lock()
	defer s.announceMu.Unlock()
	next := max(s.feed.seen, s.feed.wrote) + 1
	for tries := 0; ; tries++ {
		if tries == 8 {
			// Far behind the other instances: find the end once.
			last, err := s.repo.lastChange(ctx)
			if err != nil {
				return gridskill.Internal(err)
			}
			next = last + 1
		}
		c.ID, c.At = next, s.clock.Now()
		ok, err := s.repo.insertChange(ctx, c)
		if err != nil {
			return gridskill.Internal(err)
		}
		if ok {
			break
		}
		next++
	}
	s.feed.wrote = c.ID
	if applied {
		if s.feed.own == nil || len(s.feed.own) > 10_000 {
			// Nobody polls (a command that only seeds): reading them
			// again would be harmless anyway.
			s.feed.own = map[int64]bool{}
		}
		s.feed.own[c.ID] = true
	}
	return nil
}

// changed brings this instance's memory up to date with what it has just
// written (written: accounts as written; readIDs: accounts to read again;
// units: the org tree), and records the change for the other instances. The
// write is done, so nothing here fails the request: what cannot be read
// again is read from the database on its next use, and a record that cannot
// be written is written by the next poll. It goes on when the request has
// given up waiting.
func (s *Service) changed(ctx context.Context, written []userDoc, readIDs []string, units bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	applied := true
	if units {
		if err := s.loadTree(ctx); err != nil {
			s.forgetTree()
			applied = false
		}
	}
	s.dir.put(written...)
	ids := make([]string, 0, len(written)+len(readIDs))
	for _, d := range written {
		ids = append(ids, d.ID)
	}
	if len(readIDs) > 0 {
		ids = append(ids, readIDs...)
		var err error
		if len(readIDs) > readOneByOne {
			err = s.loadAccounts(ctx)
		} else {
			err = s.refresh(ctx, readIDs)
		}
		if err != nil {
			for _, id := range readIDs {
				s.dir.forget(id)
			}
			applied = false
		}
	}
	c := changeDoc{Accounts: ids, Units: units}
	if err := s.announce(ctx, c, applied); err != nil {
		s.announceMu.Lock()
		s.feed.unsent = append(s.feed.unsent, c)
		s.announceMu.Unlock()
	}
}

// flushUnsent writes the change records that could not be written when the
// change was made.
func (s *Service) flushUnsent(ctx context.Context) error {
	s.announceMu.Lock()
	unsent := s.feed.unsent
	s.feed.unsent = nil
	s.announceMu.Unlock()
	for i, c := range unsent {
		if err := s.announce(ctx, c, false); err != nil {
			s.announceMu.Lock()
			s.feed.unsent = append(unsent[i:], s.feed.unsent...)
			s.announceMu.Unlock()
			return err
		}
	}
	return nil
}
