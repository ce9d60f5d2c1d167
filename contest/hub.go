package contest

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"gridskill/people"
)

// Viewer roles of a live stream.
const (
	ViewHost   = "host"
	ViewScreen = "screen"
	ViewPlayer = "player"
	ViewJudge  = "judge"
)

// hub fans a contest's live state out to its screens and phones. Each
// subscriber has a one-slot signal: a change marks it, and its stream writes
// the state current when it gets to it, so a slow phone skips to the latest
// state instead of holding up the others or piling up old ones.
type hub struct {
	mu     sync.Mutex
	subs   map[*Sub]struct{}
	cur    atomic.Pointer[snapshot]
	joined map[string]bool
	order  []joiner // who joined, in the order they joined
	closed bool
}

// snapshot is the state every viewer shares, encoded once per change.
type snapshot struct {
	common []byte
	board  []byte // the host's and the big screen's extra part
	l      *live  // nil before a round starts
}

// Sub is one open stream (a phone, the host screen or the big screen).
type Sub struct {
	h      *hub
	Worker string
	Role   string
	// C is signalled when there is a newer state to send.
	C chan struct{}
	// Done is closed when the server stops streaming.
	Done chan struct{}
	once sync.Once
}

func newHub() *hub {
	return &hub{subs: map[*Sub]struct{}{}, joined: map[string]bool{}}
}

func (h *hub) add(worker, role string) *Sub {
	s := &Sub{h: h, Worker: worker, Role: role, C: make(chan struct{}, 1), Done: make(chan struct{})}
	s.C <- struct{}{} // the first frame is the current state
	h.mu.Lock()
	if h.closed {
		close(s.Done)
	} else {
		h.subs[s] = struct{}{}
	}
	h.mu.Unlock()
	return s
}

// Close ends the subscription.
func (s *Sub) Close() {
	s.h.mu.Lock()
	delete(s.h.subs, s)
	s.h.mu.Unlock()
}

// notify signals subscribers; screensOnly leaves phones alone (answer
// counts change many times a second and only screens show them).
func (h *hub) notify(screensOnly bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if screensOnly && (s.Role == ViewPlayer || s.Role == ViewJudge) {
			continue
		}
		select {
		case s.C <- struct{}{}:
		default: // already marked; it will send the latest state
		}
	}
}

func (h *hub) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for s := range h.subs {
		s.once.Do(func() { close(s.Done) })
	}
}

type joiner struct{ id, name string }

// join marks a worker as joined, and reports whether they were already.
func (h *hub) join(worker, name string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.joined[worker] {
		return true
	}
	h.joined[worker] = true
	h.order = append(h.order, joiner{worker, name})
	return false
}

// unjoin takes back a join that could not be stored.
func (h *hub) unjoin(worker string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.joined, worker)
	for i := len(h.order) - 1; i >= 0; i-- {
		if h.order[i].id == worker {
			h.order = slices.Delete(h.order, i, i+1)
			break
		}
	}
}

// recentNames returns the latest n names that joined, newest first.
func (h *hub) recentNames(n int) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, min(n, len(h.order)))
	for i := len(h.order) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, h.order[i].name)
	}
	return out
}

func (h *hub) joinedCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.joined)
}

// Frame returns the server-sent event carrying the current state for this
// subscriber: the shared state, the server's time (phones echo it to measure
// their network delay) and, for a player or judge, their own part.
func (s *Sub) Frame(now time.Time) []byte {
	snap := s.h.cur.Load()
	var me []byte
	if snap != nil && snap.l != nil && (s.Role == ViewPlayer || s.Role == ViewJudge) {
		me = snap.l.me(s.Worker)
	}
	buf := make([]byte, 0, 256+len(snapCommon(snap))+len(me))
	buf = append(buf, "data: {\"now\":"...)
	buf = strconv.AppendInt(buf, now.UnixMilli(), 10)
	buf = append(buf, ",\"role\":\""...)
	buf = append(buf, s.Role...)
	buf = append(buf, "\",\"s\":"...)
	buf = append(buf, snapCommon(snap)...)
	if me != nil {
		buf = append(buf, ",\"me\":"...)
		buf = append(buf, me...)
	}
	if snap != nil && snap.board != nil && (s.Role == ViewHost || s.Role == ViewScreen) {
		buf = append(buf, ",\"board\":"...)
		buf = append(buf, snap.board...)
	}
	buf = append(buf, "}\n\n"...)
	return buf
}

func snapCommon(s *snapshot) []byte {
	if s == nil || s.common == nil {
		return []byte("null")
	}
	return s.common
}

// hubOf returns the contest's hub. Hubs are made with their joins by Load
// and for new contests by Create, so no request waits on a database scan.
func (s *Service) hubOf(ctx context.Context, c Contest) (*hub, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hubLocked(c, nil), nil
}

// hubLocked returns the contest's hub, making it with the given joins when
// missing. Call with mu held.
func (s *Service) hubLocked(c Contest, joined []string) *hub {
	if h, ok := s.hubs[c.ID]; ok {
		return h
	}
	h := newHub()
	for _, w := range joined {
		p, _ := c.Participant(w)
		h.join(w, p.Name)
	}
	if s.streamsStopped {
		h.closed = true
	}
	s.hubs[c.ID] = h
	if l := s.live[c.ID]; l != nil {
		l.hub = h
	}
	h.cur.Store(&snapshot{common: idleState(c, len(h.joined)), board: idleBoard(h), l: s.live[c.ID]})
	return h
}

type idleJSON struct {
	Contest   string `json:"contest"`
	ContestID string `json:"contestId"`
	PIN       string `json:"pin"`
	Phase     string `json:"phase"`
	Joined    int    `json:"joined"`
}

func idleState(c Contest, joined int) []byte {
	b, _ := json.Marshal(idleJSON{Contest: c.Title, ContestID: c.ID, PIN: c.PIN, Phase: phaseIdle, Joined: joined})
	return b
}

// Subscribe opens a live stream of the contest for a viewer. The role and
// identity are decided by the caller from the sign-in or the screen key.
// Errors: unavailable (the round's holder is another instance), internal.
func (s *Service) Subscribe(ctx context.Context, c Contest, worker, role string) (*Sub, error) {
	if err := s.fence(c.ID); err != nil {
		return nil, err
	}
	h, err := s.hubOf(ctx, c)
	if err != nil {
		return nil, err
	}
	return h.add(worker, role), nil
}

// Watch opens a live stream of the contest for a signed-in account, as the
// first that fits of its player, a judge of one of its rounds, or its host.
// Errors: as Contest, internal.
func (s *Service) Watch(ctx context.Context, actor people.User, id string) (*Sub, error) {
	c, err := s.Contest(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	role := ViewHost
	if _, plays := c.Participant(actor.ID); plays {
		role = ViewPlayer
	} else if s.isJudge(c, actor.ID) {
		role = ViewJudge
	}
	return s.Subscribe(ctx, c, actor.ID, role)
}

// WatchScreen opens the big screen's live stream of the contest, shown by
// its key. Errors: as ScreenContest, internal.
func (s *Service) WatchScreen(ctx context.Context, id, key string) (*Sub, error) {
	c, err := s.ScreenContest(id, key)
	if err != nil {
		return nil, err
	}
	return s.Subscribe(ctx, c, "", ViewScreen)
}

// StopStreams ends every live stream, so that the server can shut down
// without waiting for phones to hang up.
func (s *Service) StopStreams() {
	s.mu.Lock()
	s.streamsStopped = true
	hubs := make([]*hub, 0, len(s.hubs))
	for _, h := range s.hubs {
		hubs = append(hubs, h)
	}
	s.mu.Unlock()
	for _, h := range hubs {
		h.stop()
	}
}
