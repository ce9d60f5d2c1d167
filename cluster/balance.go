package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Balancer is a reverse proxy in front of several instances that sends each
// request to the instance its RouteKey falls to on a Ring, the Go twin of
// deploy/nginx.conf for machines without nginx (`gridskill balance`) and for
// the cluster tests. Responses are flushed as they come, so event streams
// flow. Every backend's /healthz is asked every HealthEvery; a backend that
// fails it, or refuses a connection, is skipped for the next one on the ring
// until it answers again, and a request refused by one is sent to the next
// (nothing of it has been sent yet, so that is safe for any method).
type Balancer struct {
	ring    *Ring
	hosts   map[string]string // backend → host:port
	down    map[string]*atomic.Bool
	proxy   *httputil.ReverseProxy
	checker *http.Client
	log     *slog.Logger

	// HealthEvery is how often each backend's /healthz is asked (1 s).
	HealthEvery time.Duration

	startOnce sync.Once
}

// NewBalancer balances over backends, each a base URL such as
// http://127.0.0.1:8081 (an http URL with a host and no path).
func NewBalancer(backends []string, log *slog.Logger) (*Balancer, error) {
	if len(backends) == 0 {
		return nil, errors.New("balancer: no backends")
	}
	b := &Balancer{hosts: map[string]string{}, down: map[string]*atomic.Bool{}, log: log, HealthEvery: time.Second,
		checker: &http.Client{Timeout: time.Second}}
	for _, s := range backends {
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("balancer: backend %q: want a base URL such as http://127.0.0.1:8081", s)
		}
		b.hosts[s] = u.Host
		b.down[s] = &atomic.Bool{}
	}
	b.ring = NewRing(backends)
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	b.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
			if ip, _, err := net.SplitHostPort(pr.In.RemoteAddr); err == nil {
				pr.Out.Header.Set("X-Real-IP", ip)
			}
		},
		Transport:     &failover{b: b, next: tr},
		FlushInterval: -1,
		// An event stream cut by a dying instance is normal here: not a warning.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() == nil {
				b.log.Warn("balancer: no backend answered", "path", r.URL.Path, "err", err)
			}
			w.Header().Set("Retry-After", "1")
			http.Error(w, "no instance is reachable; try again", http.StatusServiceUnavailable)
		},
	}
	return b, nil
}

// Ring is the balancer's ring.
func (b *Balancer) Ring() *Ring { return b.ring }

// Start asks every backend's /healthz every HealthEvery until ctx ends.
func (b *Balancer) Start(ctx context.Context) {
	b.startOnce.Do(func() {
		for backend := range b.hosts {
			go b.watch(ctx, backend)
		}
	})
}

func (b *Balancer) watch(ctx context.Context, backend string) {
	t := time.NewTicker(b.HealthEvery)
	defer t.Stop()
	for {
		b.check(ctx, backend)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (b *Balancer) check(ctx context.Context, backend string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, backend+"/healthz", nil)
	if err != nil {
		return
	}
	ok := false
	if resp, err := b.checker.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ok = resp.StatusCode == http.StatusOK
	}
	if ctx.Err() != nil {
		return
	}
	if was := b.down[backend].Swap(!ok); was == ok {
		b.log.Info("balancer: backend health changed", "backend", backend, "up", ok)
	}
}

// Up reports whether backend answered its last health check and refused no
// connection since.
func (b *Balancer) Up(backend string) bool {
	d, ok := b.down[backend]
	return ok && !d.Load()
}

// Pick is the backend a request with this route key goes to now: the first
// one up along the ring (the key's own when all are down, to be tried anyway).
func (b *Balancer) Pick(key string) string {
	order := b.candidates(key)
	return order[0]
}

// candidates is the ring's order for key with the backends that are down
// moved to the end, so they are tried last rather than never.
func (b *Balancer) candidates(key string) []string {
	order := b.ring.Order(key)
	out := make([]string, 0, len(order))
	for _, s := range order {
		if b.Up(s) {
			out = append(out, s)
		}
	}
	for _, s := range order {
		if !b.Up(s) {
			out = append(out, s)
		}
	}
	return out
}

type routeKey struct{}

// route is what ServeHTTP hands the transport: where to try, and the body.
type route struct {
	order []string
	body  *keptBody
}

// ServeHTTP proxies r to the instance its route key falls to.
func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := RouteKey(r.URL.Path, r.Header.Get)
	if key == "" {
		key, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	rt := &route{order: b.candidates(key)}
	if r.Body != nil && r.Body != http.NoBody {
		rt.body = &keptBody{ReadCloser: r.Body}
		r.Body = rt.body
	}
	r = r.WithContext(context.WithValue(r.Context(), routeKey{}, rt))
	b.proxy.ServeHTTP(w, r)
}

// failover sends a request to its candidates in turn while they refuse the
// connection.
type failover struct {
	b    *Balancer
	next http.RoundTripper
}

func (f *failover) RoundTrip(r *http.Request) (*http.Response, error) {
	rt, _ := r.Context().Value(routeKey{}).(*route)
	if rt == nil {
		return nil, errors.New("balancer: a request without its route")
	}
	var last error
	for _, backend := range rt.order {
		out := r.Clone(r.Context())
		out.URL.Host = f.b.hosts[backend]
		if r.Body != nil {
			// The transport closes the body it was given when it fails;
			// the request's own must stay open for the next backend.
			out.Body = io.NopCloser(r.Body)
		}
		resp, err := f.next.RoundTrip(out)
		if err == nil {
			return resp, nil
		}
		last = err
		if !refused(err) || (rt.body != nil && rt.body.read.Load()) {
			break
		}
		if !f.b.down[backend].Swap(true) {
			f.b.log.Info("balancer: backend refused a connection", "backend", backend)
		}
	}
	if last == nil {
		last = errors.New("no backends")
	}
	return nil, last
}

// refused reports whether err is a failure to connect, before anything of
// the request was sent.
func refused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" || strings.Contains(err.Error(), "connection refused")
}

// keptBody is a request body that remembers whether anything of it was
// read: until then a request refused at the connection can be sent again.
// The server closes the request's body when the handler returns.
type keptBody struct {
	io.ReadCloser
	read atomic.Bool
}

func (k *keptBody) Read(p []byte) (int, error) {
	n, err := k.ReadCloser.Read(p)
	if n > 0 {
		k.read.Store(true)
	}
	return n, err
}

func (k *keptBody) Close() error { return nil }
