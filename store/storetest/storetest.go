// Package storetest gives each test its own fresh database: on one embedded
// engine per test binary, or on the MongoDB named by MONGODB_URI when set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill/store"
)

var (
	once    sync.Once
	client  *mongo.Client
	engine  *store.Engine
	dataDir string
	openErr error
)

func connect() {
	uri := os.Getenv("MONGODB_URI")
	ctx := context.Background()
	if uri == "" {
		dataDir, openErr = os.MkdirTemp("", "gridskill-test-db-")
		if openErr != nil {
			return
		}
		logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
		engine, openErr = store.StartEngine(ctx, dataDir, logger)
		if openErr != nil {
			return
		}
		uri = engine.URI()
	}
	client, openErr = store.Connect(ctx, uri)
}

// Main runs the package's tests and then stops the shared engine and removes
// its files. Call it from TestMain; without it the engine's temporary folder
// is left behind.
func Main(m *testing.M) {
	code := m.Run()
	if client != nil {
		_ = client.Disconnect(context.Background())
	}
	engine.Close()
	if dataDir != "" {
		_ = os.RemoveAll(dataDir)
	}
	os.Exit(code)
}

// DB returns a new, empty database that is dropped when the test ends.
func DB(t testing.TB) *mongo.Database {
	t.Helper()
	once.Do(connect)
	if openErr != nil {
		t.Fatalf("test database: %v", openErr)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := client.Database(fmt.Sprintf("test_%s", hex.EncodeToString(b)))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// IndexLookups has the embedded engine index lookups by _id in every
// database now (it does so within seconds by itself); with MONGODB_URI it
// does nothing. For benchmarks that fill a collection and then time it.
func IndexLookups(t testing.TB) {
	t.Helper()
	if err := engine.IndexLookups(Context(t)); err != nil {
		t.Fatal(err)
	}
}

// Context returns a context with a deadline for one test step.
func Context(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
