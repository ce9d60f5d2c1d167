package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Mirror keeps every document of a collection in memory, for the pages that
// read a whole collection of per-worker documents (certificates, progress,
// practice summaries): on the embedded engine each such read decodes every
// document, seconds at district scale, and a cache that any write dropped
// was read again after every exam submit or lesson.
//
// The copy is read once, in one pass (Warm starts it in the background; the
// first View waits for it), and never expires on its own. A write by this
// process tells the mirror after it lands: Changed reads the few documents
// it wrote again by _id, or, for a write of many, has the next View read the
// whole collection again; Put stores a document the writer holds whole. A
// write that lands while the whole collection is being read is applied over
// that read when it ends, so no write is lost to a read that began before it.
// Other instances' writes are not seen: with several instances, set Refresh,
// and the copy is read again in the background once it is that old, while
// views go on reading the copy held.
type Mirror[D any] struct {
	coll    *mongo.Collection
	key     func(*D) string
	opts    MirrorOptions[D]
	now     func() time.Time
	refresh time.Duration

	mu      sync.RWMutex
	docs    map[string]D
	at      time.Time     // when the read of the copy held began
	gen     uint64        // bumped by each write too wide to read again, and by a failed read
	heldGen uint64        // gen when the read of the copy held began
	loading chan struct{} // open while a read of the whole collection runs
	loadErr error
	dirty   map[string]*D // documents written during that read (nil: gone)

	stripes [64]sync.Mutex // one id's writes are applied in the order they landed
}

// MirrorOptions shape what a Mirror keeps of each document.
type MirrorOptions[D any] struct {
	// Projection, when set, is the fields kept.
	Projection bson.M
	// Prepare, when set, runs on every document read or put, before it is kept.
	Prepare func(*D)
	// Now is the clock of Refresh (time.Now when nil).
	Now func() time.Time
}

// MirrorRereadMax is the largest write that Changed reads again by _id; a
// wider one costs the next view a read of the whole collection.
const MirrorRereadMax = 64

// NewMirror returns the mirror of coll, whose documents key names.
func NewMirror[D any](coll *mongo.Collection, key func(*D) string, opts MirrorOptions[D]) *Mirror[D] {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Mirror[D]{coll: coll, key: key, opts: opts, now: now}
}

// SetRefresh makes the copy read again in the background once it is older
// than every (several instances); zero, the default, never.
func (m *Mirror[D]) SetRefresh(every time.Duration) {
	m.mu.Lock()
	m.refresh = every
	m.mu.Unlock()
}

// View calls f with every document by key, under the mirror's read lock: f
// must only read the map, not keep it, and not write through the mirror. The
// first view waits for the read of the collection, and so does the first
// after a write too wide to read again.
func (m *Mirror[D]) View(ctx context.Context, f func(map[string]D)) error {
	m.mu.RLock()
	want := m.gen
	m.mu.RUnlock()
	for {
		m.mu.RLock()
		if m.docs != nil && m.heldGen >= want {
			old := m.refresh > 0 && m.now().Sub(m.at) >= m.refresh && m.loading == nil
			f(m.docs)
			m.mu.RUnlock()
			if old {
				m.Warm()
			}
			return nil
		}
		m.mu.RUnlock()
		done := m.Warm()
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
		m.mu.RLock()
		err := m.loadErr
		m.mu.RUnlock()
		if err != nil {
			return err
		}
	}
}

// Warm starts a read of the whole collection unless one is running, and
// returns a channel closed when it ends.
func (m *Mirror[D]) Warm() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loading != nil {
		return m.loading
	}
	done := make(chan struct{})
	m.loading, m.dirty = done, map[string]*D{}
	gen, started := m.gen, m.now()
	go func() {
		// Several views may wait on this read, none of whose requests owns it.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		docs, err := m.readAll(ctx)
		cancel()
		m.mu.Lock()
		defer m.mu.Unlock()
		if err == nil {
			for id, d := range m.dirty {
				if d == nil {
					delete(docs, id)
				} else {
					docs[id] = *d
				}
			}
			m.docs, m.heldGen, m.at = docs, gen, started
		}
		m.loadErr = err
		m.loading, m.dirty = nil, nil
		close(done)
	}()
	return done
}

func (m *Mirror[D]) findOpts() *options.FindOptions {
	o := options.Find()
	if m.opts.Projection != nil {
		o.SetProjection(m.opts.Projection)
	}
	return o
}

func (m *Mirror[D]) readAll(ctx context.Context) (map[string]D, error) {
	cur, err := m.coll.Find(ctx, bson.M{}, m.findOpts())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", m.coll.Name(), err)
	}
	defer cur.Close(ctx)
	docs := map[string]D{}
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("read %s: %w", m.coll.Name(), err)
		}
		m.prepare(&d)
		docs[m.key(&d)] = d
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", m.coll.Name(), err)
	}
	return docs, nil
}

func (m *Mirror[D]) prepare(d *D) {
	if m.opts.Prepare != nil {
		m.opts.Prepare(d)
	}
}

func (m *Mirror[D]) stripe(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &m.stripes[h.Sum32()%uint32(len(m.stripes))]
}

// tracking reports whether anything is held or being read, that a write must update.
func (m *Mirror[D]) tracking() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.docs != nil || m.loading != nil
}

// set keeps d as the document id (gone when d is nil).
func (m *Mirror[D]) set(id string, d *D) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.docs != nil {
		if d == nil {
			delete(m.docs, id)
		} else {
			m.docs[id] = *d
		}
	}
	if m.loading != nil {
		m.dirty[id] = d
	}
}

// Changed tells the mirror that this process wrote the documents ids; call
// it once the write has landed, before answering. Up to MirrorRereadMax are
// read again by _id; more, or a read that fails, make the next view read the
// whole collection.
func (m *Mirror[D]) Changed(ctx context.Context, ids ...string) {
	if len(ids) > MirrorRereadMax {
		m.stale()
		return
	}
	for _, id := range ids {
		m.reread(ctx, id)
	}
}

func (m *Mirror[D]) reread(ctx context.Context, id string) {
	l := m.stripe(id)
	l.Lock()
	defer l.Unlock()
	if !m.tracking() {
		return
	}
	o := options.FindOne()
	if m.opts.Projection != nil {
		o.SetProjection(m.opts.Projection)
	}
	var d D
	err := m.coll.FindOne(ctx, bson.M{"_id": id}, o).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		m.set(id, nil)
	case err != nil:
		m.stale()
	default:
		m.prepare(&d)
		m.set(id, &d)
	}
}

// Put keeps d, which this process has just written whole. Writes of one
// document must be serialized by the caller, who puts each after it lands.
func (m *Mirror[D]) Put(d D) {
	id := m.key(&d)
	l := m.stripe(id)
	l.Lock()
	defer l.Unlock()
	if !m.tracking() {
		return
	}
	m.prepare(&d)
	m.set(id, &d)
}

func (m *Mirror[D]) stale() {
	m.mu.Lock()
	m.gen++
	m.mu.Unlock()
}
