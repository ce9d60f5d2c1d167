package store_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gridskill/store"
)

// The embedded engine has no authentication, so it must not listen where
// another local account can reach it.
func TestEmbeddedEngineListensOnlyOnAPrivateUnixSocket(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil { // a data folder others may list
		t.Fatal(err)
	}
	// A socket left behind by a killed process must not stop the next start.
	if err := os.MkdirAll(filepath.Join(dir, "socket"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "socket", "engine.sock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())

	uri := s.EngineURI()
	host, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(uri, "mongodb://"), "/"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "socket", "engine.sock"); host != want {
		t.Fatalf("engine listens at %q (URI %s), want the socket %s", host, uri, want)
	}
	fi, err := os.Stat(filepath.Join(dir, "socket"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Fatalf("socket folder mode %v, want 0700", perm)
	}
	if fi, err := os.Stat(host); err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("%s is not a socket (%v)", host, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping over the socket: %v", err)
	}
}

func TestEmbeddedEngineInADeepFolderUsesAPrivateTemporarySocket(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 90))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	host, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(s.EngineURI(), "mongodb://"), "/"))
	if len(host) > 107 || strings.HasPrefix(host, dir) {
		t.Fatalf("socket %q: want a short path outside the deep data folder", host)
	}
	fi, err := os.Stat(filepath.Dir(host))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("temporary socket folder %v (%v), want mode 0700", fi, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping over the socket: %v", err)
	}
	s.Close(context.Background())
	if _, err := os.Stat(filepath.Dir(host)); !os.IsNotExist(err) {
		t.Fatalf("temporary socket folder left behind after Close (%v)", err)
	}
}
