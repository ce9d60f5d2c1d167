package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/seed"
)

func TestUnitsPage(t *testing.T) {
	r := newRig(t)
	b := r.as(streetPhone)
	t.Run("ShowsOnlyOwnSubtree", func(t *testing.T) {
		resp, body := b.get("/units")
		if resp.StatusCode != 200 || !strings.Contains(body, "东湖街道") || !strings.Contains(body, "翠苑社区") {
			t.Fatalf("units page: %d", resp.StatusCode)
		}
		for _, other := range []string{"西山街道", "枫林社区", "南桥街道"} {
			if strings.Contains(body, other) {
				t.Fatalf("the page shows %s of another street", other)
			}
		}
		if strings.Contains(body, `value="`+seed.DistrictID+`"`) {
			t.Fatal("the district is offered as a parent")
		}
	})
	t.Run("AddsAUnit", func(t *testing.T) {
		resp, _ := b.post("/units", "/units", url.Values{"parent": {seed.Street1ID}, "name": {"新月社区"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/units" {
			t.Fatalf("add: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body := b.get("/units")
		if !strings.Contains(body, "新月社区") || !strings.Contains(body, "单位已添加") {
			t.Fatal("the new unit or the confirmation is missing")
		}
	})
	refusals := []struct {
		name, parent, unit string
		status             int
		message            string
	}{
		{"DuplicateName", seed.Street1ID, "翠苑社区", 409, "东湖街道 下已有名为 翠苑社区 的单位"},
		{"ParentInAnotherStreet", seed.Street2ID, "外来社区", 403, "该单位不在您的管辖范围内"},
		{"ParentAboveTheStreet", seed.DistrictID, "新街道", 403, "该单位不在您的管辖范围内"},
		{"UnknownParent", "unit-nowhere", "某社区", 404, "单位不存在"},
		{"BlankName", seed.Street1ID, "   ", 400, "单位名称不能为空"},
		{"BelowAGrid", seed.Grid111ID, "某楼栋", 400, "网格下不能再设下级单位"},
	}
	for _, tc := range refusals {
		t.Run("Refuses"+tc.name, func(t *testing.T) {
			before := r.snapshot()
			resp, body := b.post("/units", "/units", url.Values{"parent": {tc.parent}, "name": {tc.unit}})
			if resp.StatusCode != tc.status || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, tc.message) {
				t.Fatalf("got %d, want %d with %q", resp.StatusCode, tc.status, tc.message)
			}
			if !strings.Contains(body, `value="`+strings.TrimSpace(tc.unit)+`"`) && strings.TrimSpace(tc.unit) != "" {
				t.Fatal("the form lost what was typed")
			}
			if r.snapshot() != before {
				t.Fatal("a refused unit was written")
			}
		})
	}
	t.Run("APITreeIsOwnSubtree", func(t *testing.T) {
		resp, body := r.do(jsonReq("GET", "/api/v1/units", r.token(streetPhone), nil))
		var root struct {
			ID       string
			People   int
			Children []struct{ Name string }
		}
		if err := json.Unmarshal([]byte(body), &root); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if root.ID != seed.Street1ID || root.People != 12*seed.WorkersPerGrid+3 || len(root.Children) != 4 {
			t.Fatalf("tree root %s, %d people, %d children", root.ID, root.People, len(root.Children))
		}
	})
	t.Run("TrainerRefused", func(t *testing.T) {
		resp, body := r.as(trainerPhone).get("/units")
		friendly(t, resp, body, 403, "您的角色无权进行此操作")
	})
}
