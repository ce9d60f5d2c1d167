package people_test

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/people"
	"gridskill/seed"
)

func TestWorkersAndPhonesComeFromTheAccountsHeld(t *testing.T) {
	f := newFixture(t)
	// What the users collection holds: the active workers of street 1.
	cur, err := f.db.Collection("users").Find(f.ctx, bson.M{"unitPath": seed.Street1ID, "role": "worker", "active": true})
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		ID    string `bson:"_id"`
		Phone string `bson:"phone"`
	}
	if err := cur.All(f.ctx, &docs); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, d := range docs {
		want = append(want, d.ID)
	}
	slices.Sort(want)
	ids := func() []string {
		t.Helper()
		ws, err := f.ps.Workers(context.Background(), seed.Street1ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, w := range ws {
			if w.Role != people.Worker || !w.Active || !people.InScope(w.UnitPath, seed.Street1ID) {
				t.Fatalf("%s (%s, active %v, %v) is not an active worker of street 1", w.ID, w.Role, w.Active, w.UnitPath)
			}
			out = append(out, w.ID)
		}
		return out
	}
	if got := ids(); len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("workers of street 1: %d from memory, %d in the collection", len(got), len(want))
	}
	street := f.user(t, seed.StreetAdminID)
	if n, _, err := f.ps.DeactivateMany(f.ctx, street, []string{want[0]}); err != nil || n != 1 {
		t.Fatalf("deactivate: %d %v", n, err)
	}
	if got := ids(); slices.Contains(got, want[0]) || len(got) != len(want)-1 {
		t.Fatalf("a deactivated worker is still listed: %d workers", len(got))
	}
	known, err := f.ps.ByPhones(f.ctx, []string{docs[1].Phone, "13000000000", ""})
	if err != nil || len(known) != 1 || known[docs[1].Phone].ID != docs[1].ID {
		t.Fatalf("by phones: %+v %v; want only %s", known, err, docs[1].ID)
	}
}
