package people

import (
	"slices"
	"sync"
)

// directory holds every account in memory, with an index by phone for
// sign-in. Every signed-in request needs its account, and on the embedded
// engine a read of one costs a scan of the users collection; a cache whose
// entries expire turns the accounts that signed in together into reads that
// happen together, stalling every save behind them. So nothing expires: the
// accounts are loaded with one scan at start and kept current by this
// instance's writes (at once) and by the change feed (other instances'
// writes, within a poll). About 0.5 KB an account (BenchmarkDirectoryMemory):
// a district of a few thousand is a few MB; a province is sharded by
// deployment.
type directory struct {
	mu      sync.RWMutex
	byID    map[string]userDoc
	byPhone map[string]string   // phone → account id
	paths   map[string][]string // unit id → the one copy of its path the accounts share
}

func newDirectory() *directory {
	return &directory{byID: map[string]userDoc{}, byPhone: map[string]string{}, paths: map[string][]string{}}
}

// get returns the account with the given id.
func (d *directory) get(id string) (userDoc, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.byID[id]
	return u, ok
}

// byPhoneNumber returns the account holding a phone number.
func (d *directory) byPhoneNumber(phone string) (userDoc, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	id, ok := d.byPhone[phone]
	if !ok {
		return userDoc{}, false
	}
	u, ok := d.byID[id]
	return u, ok
}

// put stores accounts read from the database, unless memory already holds a
// later revision of one (a read that raced a newer write). Accounts are never
// deleted, so a full read that misses one (in the middle of a rewrite
// elsewhere, see repo.replaceUsers) leaves it as it was; the change record
// that ends the rewrite brings the new version.
func (d *directory) put(docs ...userDoc) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, u := range docs {
		d.putLocked(u)
	}
}

func (d *directory) putLocked(u userDoc) {
	if old, ok := d.byID[u.ID]; ok {
		if old.Rev > u.Rev {
			return
		}
		if old.Phone != u.Phone && d.byPhone[old.Phone] == u.ID {
			delete(d.byPhone, old.Phone)
		}
	}
	u.UnitPath = d.intern(u.UnitID, u.UnitPath)
	d.byID[u.ID] = u
	d.byPhone[u.Phone] = u.ID
}

// intern returns the shared copy of a unit's path, so that the accounts of
// one grid hold one path between them. Paths are never changed in place.
func (d *directory) intern(unitID string, path []string) []string {
	if p, ok := d.paths[unitID]; ok && slices.Equal(p, path) {
		return p
	}
	p := slices.Clip(slices.Clone(path))
	d.paths[unitID] = p
	return p
}

// forget drops an account whose copy in memory may be stale, so that the
// next read of it goes to the database.
func (d *directory) forget(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u, ok := d.byID[id]; ok {
		if d.byPhone[u.Phone] == id {
			delete(d.byPhone, u.Phone)
		}
		delete(d.byID, id)
	}
}

// len is the number of accounts held.
func (d *directory) len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.byID)
}

// inUnits returns the accounts whose own unit is one of the keys of units.
func (d *directory) inUnits(units map[string][]string) []userDoc {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []userDoc
	for _, u := range d.byID {
		if _, ok := units[u.UnitID]; ok {
			out = append(out, u)
		}
	}
	return out
}

// matching returns the accounts for which keep is true.
func (d *directory) matching(keep func(userDoc) bool) []userDoc {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []userDoc
	for _, u := range d.byID {
		if keep(u) {
			out = append(out, u)
		}
	}
	return out
}
