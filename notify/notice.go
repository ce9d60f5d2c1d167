// Package notify tells workers what they have to do: an in-app list of
// notices with a badge on their home page, reminders that leaders send from
// the chasing lists, and the group robots (WeChat Work, DingTalk) of units
// that configure one.
package notify

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
	"gridskill/store"
)

// Notice is one message in a worker's list. Text is the English catalogue
// key, Args its values, so the list reads in the worker's language.
type Notice struct {
	// ID is deterministic (e.g. "exam:<id>"): each is sent to a worker once.
	ID     string
	UserID string
	Kind   string
	Text   string
	Args   []string
	Link   string
	At     time.Time
}

// Config is what the service needs beyond the database.
type Config struct {
	// Client posts to the group robots; http.DefaultClient with a timeout when nil.
	Client *http.Client
	// Hosts are robot hosts accepted besides the vendors' own (an intranet
	// relay, or a test's fake receiver).
	Hosts []string
}

// Service holds every worker's notices in memory, loaded with one pass at
// start; a notice is inserted (a duplicate id means it was sent) before
// memory shows it.
type Service struct {
	db     *mongo.Database
	people *people.Service
	clock  gridskill.Clock
	cfg    Config
	log    *slog.Logger

	mu     sync.Mutex
	loaded bool
	inbox  map[string][]Notice // user → notices, oldest first
	sent   map[string]bool     // user + "|" + notice id
	reads  map[string]readDoc  // user → what they cleared
	// certChecked is when each worker's certificates were last read for notices.
	certChecked map[string]time.Time
	// versions tells the other instances of notices stored and cleared here
	// (nil: one instance).
	versions *store.Versions
}

// NewService returns the service over db.
func NewService(db *mongo.Database, ps *people.Service, clock gridskill.Clock, log *slog.Logger, cfg Config) *Service {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, people: ps, clock: clock, cfg: cfg, log: log}
}

// Indexes declares the query shapes of the notices.
func Indexes() []store.Index {
	return []store.Index{store.On(collNotices, bsonKeys("user"))}
}

// Load reads every notice and every cleared mark into memory once. With
// several instances each holds its own copy, kept current by Refresh when
// another bumps the notices' counter (SetVersions).
func (s *Service) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loaded {
		return nil
	}
	docs, reads, err := s.readAll(ctx)
	if err != nil {
		return gridskill.Internal(err)
	}
	s.inbox, s.sent, s.reads = map[string][]Notice{}, map[string]bool{}, map[string]readDoc{}
	for _, d := range docs {
		s.keep(d.notice())
	}
	for _, r := range reads {
		s.reads[r.ID] = r
	}
	for u := range s.inbox {
		slices.SortStableFunc(s.inbox[u], func(a, b Notice) int { return a.At.Compare(b.At) })
	}
	s.loaded = true
	return nil
}

// keep adds a stored notice to memory; s.mu must be held.
func (s *Service) keep(n Notice) {
	k := n.UserID + "|" + n.ID
	if s.sent[k] {
		return
	}
	s.sent[k] = true
	s.inbox[n.UserID] = append(s.inbox[n.UserID], n)
}

// Send stores notices not sent before and returns how many were new. A
// notice whose id the worker already had is skipped, however long ago it
// was cleared. Errors: internal.
func (s *Service) Send(ctx context.Context, ns []Notice) (int, error) {
	if err := s.Load(ctx); err != nil {
		return 0, err
	}
	now := s.clock.Now().UTC()
	s.mu.Lock()
	var fresh []Notice
	for _, n := range ns {
		if !s.sent[n.UserID+"|"+n.ID] && n.UserID != "" && n.ID != "" {
			if n.At.IsZero() {
				n.At = now
			}
			fresh = append(fresh, n)
		}
	}
	s.mu.Unlock()
	if len(fresh) == 0 {
		return 0, nil
	}
	stored, err := s.insert(ctx, fresh)
	s.mu.Lock()
	n := 0
	for i, ok := range stored {
		if ok && !s.sent[fresh[i].UserID+"|"+fresh[i].ID] {
			s.keep(fresh[i])
			n++
		}
	}
	s.mu.Unlock()
	if n > 0 {
		s.changed(ctx)
	}
	if err != nil {
		return n, gridskill.Internal(err)
	}
	return n, nil
}

// Inbox returns the worker's notices not cleared, newest first.
func (s *Service) Inbox(ctx context.Context, userID string) ([]Notice, error) {
	if err := s.Load(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reads[userID]
	var out []Notice
	for _, n := range s.inbox[userID] {
		if n.At.After(r.ClearedAt) && !slices.Contains(r.Dismissed, n.ID) {
			out = append(out, n)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// Unread is the count shown on the worker's badge.
func (s *Service) Unread(ctx context.Context, userID string) (int, error) {
	ns, err := s.Inbox(ctx, userID)
	return len(ns), err
}

// Clear hides every notice of the worker up to now, or the one notice id
// when it is given. Errors: invalid, not_found, internal.
func (s *Service) Clear(ctx context.Context, userID, id string) error {
	if len(id) > 200 {
		return gridskill.Errorf(gridskill.EINVALID, "malformed notice id")
	}
	ns, err := s.Inbox(ctx, userID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	r := s.reads[userID]
	r.ID = userID
	if id == "" {
		r.ClearedAt = s.clock.Now().UTC()
		r.Dismissed = nil
	} else {
		if !slices.ContainsFunc(ns, func(n Notice) bool { return n.ID == id }) {
			s.mu.Unlock()
			return gridskill.Errorf(gridskill.ENOTFOUND, "no such notice")
		}
		r.Dismissed = append(slices.Clone(r.Dismissed), id)
	}
	s.mu.Unlock()
	if err := s.saveRead(ctx, r); err != nil {
		return gridskill.Internal(err)
	}
	s.mu.Lock()
	s.reads[userID] = r
	s.mu.Unlock()
	s.changed(ctx)
	return nil
}
