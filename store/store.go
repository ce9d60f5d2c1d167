// Package store opens the database: MongoDB when a URI is configured, otherwise
// an embedded MongoDB-compatible engine (FerretDB over SQLite) started in this
// process. Both are reached through the official driver, so the rest of
// Gridskill has one code path.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
)

// Config says which database to open.
type Config struct {
	// URI of a MongoDB deployment. Empty starts the embedded engine.
	URI string
	// DataDir holds the embedded engine's files (ignored with a URI).
	DataDir string
	// Database name; "gridskill" when empty.
	Database string
	// Logger receives the embedded engine's own messages, at error level only.
	Logger *slog.Logger
}

// Store is an open database.
type Store struct {
	Client   *mongo.Client
	DB       *mongo.Database
	Embedded bool

	engine *Engine
}

// Open connects to MongoDB, or starts the embedded engine, and pings it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	name := cfg.Database
	if name == "" {
		name = "gridskill"
	}
	s := &Store{}
	uri := cfg.URI
	if uri == "" {
		e, err := StartEngine(ctx, cfg.DataDir, cfg.Logger)
		if err != nil {
			return nil, err
		}
		s.engine, s.Embedded, uri = e, true, e.URI()
	}
	client, err := Connect(ctx, uri)
	if err != nil {
		s.engine.Close()
		return nil, err
	}
	s.Client, s.DB = client, client.Database(name)
	return s, nil
}

// Connect opens a driver client to uri and waits until it answers a ping.
func Connect(ctx context.Context, uri string) (*mongo.Client, error) {
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(10 * time.Second).
		SetTimeout(30 * time.Second)
	if sock, ok := socketOf(uri); ok {
		opts.SetDialer(socketDialer(sock))
	}
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return client, nil
}

// socketOf returns the Unix socket a URI names as its only host.
func socketOf(uri string) (string, bool) {
	rest, ok := strings.CutPrefix(uri, "mongodb://")
	if !ok {
		return "", false
	}
	host, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	path, err := url.PathUnescape(host)
	if err != nil || !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, ".sock") || strings.Contains(path, ",") {
		return "", false
	}
	return path, true
}

// socketDialer dials one Unix socket. The driver lowercases every host it
// is given, a socket's path included, so a socket in a folder whose name has
// a capital letter would otherwise never be found.
type socketDialer string

func (d socketDialer) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	if network != "unix" {
		return nil, fmt.Errorf("database at socket %s: dial over %s refused", string(d), network)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, "unix", string(d))
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.Client.Ping(ctx, readpref.Primary())
}

// EngineURI is the embedded engine's connection string, empty with MongoDB.
func (s *Store) EngineURI() string {
	if s.engine == nil {
		return ""
	}
	return s.engine.URI()
}

// Close disconnects the driver, then stops the embedded engine if there is one.
func (s *Store) Close(ctx context.Context) error {
	err := s.Client.Disconnect(ctx)
	s.engine.Close()
	return err
}

// Engine is a running embedded FerretDB.
type Engine struct {
	f       *ferretdb.FerretDB
	sock    string
	lookups *lookups
	cancel  context.CancelFunc
	done    chan struct{}
}

// sqliteOptions are set on every SQLite connection of the engine.
//
// FerretDB keeps up to 100 connections open, each with SQLite's default page
// cache of 2 MB; under a burst of requests those caches took some 40 MB that
// was never given back. Scans, the engine's usual query, read a table once
// through and gain nothing from a large cache, so each connection keeps 512 KB.
//
// FerretDB writes inside transactions that may read before they write. A
// deferred transaction that reads and then finds another write committed
// meanwhile is refused at once (SQLITE_BUSY), without waiting; load tests saw
// submits and wrong-answer-book updates refused so. An immediate transaction
// takes the write lock when it begins, waiting its turn (busy_timeout), and is
// never refused for that. SQLite has one writer at a time either way.
const sqliteOptions = "_pragma=cache_size(-512)&_txlock=immediate"

// StartEngine starts FerretDB with its SQLite backend over dir. It listens on
// a Unix socket in a folder only this account may enter (dir/socket, mode
// 0700), never on TCP: the engine has no authentication, so a loopback port
// would let any local user read and change the database. logger may be nil;
// the engine logs every refused command (a duplicate key included) with the
// whole wire message, so it only ever gets to say errors.
func StartEngine(ctx context.Context, dir string, logger *slog.Logger) (*Engine, error) {
	if dir == "" {
		return nil, errors.New("embedded database: no data folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	if logger == nil {
		logger = slog.Default()
	}
	quiet := slog.New(levelFloor{logger.Handler(), slog.LevelError})
	sock, cleanup, err := socketPath(abs)
	if err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/?" + sqliteOptions,
		Logger:    quiet,
	})
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	e := &Engine{f: f, sock: sock, lookups: newLookups(abs), cancel: cancel, done: make(chan struct{})}
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		e.lookups.run(runCtx, func(err error) { logger.Error("embedded database: index lookups by id", "err", err) })
	}()
	go func() {
		defer close(e.done)
		defer cleanup()
		_ = f.Run(runCtx)
		<-indexed
	}()
	return e, nil
}

// IndexLookups gives every table of the engine's files the index its lookups
// by _id use (see lookup.go) now, rather than within lookupEvery. A nil
// engine is a no-op.
func (e *Engine) IndexLookups(ctx context.Context) error {
	if e == nil {
		return nil
	}
	return e.lookups.ensure(ctx)
}

// maxSocketPath is the longest Unix socket path Linux accepts (sun_path is
// 108 bytes, one of them the terminating NUL).
const maxSocketPath = 107

// socketPath makes the folder of the engine's socket, mode 0700 whatever the
// data folder's own mode, and clears a socket a killed process left behind
// (the data folder's SQLite files are one process's at a time anyway). A data
// folder too deep for a socket path gets a private temporary folder instead,
// removed when the engine stops.
func socketPath(dataDir string) (path string, cleanup func(), err error) {
	folder := filepath.Join(dataDir, "socket")
	cleanup = func() {}
	if len(filepath.Join(folder, "engine.sock")) > maxSocketPath {
		if folder, err = os.MkdirTemp("", "gridskill-db-"); err != nil {
			return "", nil, err
		}
		tmp := folder
		cleanup = func() { os.RemoveAll(tmp) }
	} else if err := os.MkdirAll(folder, 0o700); err != nil {
		return "", nil, err
	}
	if err := os.Chmod(folder, 0o700); err != nil {
		cleanup()
		return "", nil, err
	}
	path = filepath.Join(folder, "engine.sock")
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		cleanup()
		return "", nil, err
	}
	return path, cleanup, nil
}

// URI is the driver connection string of the engine: its socket's path,
// escaped, as the host.
func (e *Engine) URI() string { return "mongodb://" + url.PathEscape(e.sock) + "/" }

// Close stops the engine and waits for it to flush and exit. A nil engine is a no-op.
func (e *Engine) Close() {
	if e == nil {
		return
	}
	e.cancel()
	<-e.done
}

// levelFloor drops records below a minimum level.
type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFloor) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFloor{h.Handler.WithAttrs(a), h.min}
}

func (h levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{h.Handler.WithGroup(name), h.min}
}
