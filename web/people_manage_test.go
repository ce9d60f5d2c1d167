package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/certify"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/seed"
)

func TestPeopleAndUnitsAreManagedThroughThePages(t *testing.T) {
	r := newRig(t)
	admin := r.as("13900000002") // 东湖街道's admin
	t.Run("EditMovesAPersonToAnotherGrid", func(t *testing.T) {
		resp, body := admin.post("/people/worker-0005", "/people/worker-0005", url.Values{"name": {"周改名"}, "role": {"worker"}, "unit": {seed.Grid112ID}, "joinedOn": {"2024-03-01"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d %.300s", resp.StatusCode, body)
		}
		if u := mustUser(t, r, "worker-0005"); u.Name != "周改名" || u.UnitID != seed.Grid112ID {
			t.Fatalf("after the edit: %+v", u)
		}
		resp, body = admin.post("/people/worker-0005", "/people/worker-0005", url.Values{"name": {"周改名"}, "role": {"worker"}, "unit": {seed.Community11ID}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "网格员必须属于某个网格") {
			t.Fatalf("a worker outside a grid: %d %.300s", resp.StatusCode, body)
		}
	})
	t.Run("BulkDeactivation", func(t *testing.T) {
		resp, body := admin.post("/roster", "/roster/deactivate", url.Values{"id": {"worker-0006", "worker-0007"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("deactivate: %d %.300s", resp.StatusCode, body)
		}
		if mustUser(t, r, "worker-0006").Active || mustUser(t, r, "worker-0007").Active {
			t.Fatal("the leavers are still active")
		}
		resp, body = admin.post("/roster", "/roster/deactivate", url.Values{"id": {"worker-0008", "worker-0100"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "已停用 1 人") || strings.Contains(body, mustUser(t, r, "worker-0100").Name) {
			t.Fatalf("a list with another street's worker: %d %.600s", resp.StatusCode, body)
		}
	})
	t.Run("DeleteIsRefusedWithTheReason", func(t *testing.T) {
		resp, body := admin.post("/units/"+seed.Grid111ID, "/units/"+seed.Grid111ID+"/delete", url.Values{})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "不能删除") || !strings.Contains(body, "个账号属于它") {
			t.Fatalf("delete of a grid with people: %d %.400s", resp.StatusCode, body)
		}
		resp, body = admin.post("/units", "/units", url.Values{"parent": {seed.Community11ID}, "name": {"临时网格"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d %.300s", resp.StatusCode, body)
		}
		tree, _ := r.people.Tree(ctx(t))
		u, _ := tree.Child(seed.Community11ID, "临时网格")
		resp, body = admin.post("/units/"+u.ID, "/units/"+u.ID+"/rename", url.Values{"name": {"备用网格"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: %d %.300s", resp.StatusCode, body)
		}
		resp, body = admin.post("/units/"+u.ID, "/units/"+u.ID+"/delete", url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete of an empty grid: %d %.300s", resp.StatusCode, body)
		}
	})
	t.Run("DeleteIsRefusedWhileACertificationProgramIsForIt", func(t *testing.T) {
		resp, body := admin.post("/units", "/units", url.Values{"parent": {seed.Community11ID}, "name": {"认证网格"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d %.300s", resp.StatusCode, body)
		}
		tree, _ := r.people.Tree(ctx(t))
		u, _ := tree.Child(seed.Community11ID, "认证网格")
		cs := certify.NewService(r.db, r.people, r.clock, certify.Config{})
		r.srv.certify = cs
		if err := cs.SeedProgram(ctx(t), certify.Program{ID: "grid-program", Name: "网格证书", IssuerID: seed.Street1ID, ValidityMonths: 12,
			Audience: []string{u.ID}, Requirements: scoring.Requirements{Modules: []scoring.ModuleReq{{ModuleID: "m-fraud", MinVersion: 1}}}}); err != nil {
			t.Fatal(err)
		}
		resp, body = admin.post("/units/"+u.ID, "/units/"+u.ID+"/delete", url.Values{})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "有面向它的认证项目") {
			t.Fatalf("delete of a grid a program is for: %d %.400s", resp.StatusCode, body)
		}
		if _, ok := mustTree(t, r).Unit(u.ID); !ok {
			t.Fatal("the refused delete removed the unit")
		}
	})
}

func mustTree(t *testing.T, r *rig) *people.Tree {
	t.Helper()
	tree, err := r.people.Tree(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return tree
}
