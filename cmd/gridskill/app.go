package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gridskill"
	"gridskill/cases"
	"gridskill/certify"
	"gridskill/cluster"
	"gridskill/contest"
	"gridskill/courses"
	"gridskill/notify"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/quiz"
	"gridskill/rotation"
	"gridskill/seed"
	"gridskill/seed/democontest"
	"gridskill/selection"
	"gridskill/store"
	"gridskill/web"
)

// Main is the program: it opens the store, wires the services by hand and
// serves. The end-to-end tests run it on port 0.
type Main struct {
	Config Config
	Clock  gridskill.Clock

	out     io.Writer
	log     *slog.Logger
	store   *store.Store
	server  *web.Server
	certify *certify.Service
	contest *contest.Service
	quiz    *quiz.Service
	people  *people.Service
	courses *courses.Service
	// node is this instance's part among several over one database (nil:
	// alone), and versions the change counters they watch.
	node     *cluster.Node
	versions *store.Versions
	listener net.Listener
	served   chan error
	// stopJobs ends the background jobs: the quiz sweeper, which submits
	// attempts at their deadline, the certificate sweep and the account
	// change feed.
	stopJobs context.CancelFunc

	closeOnce sync.Once
	closeErr  error
}

// NewMain returns a program with the given configuration, writing its log to out.
func NewMain(cfg Config, out io.Writer) *Main {
	return &Main{
		Config: cfg,
		Clock:  gridskill.SystemClock{},
		out:    out,
		log:    slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
}

// open connects the store and declares the indexes.
func (m *Main) open(ctx context.Context) (*people.Service, error) {
	if m.Config.MongoURI == "" {
		m.log.Info("starting the embedded database", "data", m.Config.DataDir)
	}
	s, err := store.Open(ctx, store.Config{URI: m.Config.MongoURI, DataDir: m.Config.DataDir, Logger: m.log})
	if err != nil {
		return nil, err
	}
	m.store = s
	if err := s.EnsureIndexes(ctx, people.Indexes(), quiz.Indexes(), certify.Indexes(), courses.Indexes(), contest.Indexes(), practical.Indexes(), cases.Indexes(), rotation.Indexes(), selection.Indexes(), notify.Indexes()); err != nil {
		return nil, err
	}
	return people.NewService(s.DB, m.Clock), nil
}

// Run opens everything, loads the demo district into an empty database when
// configured to, and starts serving. It returns once the server listens.
func (m *Main) Run(ctx context.Context) error {
	secret, err := m.secret()
	if err != nil {
		return err
	}
	ps, err := m.open(ctx)
	if err != nil {
		return err
	}
	if m.Config.Demo {
		empty, err := seed.Empty(ctx, m.store.DB)
		if err != nil {
			return err
		}
		if empty {
			if err := seed.LoadDemo(ctx, m.store.DB, ps, m.Clock); err != nil {
				return fmt.Errorf("load demo data: %w", err)
			}
			if err := democontest.Load(ctx, m.store.DB, ps, m.Clock); err != nil {
				return fmt.Errorf("load demo data: %w", err)
			}
			m.printDemoLogins()
		}
	}
	if m.Config.Clustered() {
		m.node = cluster.New(m.store.DB, cluster.Config{Name: m.Config.Instance, Addr: strings.TrimSuffix(m.Config.Advertise, "/")}, m.Clock, m.log)
		m.versions = store.NewVersions(m.store.DB)
		ps.PruneByJob()
		m.log.Info("running as one of several instances", "instance", m.Config.Instance, "advertise", m.Config.Advertise)
	}
	// Every account and the org tree in memory before the first request.
	if err := ps.Load(ctx); err != nil {
		return err
	}
	qs := quiz.NewService(m.store.DB, ps, m.Clock, m.log)
	m.memberQuiz(qs)
	if err := qs.Load(ctx); err != nil {
		return err
	}
	m.quiz = qs
	sweepCtx, stopJobs := context.WithCancel(context.Background())
	m.stopJobs = stopJobs
	co := courses.NewService(m.store.DB, ps, m.Clock)
	m.people, m.courses = ps, co
	cs := certify.NewService(m.store.DB, ps, m.Clock, certify.Config{})
	m.certify = cs
	m.contest = contest.NewService(m.store.DB, ps, qs, m.Clock, m.log)
	m.memberContest(m.contest)
	if err := m.contest.Load(ctx); err != nil {
		return err
	}
	pr := practical.NewService(m.store.DB, ps, co, m.Clock)
	cx := cases.NewService(m.store.DB, m.Clock, co, qs)
	wireCertify(cs, ps, co, qs, m.contest, pr)
	wireRecordHooks(co, qs, cs, m.log)
	// Accepted tasks whose hours did not reach the record before a stop,
	// and session edits a stop interrupted.
	if err := pr.Repair(ctx); err != nil {
		return err
	}
	if err := co.RepairSessions(ctx); err != nil {
		return err
	}
	ps.Start(sweepCtx, people.PollInterval, m.log)
	go qs.Run(sweepCtx, time.Second)
	ns := notify.NewService(m.store.DB, ps, m.Clock, m.log, notify.Config{Hosts: splitList(m.Config.RobotHosts)})
	if m.node == nil {
		go cs.Run(sweepCtx, time.Hour, m.log)
	} else {
		ns.SetVersions(m.versions)
		if err := m.startCluster(sweepCtx, ps, qs, cs, ns); err != nil {
			return err
		}
	}
	if err := ns.Load(ctx); err != nil {
		return err
	}
	m.server, err = web.New(web.Config{SecureCookies: m.Config.SecureCookies, ProxyHeader: m.Config.ProxyHeader}, web.Deps{
		DB: m.store.DB, People: ps, Tokens: people.NewTokens(secret, m.Clock), Clock: m.Clock, Log: m.log, Quiz: qs, Certify: cs,
		Courses:   co,
		Contest:   m.contest,
		Notify:    ns,
		Practical: pr,
		Cases:     cx,
		Rotation:  rotation.NewService(m.store.DB, ps, co, m.Clock),
		Selection: selection.NewService(m.store.DB, ps, selection.RecordFacts{Histories: cs.Histories, Practical: pr, Cases: cx}, m.Clock),
		Secret:    secret, Demo: seed.NewDemoFlag(m.store.DB, m.Clock).Active,
		Cluster: m.node,
	})
	if err != nil {
		return err
	}
	m.listener, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.server.App.Listener(m.listener) }()
	m.log.Info("gridskill is serving", "addr", m.listener.Addr().String())
	// What the leaders' pages read whole, in memory before they first ask
	// (seconds at district scale on the embedded engine). With several
	// instances, read again every 30 s for the others' writes.
	if m.node != nil {
		cs.RefreshCertificates(sharedRefresh)
		co.RefreshLearning(sharedRefresh)
		qs.RefreshGaps(sharedRefresh)
	}
	go func() {
		began := time.Now()
		cs.WarmCertificates()
		co.WarmLearning()
		qs.WarmGaps()
		papers := 0
		if m.node == nil { // with several instances, the first view on the exam's owner reads them
			var err error
			if papers, err = qs.WarmAnalyses(sweepCtx); err != nil && sweepCtx.Err() == nil {
				m.log.Warn("read recent exams' papers for their analyses", "err", err)
			}
		}
		m.log.Info("leaders' figures read into memory", "papers", papers, "ms", time.Since(began).Milliseconds())
	}()
	return nil
}

// sharedRefresh bounds how long, with several instances, one instance's
// certificates, study and practice go unseen on another's leaders' pages.
const sharedRefresh = 30 * time.Second

// Addr is the address the server listens on (useful with port 0).
func (m *Main) Addr() string { return m.listener.Addr().String() }

// Seed loads the demo district, after dropping everything when Reset is set.
func (m *Main) Seed(ctx context.Context) error {
	ps, err := m.open(ctx)
	if err != nil {
		return err
	}
	if m.Config.ContentOnly {
		found, err := ps.ByPhones(ctx, []string{people.NormalizePhone(m.Config.Author)})
		if err != nil {
			return err
		}
		author, ok := found[people.NormalizePhone(m.Config.Author)]
		if !ok {
			return fmt.Errorf("-author %s: no such account", m.Config.Author)
		}
		if err := seed.LoadContent(ctx, m.store.DB, ps, m.Clock, author); err != nil {
			return err
		}
		fmt.Fprintln(m.out, "Training content imported: modules published and question banks loaded, owned by", author.Name)
		return nil
	}
	if m.Config.Reset {
		if err := seed.Reset(ctx, m.store.DB); err != nil {
			return err
		}
		if err := m.store.EnsureIndexes(ctx, people.Indexes(), quiz.Indexes(), certify.Indexes(), courses.Indexes(), contest.Indexes(), practical.Indexes(), cases.Indexes(), rotation.Indexes(), selection.Indexes(), notify.Indexes()); err != nil {
			return err
		}
	}
	if err := seed.LoadDemo(ctx, m.store.DB, ps, m.Clock); err != nil {
		return err
	}
	if err := democontest.Load(ctx, m.store.DB, ps, m.Clock); err != nil {
		return err
	}
	m.printDemoLogins()
	return nil
}

func (m *Main) printDemoLogins() {
	fmt.Fprintln(m.out, "Demo data loaded. Sign in with any of these (password "+seed.DemoPassword+"):")
	for _, l := range seed.DemoLogins() {
		fmt.Fprintf(m.out, "  %-15s %s  %s\n", l.Role, l.Phone, l.Name)
	}
}

// Close stops accepting connections, lets requests in flight finish within
// the grace period, then closes the store. Calling it again does nothing.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.stopJobs != nil {
		m.stopJobs()
	}
	if m.contest != nil {
		m.contest.StopStreams() // live streams never end by themselves
	}
	if m.server != nil {
		errs = append(errs, m.server.App.ShutdownWithTimeout(m.Config.ShutdownGrace))
		// A shutdown that races the server's start misses the listener; closing it ends Serve either way.
		_ = m.listener.Close()
		<-m.served
	}
	if m.node != nil {
		// Served nothing more: hand every exam, round and job over at once
		// rather than when the leases run out.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := m.node.Close(ctx); err != nil {
			m.log.Warn("shutdown: leases left to run out", "err", err)
		}
		cancel()
	}
	if m.contest != nil {
		m.contest.Close()
	}
	if m.quiz != nil {
		// Finished attempts' follow-ups (wrong-answer book, certification,
		// removal from the open ones) are written before the store closes;
		// what does not fit the grace is replayed at the next start.
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownGrace)
		err := m.quiz.Settle(ctx)
		cancel()
		if err != nil {
			// Close would wait for the rest; the next start replays it.
			m.log.Warn("shutdown: finishing work left for the next start", "err", err)
		} else {
			m.quiz.Close()
		}
	}
	if m.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		errs = append(errs, m.store.Close(ctx))
	}
	return errors.Join(errs...)
}

// secret returns the token-signing secret: from configuration, or with the
// embedded database generated once and kept in the data folder (mode 0600).
// With MongoDB it must be configured, since several instances share it.
func (m *Main) secret() ([]byte, error) {
	if s := m.Config.JWTSecret; s != "" {
		if len(s) < 32 {
			return nil, errors.New("GRIDSKILL_JWT_SECRET must be at least 32 characters")
		}
		return []byte(s), nil
	}
	if m.Config.MongoURI != "" {
		return nil, errors.New("GRIDSKILL_JWT_SECRET is required with MONGODB_URI")
	}
	path := filepath.Join(m.Config.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); len(s) >= 32 {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("%s holds no usable secret; delete it to have a new one made", path)
	}
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	s := hex.EncodeToString(b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteString(s + "\n"); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// wireRecordHooks makes certification hear of every record change: a
// completed module, hours added, a passed exam. A failure to re-evaluate is
// logged, never passed back: the change itself is saved, and the hourly
// sweep evaluates the worker again.
func wireRecordHooks(co *courses.Service, qs *quiz.Service, cs *certify.Service, log *slog.Logger) {
	changed := func(ctx context.Context, workerID string) {
		if err := cs.RecordChanged(ctx, workerID); err != nil {
			log.Error("re-evaluate certification", "worker", workerID, "err", err)
		}
	}
	co.Changed = changed
	co.Check = qs
	qs.Finished = func(ctx context.Context, r quiz.AttemptResult) {
		if !r.Passed {
			return
		}
		if m := qs.ExamModule(r.ExamID); m != "" {
			// The module's check is passed: it completes if every lesson is done.
			if err := co.CheckPassed(ctx, r.UserID, m); err != nil && gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
				log.Error("complete the module after its check", "worker", r.UserID, "module", m, "err", err)
			}
		}
		changed(ctx, r.UserID)
	}
}

// splitList reads a comma-separated setting.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
