package notify_test

import (
	"context"
	"testing"
	"time"

	"gridskill/notify"
	"gridskill/seed"
	"gridskill/store"
	"gridskill/store/storetest"
)

func TestNoticesSentOnOneInstanceReachTheOtherOnRefresh(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	a, b := e.db(), e.db()
	a.SetVersions(store.NewVersions(e.database))
	vb := store.NewVersions(e.database)
	b.SetVersions(vb)
	reloads := map[string]func(context.Context) error{notify.VersionName: b.Refresh}
	if _, err := b.Inbox(ctx, seed.WorkerID); err != nil { // b loads before a sends
		t.Fatal(err)
	}
	if err := vb.Check(ctx, reloads); err != nil {
		t.Fatal(err)
	}
	n := []notify.Notice{{ID: "exam:e-1", UserID: seed.WorkerID, Kind: "exam", Text: "New exam: %s, open until %s", Args: []string{"反诈", "2026-12-01"}}}
	if got, err := a.Send(ctx, n); err != nil || got != 1 {
		t.Fatalf("Send on a = %d, %v", got, err)
	}
	if err := vb.Check(ctx, reloads); err != nil {
		t.Fatal(err)
	}
	if inbox, _ := b.Inbox(ctx, seed.WorkerID); len(inbox) != 1 {
		t.Fatalf("b after the check: %+v, want the notice a sent", inbox)
	}
	if got, _ := b.Send(ctx, n); got != 0 {
		t.Fatalf("b sent again a notice a had sent: %d new", got)
	}
	e.clock.Advance(time.Minute)
	if err := a.Clear(ctx, seed.WorkerID, ""); err != nil {
		t.Fatal(err)
	}
	if err := vb.Check(ctx, reloads); err != nil {
		t.Fatal(err)
	}
	if unread, _ := b.Unread(ctx, seed.WorkerID); unread != 0 {
		t.Fatalf("b after a clear on a: %d unread", unread)
	}
}
