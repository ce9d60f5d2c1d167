package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/courses"
	"gridskill/seed"
)

// TestRotationPagesScheduleAttendAndPlace: the street admin plans a cycle,
// adds a batch, schedules the demo worker, links a session they signed in
// at, sees who is not scheduled yet, and records a placement that shows on
// the worker's learning record.
func TestRotationPagesScheduleAttendAndPlace(t *testing.T) {
	r := newRig(t)
	admin, worker := r.browser(), r.browser()
	admin.signIn(seed.DemoLogins()[1].Phone, seed.DemoPassword)
	worker.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)
	resp, _ := admin.post("/rotation", "/rotation", url.Values{"title": {"“6+1+3”轮训"}, "start": {"2026-01-01"}, "end": {"2026-12-31"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan: %d", resp.StatusCode)
	}
	plan := resp.Header.Get("Location")
	if resp, body := admin.post(plan, plan+"/batches", url.Values{"title": {"第一期"}, "start": {"2027-01-01"}, "end": {"2027-01-05"}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "期次须在计划周期之内") {
		t.Fatalf("a batch outside the cycle: %d", resp.StatusCode)
	}
	admin.post(plan, plan+"/batches", url.Values{"title": {"第一期"}, "start": {"2026-11-01"}, "end": {"2026-11-30"}})
	if resp, body := admin.post(plan, plan+"/batches/b1/people", url.Values{"phones": {seed.DemoLogins()[3].Phone + "\n13900100100"}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "此人不在计划所属单位") {
		t.Fatalf("a worker of another street: %d %s", resp.StatusCode, problemOf(body))
	}
	admin.post(plan, plan+"/batches/b1/people", url.Values{"phones": {seed.DemoLogins()[3].Phone}})
	streetAdmin, _ := r.people.User(ctx(t), seed.StreetAdminID)
	sess, err := r.srv.courses.RecordSession(ctx(t), streetAdmin, courses.SessionInput{Topic: "第一期集中培训", Date: "2026-11-20", Hours: 6, Place: "街道会议室", Trainer: "吴丽华"},
		[]courses.SignInRow{{Line: 1, Phone: seed.DemoLogins()[3].Phone}})
	if err != nil {
		t.Fatal(err)
	}
	admin.post(plan, plan+"/batches/b1/sessions", url.Values{"session": {sess.ID}})
	_, body := admin.get(plan)
	if !strings.Contains(body, "已编入 1 人，已参训 1 人，尚未编入 96 人") {
		t.Fatalf("coverage counts: %s", regexpFind(body, `id="coverage-counts">([^<]*)<`))
	}
	resp, _ = admin.post("/learn/record?worker="+seed.WorkerID, "/placements", url.Values{"worker": {seed.WorkerID}, "kind": {"shadow"}, "place": {"街道便民服务中心"}, "start": {"2026-10-08"}, "days": {"10"}, "rating": {"5"}, "evaluation": {"业务熟练，群众满意"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("placement: %d", resp.StatusCode)
	}
	_, body = worker.get("/learn/record")
	if !strings.Contains(body, "街道便民服务中心") || !strings.Contains(body, "业务熟练，群众满意") {
		t.Fatalf("the worker's record lacks the placement")
	}
	if resp, _ := worker.post("/learn/record", "/placements", url.Values{"worker": {seed.WorkerID}, "kind": {"shadow"}, "place": {"x"}, "start": {"2026-10-08"}, "days": {"1"}, "rating": {"5"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a worker recording their own placement: %d", resp.StatusCode)
	}
}
