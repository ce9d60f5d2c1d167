package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/courses"
	"gridskill/seed"
)

// TestPracticalPagesFromChecklistToAcceptedHours walks the pages: the street
// admin writes and assigns a checklist, the worker records and submits it,
// the admin returns one item and accepts it resubmitted, and the worker's
// learning record shows the hours. Bad input on the way changes nothing.
func TestPracticalPagesFromChecklistToAcceptedHours(t *testing.T) {
	r := newRig(t)
	admin, worker := r.browser(), r.browser()
	admin.signIn(seed.DemoLogins()[1].Phone, seed.DemoPassword)
	worker.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)

	resp, body := admin.post("/practical/checklists/new", "/practical/checklists", url.Values{"title": {"巡查清单"}, "hours": {"3"}, "items": {"只有一栏"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请按“分组 | 任务 | 佐证材料 | 次数”填写") || !strings.Contains(body, "只有一栏") {
		t.Fatalf("a malformed item line: %d %s", resp.StatusCode, problemOf(body))
	}
	resp, _ = admin.post("/practical/checklists/new", "/practical/checklists", url.Values{"title": {"巡查清单"}, "hours": {"3"},
		"items": {"安全卫士 | 巡查1个网格 | 照片,说明 | 1\n宣传先锋 | 开展反诈宣传 | 次数 | 2"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	page := resp.Header.Get("Location")
	id := lastPath(page)

	resp, body = admin.post(page, page+"/assign", url.Values{"phones": {seed.DemoLogins()[3].Phone}, "mentor": {"13900000005"}, "due": {"2026-12-20"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "带教人不在您的管辖范围内") {
		t.Fatalf("a mentor of another street: %d %s", resp.StatusCode, problemOf(body))
	}
	resp, _ = admin.post(page, page+"/assign", url.Values{"phones": {seed.DemoLogins()[3].Phone}, "mentor": {seed.DemoLogins()[1].Phone}, "due": {"2026-12-20"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", resp.StatusCode)
	}
	tasks, err := r.srv.practical.Progress(ctx(t), check(r.people.User(ctx(t), seed.StreetAdminID)).of(t), id)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("progress: %v %v", tasks, err)
	}
	task := "/tasks/" + tasks[0].ID

	_, body = worker.get("/tasks")
	if !strings.Contains(body, "巡查清单") {
		t.Fatalf("the worker's task list lacks the task")
	}
	if resp, body = worker.upload(task, task+"/items/i1/photos", "照片.png", []byte("这是一段文字"), nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "PNG") {
		t.Fatalf("a text file as a photo: %d %s", resp.StatusCode, problemOf(body))
	}
	big := append(testPNG(8, 8), make([]byte, courses.MaxImageBytes)...)
	if resp, _ = worker.upload(task, task+"/items/i1/photos", "大图.png", big, nil); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a photo over the limit: %d", resp.StatusCode)
	}
	if resp, body = worker.post(task, task+"/submit", nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "还缺少照片") {
		t.Fatalf("submitting without evidence: %d %s", resp.StatusCode, problemOf(body))
	}
	if resp, _ = worker.upload(task, task+"/items/i1/photos", "照片.png", testPNG(8, 8), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("photo: %d", resp.StatusCode)
	}
	for item, form := range map[string]url.Values{"i1": {"note": {"发现楼道堆放杂物"}}, "i2": {"count": {"2"}}} {
		if resp, _ = worker.post(task, task+"/items/"+item, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save %s: %d", item, resp.StatusCode)
		}
	}
	if resp, body = worker.post(task, task+"/items/i2", url.Values{"count": {"两次"}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "次数必须是整数") {
		t.Fatalf("a count in words: %d %s", resp.StatusCode, problemOf(body))
	}
	if resp, _ = worker.post(task, task+"/submit", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}

	_, body = admin.get(task)
	if !strings.Contains(body, "发现楼道堆放杂物") || strings.Count(body, `value="accept"`) != 2 {
		t.Fatalf("the mentor's page lacks the entries or the review forms")
	}
	if resp, _ = worker.post(task, task+"/items/i1/review", url.Values{"decision": {"accept"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the worker reviewing: %d", resp.StatusCode)
	}
	admin.post(task, task+"/items/i1/review", url.Values{"decision": {"accept"}})
	admin.post(task, task+"/items/i2/review", url.Values{"decision": {"return"}, "comment": {"请补充宣传照片说明"}})
	_, body = worker.get(task)
	if !strings.Contains(body, "请补充宣传照片说明") || !strings.Contains(body, "已退回") {
		t.Fatalf("the worker does not see the returned item")
	}
	worker.post(task, task+"/items/i2", url.Values{"count": {"3"}})
	worker.post(task, task+"/submit", nil)
	if resp, _ = admin.post(task, task+"/items/i2/review", url.Values{"decision": {"accept"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepting the resubmission: %d", resp.StatusCode)
	}
	_, body = worker.get("/learn/record")
	if !strings.Contains(body, `<dd id="offline-hours">3 学时</dd>`) || !strings.Contains(body, "巡查清单") {
		t.Fatalf("the learning record lacks the hours: %s", body[strings.Index(body, "<main>"):])
	}
}

func TestPracticalAPIRefusals(t *testing.T) {
	r := newRig(t)
	admin, worker := r.token(seed.DemoLogins()[1].Phone), r.token(seed.DemoLogins()[3].Phone)
	resp, body := r.do(jsonReq("POST", "/api/v1/checklists/"+seed.EightTasksID+"/tasks", admin, J{"phones": []string{seed.DemoLogins()[3].Phone}, "mentor": seed.DemoLogins()[1].Phone, "due": "2026-12-20"}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("assign: %d %s", resp.StatusCode, body)
	}
	var out struct {
		Tasks []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || len(out.Tasks) != 1 {
		t.Fatalf("assign: %s", body)
	}
	task := "/api/v1/tasks/" + out.Tasks[0].ID
	// The worker's page of the 八个一, every item's form on it, stays light.
	b := r.browser()
	b.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)
	if _, page := b.get("/tasks/" + out.Tasks[0].ID); len(page) > 30<<10 || !strings.Contains(page, "巡查1个网格") {
		t.Fatalf("the task page is %d bytes uncompressed", len(page))
	}
	cases := []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"RejectsWrongType", jsonReq("PUT", task+"/items/i1", worker, `{"note": {"$gt": ""}}`), 400},
		{"RejectsUnknownItem", jsonReq("PUT", task+"/items/i99", worker, J{"note": "x"}), 404},
		{"RejectsOthersEntry", jsonReq("PUT", task+"/items/i1", admin, J{"note": "x"}), 403},
		{"RejectsReviewWithoutDecision", jsonReq("POST", task+"/items/i1/review", admin, J{"comment": "x"}), 400},
		{"RejectsReviewBeforeSubmit", jsonReq("POST", task+"/items/i1/review", admin, J{"accept": true}), 409},
		{"RejectsTextAsPhoto", uploadReq(task+"/items/i1/photos", worker, "a.png", []byte("not an image")), 400},
		{"RejectsSVGPhoto", uploadReq(task+"/items/i1/photos", worker, "a.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)), 400},
		{"RejectsMissingPhoto", jsonReq("POST", task+"/items/i1/photos", worker, J{}), 400},
		{"RejectsTooLargePhoto", uploadReq(task+"/items/i1/photos", worker, "a.png", append(testPNG(4, 4), make([]byte, courses.MaxImageBytes)...)), 413},
		{"RejectsWorkerCreatingChecklist", jsonReq("POST", "/api/v1/checklists", worker, J{"title": "x", "hours": 1, "items": []J{{"description": "x", "evidence": []string{"note"}, "times": 1}}}), 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if resp, body := r.do(c.req); resp.StatusCode != c.status {
				t.Fatalf("%d, want %d: %s", resp.StatusCode, c.status, body)
			}
		})
	}
	resp, body = r.do(jsonReq("GET", task, worker, nil))
	if resp.StatusCode != 200 || !strings.Contains(body, `"entries":{"i1":{"note":"","count":0,"date":"","place":"","photos":[],"state":"recorded"`) {
		t.Fatalf("after refusals the task changed: %s", body)
	}
}

func TestProgramFormOffersChecklists(t *testing.T) {
	r := newCertRig(t)
	r.srv.certify.Checklists = r.srv.practical
	admin := r.browser()
	admin.signIn(seed.DemoLogins()[0].Phone, seed.DemoPassword)
	resp, body := admin.get("/certification/programs/new")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="checklist" value="`+seed.FirstMonthID+`"`) {
		t.Fatalf("the program form offers no checklist: %d", resp.StatusCode)
	}
	resp, body = admin.post("/certification/programs/new", "/certification/programs", url.Values{"name": {"新网格员上岗"}, "validity": {"24"}, "checklist": {seed.FirstMonthID}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving a program that requires a checklist: %d %s", resp.StatusCode, problemOf(body))
	}
	resp, body = admin.post("/certification/programs/new", "/certification/programs", url.Values{"name": {"假清单证书"}, "validity": {"24"}, "checklist": {"pc-forged"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "没有任务清单") {
		t.Fatalf("a forged checklist id: %d %s", resp.StatusCode, problemOf(body))
	}
}
