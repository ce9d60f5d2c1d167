package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
	"gridskill/store"
)

// TestSeedContentOnlyImportsTrainingWithoutTouchingPeople runs
// `gridskill seed -content-only` on a deployment that has people but no
// training content, twice.
func TestSeedContentOnlyImportsTrainingWithoutTouchingPeople(t *testing.T) {
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("runs on its own embedded data folder")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	count := func(coll string) int64 {
		t.Helper()
		st, err := store.Open(ctx, store.Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close(ctx)
		n, err := st.DB.Collection(coll).CountDocuments(ctx, bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.LoadDistrict(ctx, people.NewService(st.DB, gridskill.SystemClock{})); err != nil {
		t.Fatal(err)
	}
	st.Close(ctx)
	users := count("users")

	none := func(string) string { return "" }
	args := []string{"seed", "-data", dir, "-content-only", "-author", "13900000003"}
	for i := 0; i < 2; i++ {
		if err := run(ctx, args, none, io.Discard); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if n := count("modules"); n != 6 {
			t.Fatalf("run %d: %d modules, want the 6 shipped", i+1, n)
		}
		if n := count("questions"); n < 240 {
			t.Fatalf("run %d: %d questions, want the shipped bank", i+1, n)
		}
		if n := count("users"); n != users {
			t.Fatalf("run %d: people changed from %d to %d", i+1, users, n)
		}
	}
	err = run(ctx, []string{"seed", "-data", dir, "-content-only", "-author", "13900000004"}, none, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not an active trainer or admin") {
		t.Fatalf("a worker as author: %v", err)
	}
	if err := run(ctx, []string{"seed", "-data", dir, "-content-only"}, none, io.Discard); err == nil {
		t.Fatal("-content-only without -author was accepted")
	}
}
