package notify

import (
	"context"
	"slices"

	"gridskill"
	"gridskill/store"
)

// VersionName is the change counter of notices (store.Versions).
const VersionName = "notices"

// SetVersions makes the service, with several instances over one database,
// bump the notices' counter after each notice it stores and each clear, so
// the others Refresh. Call it before serving; without it (one instance)
// nothing is written besides the notices.
func (s *Service) SetVersions(v *store.Versions) { s.versions = v }

// changed tells the other instances; a failure only delays what they show
// until the next change, so it is logged.
func (s *Service) changed(ctx context.Context) {
	if s.versions == nil {
		return
	}
	if err := s.versions.Bump(ctx, VersionName); err != nil {
		s.log.Warn("tell the other instances of a notice", "err", err)
	}
}

// Refresh reads every notice and clear again, for notices another instance
// stored or cleared. Notices are never deleted, so it adds the ones memory
// misses; a worker's clears are taken when they are later than memory's
// (a clear here meanwhile is kept). Errors: internal.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.Lock()
	loaded := s.loaded
	s.mu.Unlock()
	if !loaded {
		return s.Load(ctx)
	}
	docs, reads, err := s.readAll(ctx)
	if err != nil {
		return gridskill.Internal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	added := map[string]bool{}
	for _, d := range docs {
		n := d.notice()
		if !s.sent[n.UserID+"|"+n.ID] {
			s.keep(n)
			added[n.UserID] = true
		}
	}
	for u := range added {
		slices.SortStableFunc(s.inbox[u], func(a, b Notice) int { return a.At.Compare(b.At) })
	}
	for _, r := range reads {
		mine, ok := s.reads[r.ID]
		if !ok || r.ClearedAt.After(mine.ClearedAt) || (r.ClearedAt.Equal(mine.ClearedAt) && len(r.Dismissed) > len(mine.Dismissed)) {
			s.reads[r.ID] = r
		}
	}
	return nil
}
