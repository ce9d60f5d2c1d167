package people

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/store/storetest"
)

func testUsers(names ...string) []userDoc {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var docs []userDoc
	for i, n := range names {
		docs = append(docs, newUserDoc(User{
			ID: "u" + string(rune('a'+i)), Phone: "1370000000" + string(rune('0'+i)), Name: n, Role: Worker,
			UnitID: "g", UnitPath: []string{"d", "g"}, Active: true, TokenVersion: 2,
		}, "hash-"+n, now))
	}
	return docs
}

func TestReplaceUsers(t *testing.T) {
	ctx := storetest.Context(t)
	r := newRepo(storetest.DB(t))
	old := testUsers("甲", "乙", "丙")
	if err := r.insertUsers(ctx, old); err != nil {
		t.Fatal(err)
	}
	// 乙 signs out meanwhile: its token version moves on, and its rewrite must not happen.
	if _, err := r.bumpTokenVersion(ctx, "ub", bson.M{}); err != nil {
		t.Fatal(err)
	}
	next := testUsers("甲改", "乙改", "丙改")
	missed, err := r.replaceUsers(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if len(missed) != 1 || missed[0].ID != "ub" {
		t.Fatalf("missed %+v, want only ub", missed)
	}
	for id, want := range map[string]string{"ua": "甲改", "ub": "乙", "uc": "丙改"} {
		d, err := r.userByID(ctx, id)
		if err != nil || d.Name != want || d.PasswordHash == "" {
			t.Fatalf("%s: %+v, %v; want name %s", id, d, err, want)
		}
	}
	if d, _ := r.userByID(ctx, "ub"); d.TokenVersion != 3 {
		t.Fatalf("ub's sign-out was overwritten: version %d", d.TokenVersion)
	}
	if n, err := r.pending.CountDocuments(ctx, bson.M{}); err != nil || n != 0 {
		t.Fatalf("%d journal entries left (%v)", n, err)
	}
}

func TestRewriteCutShortIsRepaired(t *testing.T) {
	ctx := storetest.Context(t)
	r := newRepo(storetest.DB(t))
	old := testUsers("甲", "乙")
	if err := r.insertUsers(ctx, old); err != nil {
		t.Fatal(err)
	}
	// A crash after the journal was written and the old documents deleted.
	next := testUsers("甲改", "乙改")
	if _, err := r.pending.InsertMany(ctx, []any{next[0], next[1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.users.DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	d, err := r.userByID(ctx, "ub")
	if err != nil || d.Name != "乙改" || d.PasswordHash != "hash-乙改" {
		t.Fatalf("lookup after the crash: %+v, %v", d, err)
	}
	if d, err := r.userByID(ctx, "ua"); err != nil || d.Name != "甲改" {
		t.Fatalf("the other account: %+v, %v", d, err)
	}
	if n, err := r.pending.CountDocuments(ctx, bson.M{}); err != nil || n != 0 {
		t.Fatalf("%d journal entries left (%v)", n, err)
	}
	if _, err := r.userByID(ctx, "nobody"); err == nil {
		t.Fatal("found an account that never existed")
	}
}
