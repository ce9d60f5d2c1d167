package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

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

// plan is SQLite's query plan for the condition FerretDB looks a document up
// by _id with, on the table of collection coll in the engine's file.
func plan(t *testing.T, dir, coll string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "gridskill.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var table string
	if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&table); err != nil {
		t.Fatalf("table of %s: %v", coll, err)
	}
	rows, err := db.Query(fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"x"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	return strings.Join(out, "; ")
}

// FerretDB looks documents up by _id with an expression its own _id index
// is not built on, so every find, update and delete by _id scanned its table
// (the plan was "SCAN"). The engine indexes that expression in every table,
// at EnsureIndexes and, for collections made later, within seconds.
func TestEmbeddedEngineLooksDocumentsUpByIDThroughAnIndex(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	things := s.DB.Collection("things")
	if _, err := things.InsertMany(ctx, []any{bson.M{"_id": "a", "n": 1}, bson.M{"_id": "b", "n": 2}}); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if p := plan(t, dir, "things"); !strings.Contains(p, "USING INDEX") {
		t.Fatalf("lookup by _id in things: %s; want it through an index", p)
	}
	// Finds, updates and deletes by _id still do what they did.
	if _, err := things.UpdateOne(ctx, bson.M{"_id": "a"}, bson.M{"$set": bson.M{"n": 5}}); err != nil {
		t.Fatal(err)
	}
	var got struct{ N int }
	if err := things.FindOne(ctx, bson.M{"_id": "a"}).Decode(&got); err != nil || got.N != 5 {
		t.Fatalf("find a after its update: %+v %v", got, err)
	}
	if _, err := things.DeleteOne(ctx, bson.M{"_id": "b"}); err != nil {
		t.Fatal(err)
	}
	if n, err := things.CountDocuments(ctx, bson.M{}); err != nil || n != 1 {
		t.Fatalf("%d documents after deleting b (%v); want 1", n, err)
	}
	if _, err := things.InsertOne(ctx, bson.M{"_id": "a"}); !store.IsDuplicate(err) {
		t.Fatalf("a second a: %v; want a duplicate key", err)
	}

	if _, err := s.DB.Collection("later").InsertOne(ctx, bson.M{"_id": "x"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for p := plan(t, dir, "later"); !strings.Contains(p, "USING INDEX"); p = plan(t, dir, "later") {
		if time.Now().After(deadline) {
			t.Fatalf("lookup by _id in a collection made after the start: %s; want an index within seconds", p)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A database dropped and made again (seed -reset) is a new file at the
	// same path; its tables get the index too.
	if err := s.DB.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := things.InsertOne(ctx, bson.M{"_id": "c"}); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if p := plan(t, dir, "things"); !strings.Contains(p, "USING INDEX") {
		t.Fatalf("lookup by _id in a database made again after a drop: %s; want it through an index", p)
	}
}
