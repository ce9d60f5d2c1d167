package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/store"
	"gridskill/store/storetest"
)

type mirrorDoc struct {
	ID    string `bson:"_id"`
	N     int    `bson:"n"`
	Extra string `bson:"extra,omitempty"`
}

func mirrorKey(d *mirrorDoc) string { return d.ID }

func viewAll(t *testing.T, m *store.Mirror[mirrorDoc]) map[string]mirrorDoc {
	t.Helper()
	out := map[string]mirrorDoc{}
	if err := m.View(storetest.Context(t), func(docs map[string]mirrorDoc) {
		for k, v := range docs {
			out[k] = v
		}
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMirrorKeepsTheCollectionAndFollowsThisProcesssWrites(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	coll := db.Collection("mirrored")
	for i := range 5 {
		if _, err := coll.InsertOne(ctx, mirrorDoc{ID: fmt.Sprint("d", i), N: i, Extra: "long text"}); err != nil {
			t.Fatal(err)
		}
	}
	m := store.NewMirror(coll, mirrorKey, store.MirrorOptions[mirrorDoc]{Projection: bson.M{"n": 1}})

	t.Run("FirstViewReadsEveryDocumentWithTheProjection", func(t *testing.T) {
		got := viewAll(t, m)
		if len(got) != 5 || got["d3"].N != 3 || got["d3"].Extra != "" {
			t.Fatalf("mirror = %+v, want five documents without extra", got)
		}
	})
	t.Run("AWriteNotToldIsNotSeen", func(t *testing.T) {
		// What another instance writes: the copy is not read again by itself.
		if _, err := coll.UpdateOne(ctx, bson.M{"_id": "d0"}, bson.M{"$set": bson.M{"n": 100}}); err != nil {
			t.Fatal(err)
		}
		if got := viewAll(t, m); got["d0"].N != 0 {
			t.Fatalf("d0 = %d, want the copy held (0)", got["d0"].N)
		}
	})
	t.Run("ChangedReadsTheWrittenDocumentsAgain", func(t *testing.T) {
		if _, err := coll.InsertOne(ctx, mirrorDoc{ID: "d9", N: 9}); err != nil {
			t.Fatal(err)
		}
		if _, err := coll.DeleteOne(ctx, bson.M{"_id": "d4"}); err != nil {
			t.Fatal(err)
		}
		m.Changed(ctx, "d0", "d9", "d4")
		got := viewAll(t, m)
		if got["d0"].N != 100 || got["d9"].N != 9 {
			t.Fatalf("mirror = %+v, want d0 100 and d9 9", got)
		}
		if _, ok := got["d4"]; ok {
			t.Fatal("a deleted document is still held")
		}
	})
	t.Run("AWideWriteMakesTheNextViewReadEverything", func(t *testing.T) {
		var ids []string
		for i := range store.MirrorRereadMax + 1 {
			ids = append(ids, fmt.Sprint("w", i))
			if _, err := coll.InsertOne(ctx, mirrorDoc{ID: ids[i], N: 1}); err != nil {
				t.Fatal(err)
			}
		}
		m.Changed(ctx, ids...)
		if got := viewAll(t, m); len(got) != 5+len(ids) {
			t.Fatalf("mirror holds %d documents, want %d", len(got), 5+len(ids))
		}
	})
	t.Run("PutKeepsAWholeDocumentThroughPrepare", func(t *testing.T) {
		p := store.NewMirror(coll, mirrorKey, store.MirrorOptions[mirrorDoc]{Prepare: func(d *mirrorDoc) { d.Extra = "" }})
		p.Put(mirrorDoc{ID: "early", N: 1}) // nothing held yet: nothing to update
		viewAll(t, p)
		p.Put(mirrorDoc{ID: "p1", N: 7, Extra: "dropped"})
		got := viewAll(t, p)
		if got["p1"].N != 7 || got["p1"].Extra != "" {
			t.Fatalf("p1 = %+v", got["p1"])
		}
		if _, ok := got["early"]; ok {
			t.Fatal("a put before the first read invented a document")
		}
	})
}

func TestMirrorKeepsWritesThatLandDuringItsRead(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	coll := db.Collection("mirrored")
	var docs []any
	for i := range 2000 {
		docs = append(docs, mirrorDoc{ID: fmt.Sprintf("d%04d", i), N: 0, Extra: "some text to make the read take a while"})
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	m := store.NewMirror(coll, mirrorKey, store.MirrorOptions[mirrorDoc]{})
	done := m.Warm()
	// Each writer bumps its documents while the read runs, and tells the
	// mirror after each write, as the services do.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				id := fmt.Sprintf("d%04d", w*500+i*97)
				if _, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"n": 1}}); err != nil {
					t.Error(err)
					return
				}
				m.Changed(ctx, id)
			}
		}()
	}
	wg.Wait()
	<-done
	got := viewAll(t, m)
	for w := range 4 {
		for i := range 5 {
			id := fmt.Sprintf("d%04d", w*500+i*97)
			if got[id].N != 1 {
				t.Errorf("%s = %d, want 1", id, got[id].N)
			}
		}
	}
	if len(got) != 2000 {
		t.Fatalf("mirror holds %d documents, want 2000", len(got))
	}
}

func TestMirrorRefreshReadsAgainInTheBackground(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	coll := db.Collection("mirrored")
	if _, err := coll.InsertOne(ctx, mirrorDoc{ID: "a", N: 1}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	m := store.NewMirror(coll, mirrorKey, store.MirrorOptions[mirrorDoc]{Now: clock})
	m.SetRefresh(30 * time.Second)
	viewAll(t, m)
	if _, err := coll.UpdateOne(ctx, bson.M{"_id": "a"}, bson.M{"$set": bson.M{"n": 2}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(31 * time.Second)
	mu.Unlock()
	// The view past the refresh still answers from the copy held, and
	// starts the read that the next views see.
	if got := viewAll(t, m); got["a"].N != 1 {
		t.Fatalf("a = %d, want the copy held (1) while it is read again", got["a"].N)
	}
	<-m.Warm()
	if got := viewAll(t, m); got["a"].N != 2 {
		t.Fatalf("a = %d after the refresh, want 2", got["a"].N)
	}
}

func TestMirrorViewGivesUpWithItsContext(t *testing.T) {
	db := storetest.DB(t)
	m := store.NewMirror(db.Collection("mirrored"), mirrorKey, store.MirrorOptions[mirrorDoc]{})
	ctx, cancel := context.WithCancel(storetest.Context(t))
	cancel()
	if err := m.View(ctx, func(map[string]mirrorDoc) { t.Fatal("viewed with a cancelled context") }); err == nil {
		t.Fatal("a cancelled view answered")
	}
}
