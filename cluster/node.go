// Package cluster runs several Gridskill instances over one database: each
// piece of state held in memory (the open attempts of an exam, a running
// round) has one owner at a time through a lease, requests for it reach the
// owner (the load balancer's consistent hashing, then a forward from the
// instance a request landed on), and periodic jobs run on one instance.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/store"
)

// Config names this instance among the others.
type Config struct {
	// Name is unique among the instances (GRIDSKILL_INSTANCE).
	Name string
	// Addr is where the others forward requests to, e.g. http://10.0.0.5:8080
	// (GRIDSKILL_ADVERTISE).
	Addr string
	// TTL is how long a lease holds past its last renewal (4 s by default).
	TTL time.Duration
}

// Margin is how long before a lease's end its holder stops counting on it,
// so that a holder whose clock or renewal lags never acts once another may
// have taken over.
const Margin = time.Second

// viewEvery is how often a node renews its leases and reads all of them.
func (c Config) every() time.Duration { return c.TTL / 4 }

// Node is this instance's part in the cluster: the leases it holds, renewed
// every TTL/4 with one update, and a view of everyone's leases, read with
// one scan as often.
type Node struct {
	cfg    Config
	leases *store.Leases
	clock  gridskill.Clock
	log    *slog.Logger

	mu     sync.Mutex
	held   map[string]*held       // leases this node holds or is taking
	view   map[string]store.Lease // every lease, as of the last read
	kinds  map[string]kind
	claims map[string]*claimCall // claims in flight, one per lease
	jobs   map[string]context.CancelFunc
	// clients are the connection pools to the other instances, by address.
	clients map[string]*fasthttp.HostClient
	stop    context.CancelFunc
	done    chan struct{}
	closed  bool
}

type held struct {
	epoch int64
	until time.Time
	ready bool // the take hook has run: Holds is true
}

type kind struct {
	take func(ctx context.Context, id string, epoch int64) error
	drop func(id string)
}

type claimCall struct {
	done chan struct{}
	addr string
	mine bool
	err  error
}

// New returns the node of the instance cfg names over db. Start it.
func New(db *mongo.Database, cfg Config, clock gridskill.Clock, log *slog.Logger) *Node {
	if cfg.TTL == 0 {
		cfg.TTL = 4 * time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	l := store.NewLeases(db, cfg.Name, cfg.TTL, clock.Now)
	l.Advertise(cfg.Addr)
	return &Node{cfg: cfg, leases: l, clock: clock, log: log,
		held: map[string]*held{}, view: map[string]store.Lease{}, kinds: map[string]kind{},
		claims: map[string]*claimCall{}, jobs: map[string]context.CancelFunc{}, clients: map[string]*fasthttp.HostClient{}}
}

// Name is this instance's name.
func (n *Node) Name() string { return n.cfg.Name }

// Handle sets what a claim of a lease of kind ("exam", "round") does before
// this node serves it: take loads the state of the unit id from the database
// (epoch is the lease's, which moved on with the holder), and drop forgets it
// once the lease is lost. Call it before Start.
func (n *Node) Handle(kindName string, take func(ctx context.Context, id string, epoch int64) error, drop func(id string)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.kinds[kindName] = kind{take: take, drop: drop}
}

// InstanceLease is the lease of an instance's heartbeat.
func InstanceLease(name string) string { return "instance:" + name }

// Start registers this instance (its lease names its address) and then, until
// ctx ends or Close, renews its leases and reads everyone's every TTL/4. It
// fails when another instance under the same name keeps its heartbeat for
// longer than a TTL: two processes of one name would both think they held
// the same leases. (A predecessor of the same name that died is waited for:
// its leases run out within the TTL.)
func (n *Node) Start(ctx context.Context) error {
	name := InstanceLease(n.cfg.Name)
	for tries := 0; ; tries++ {
		l, ok, err := n.leases.Claim(ctx, name)
		if err != nil {
			return err
		}
		if ok {
			n.mu.Lock()
			n.held[name] = &held{epoch: l.Epoch, until: l.Until, ready: true}
			n.mu.Unlock()
			break
		}
		if time.Duration(tries)*250*time.Millisecond > n.cfg.TTL+Margin {
			return fmt.Errorf("another instance named %q is running (its lease is renewed): give each instance its own GRIDSKILL_INSTANCE", n.cfg.Name)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	ctx, stop := context.WithCancel(ctx)
	n.mu.Lock()
	n.stop, n.done = stop, make(chan struct{})
	n.mu.Unlock()
	n.refresh(ctx)
	var mu sync.Mutex
	var timer gridskill.Timer
	var tick func()
	next := func() {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() == nil {
			timer = n.clock.AfterFunc(n.cfg.every(), tick)
		}
	}
	tick = func() {
		if ctx.Err() != nil {
			return
		}
		n.refresh(ctx)
		next()
	}
	next()
	done := n.done
	context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer.Stop()
		close(done)
	})
	return nil
}

// refresh renews the leases held, reads every lease and drops what it
// finds lost. A failed read changes nothing: the leases held simply come
// closer to their end, after which Holds is false.
func (n *Node) refresh(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.TTL)
	defer cancel()
	n.mu.Lock()
	epochs := make(map[string]int64, len(n.held))
	for name, h := range n.held {
		epochs[name] = h.epoch
	}
	n.mu.Unlock()
	if _, err := n.leases.RenewAll(ctx, epochs); err != nil && ctx.Err() == nil {
		n.log.Warn("renew leases", "err", err)
	}
	all, err := n.leases.All(ctx)
	if err != nil {
		if ctx.Err() == nil {
			n.log.Warn("read leases", "err", err)
		}
		return
	}
	view := make(map[string]store.Lease, len(all))
	for _, l := range all {
		view[l.Name] = l
	}
	var lost []string
	n.mu.Lock()
	n.view = view
	for name, h := range n.held {
		if e, in := epochs[name]; !in || e != h.epoch {
			continue // claimed while this refresh ran: the next one tells
		}
		l, ok := view[name]
		if ok && n.leases.Mine(l) && l.Epoch == h.epoch {
			if l.Until.After(h.until) {
				h.until = l.Until
			}
			continue
		}
		delete(n.held, name)
		lost = append(lost, name)
	}
	n.mu.Unlock()
	for _, name := range lost {
		n.log.Warn("lease lost", "lease", name)
		n.dropped(name)
	}
}

// dropped runs what forgets the state of a lease this node lost.
func (n *Node) dropped(name string) {
	kindName, id, _ := strings.Cut(name, ":")
	n.mu.Lock()
	k, ok := n.kinds[kindName]
	cancel := n.jobs[name]
	n.mu.Unlock()
	if ok && k.drop != nil {
		k.drop(id)
	}
	if cancel != nil {
		cancel()
	}
}

// Holds reports whether this node holds lease and may act on it: claimed,
// its state taken over, and at least Margin before its end by this node's
// clock. Every acknowledged write on an owned path checks it after writing.
func (n *Node) Holds(lease string) bool {
	now := n.clock.Now()
	n.mu.Lock()
	defer n.mu.Unlock()
	h, ok := n.held[lease]
	return ok && h.ready && now.Before(h.until.Add(-Margin))
}

// Owner tells who serves lease: this node (mine), or the live instance at
// addr. A lease nobody holds, or whose holder let it run out, is claimed,
// and the take hook of its kind loads its state before Owner answers mine;
// a take that fails gives the lease back and returns the error (a unit that
// does not exist leaves no lease behind). Concurrent calls for one lease make
// one claim.
func (n *Node) Owner(ctx context.Context, lease string) (addr string, mine bool, err error) {
	if n.Holds(lease) {
		return "", true, nil
	}
	now := n.clock.Now()
	n.mu.Lock()
	v, seen := n.view[lease]
	n.mu.Unlock()
	if seen && !n.leases.Mine(v) && now.Before(v.Until) && v.Addr != "" {
		return v.Addr, false, nil
	}
	return n.claim(ctx, lease)
}

// claim claims lease once for every caller waiting on it.
func (n *Node) claim(ctx context.Context, lease string) (string, bool, error) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return "", false, gridskill.Errorf(gridskill.EUNAVAILABLE, "this server is stopping; try again")
	}
	if c, ok := n.claims[lease]; ok {
		n.mu.Unlock()
		select {
		case <-c.done:
			return c.addr, c.mine, c.err
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
	}
	c := &claimCall{done: make(chan struct{})}
	n.claims[lease] = c
	n.mu.Unlock()
	// The claim outlives the request that started it: others wait on it.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	c.addr, c.mine, c.err = n.doClaim(cctx, lease)
	cancel()
	n.mu.Lock()
	delete(n.claims, lease)
	n.mu.Unlock()
	close(c.done)
	return c.addr, c.mine, c.err
}

func (n *Node) doClaim(ctx context.Context, lease string) (string, bool, error) {
	l, ok, err := n.leases.Claim(ctx, lease)
	if err != nil {
		return "", false, gridskill.Internal(err)
	}
	if !ok {
		n.mu.Lock()
		n.view[lease] = l
		n.mu.Unlock()
		if l.Addr == "" {
			return "", false, gridskill.Errorf(gridskill.EUNAVAILABLE, "this server is stopping; try again")
		}
		return l.Addr, false, nil
	}
	kindName, id, _ := strings.Cut(lease, ":")
	n.mu.Lock()
	h, had := n.held[lease]
	if had && h.epoch == l.Epoch && h.ready {
		h.until = l.Until // renewed
		n.mu.Unlock()
		return "", true, nil
	}
	stale := had && h.epoch != l.Epoch
	h = &held{epoch: l.Epoch, until: l.Until}
	n.held[lease] = h
	n.view[lease] = l
	k := n.kinds[kindName]
	n.mu.Unlock()
	if stale && k.drop != nil {
		// Lost and claimed again: what memory holds may be older than the
		// facts another holder wrote meanwhile.
		k.drop(id)
	}
	if k.take != nil {
		if err := k.take(ctx, id, l.Epoch); err != nil {
			n.mu.Lock()
			if n.held[lease] == h {
				delete(n.held, lease)
			}
			n.mu.Unlock()
			code := gridskill.ErrorCode(err)
			if code == gridskill.ENOTFOUND || code == gridskill.EINVALID {
				if ferr := n.leases.Forget(ctx, lease); ferr != nil {
					n.log.Warn("forget lease", "lease", lease, "err", ferr)
				}
			} else if rerr := n.leases.Release(ctx, lease); rerr != nil {
				n.log.Warn("release lease", "lease", lease, "err", rerr)
			}
			if k.drop != nil {
				k.drop(id)
			}
			return "", false, err
		}
	}
	n.mu.Lock()
	kept := n.held[lease] == h
	h.ready = kept
	n.mu.Unlock()
	if !kept {
		// Lost while taking over: forget what was just loaded.
		if k.drop != nil {
			k.drop(id)
		}
		return "", false, gridskill.Errorf(gridskill.EUNAVAILABLE, "this server is stopping; try again")
	}
	n.log.Info("lease taken", "lease", lease, "epoch", l.Epoch)
	return "", true, nil
}

// Held lists the leases this node holds now (for the log and tests).
func (n *Node) Held() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for name, h := range n.held {
		if h.ready {
			out = append(out, name)
		}
	}
	return out
}

// viewed returns the lease called name as last read, and whether it is held
// by someone until a time still to come.
func (n *Node) viewed(name string) (store.Lease, bool) {
	now := n.clock.Now()
	n.mu.Lock()
	defer n.mu.Unlock()
	l, ok := n.view[name]
	return l, ok && now.Before(l.Until)
}

// Close stops renewing and gives every lease up at once, so that the other
// instances take over without waiting for them to run out. Call it once the
// server has stopped taking requests. Cancelling Start's context instead
// stops renewing and keeps the leases until they run out, as a crash does.
func (n *Node) Close(ctx context.Context) error {
	n.mu.Lock()
	n.closed = true
	stop, done := n.stop, n.done
	// Holds is false from here on: nothing more is acknowledged. The state
	// in memory is left to the services' own shutdown (finishing what they
	// wrote), not dropped.
	n.held = map[string]*held{}
	n.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	if err := n.leases.ReleaseAll(ctx); err != nil {
		return errors.Join(errors.New("give up leases"), err)
	}
	return nil
}
