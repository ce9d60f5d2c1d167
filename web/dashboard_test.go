package web

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"gridskill/quiz"
	"gridskill/seed"
)

// dashRig is the app with certification, over the demo district, where the
// demo worker has sat an exam and missed three practice questions of one
// module tag.
type dashRig struct {
	*certRig
	tag string
}

func newDashRig(t *testing.T) *dashRig {
	t.Helper()
	r := &dashRig{certRig: newCertRig(t)}
	c := ctx(t)
	worker, err := r.people.User(c, seed.WorkerID)
	if err != nil {
		t.Fatal(err)
	}
	exams := r.quiz.OpenExams(c, worker)
	if len(exams) == 0 {
		t.Fatal("the demo worker has no open exam")
	}
	p, _, err := r.quiz.Start(c, worker, exams[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.quiz.Submit(c, worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	admin, _ := r.people.User(c, seed.DistrictAdminID)
	tags, err := r.srv.courses.CheckTags(c, admin)
	if err != nil || len(tags) == 0 {
		t.Fatalf("no module tags (%v)", err)
	}
	r.tag = tags[0]
	after := ""
	for range 3 {
		q, err := r.quiz.PracticeQuestion(c, worker, r.tag, after)
		if err != nil {
			t.Fatal(err)
		}
		wrong := "F"
		for _, o := range q.Options {
			if !slices.Contains(q.Correct, o.Key) {
				wrong = o.Key
				break
			}
		}
		if slices.Contains(q.Correct, wrong) {
			wrong = "T"
		}
		if _, err := r.quiz.CheckPractice(c, worker, q.ID, []string{wrong}); err != nil {
			t.Fatal(err)
		}
		after = q.ID
	}
	if err := r.quiz.Settle(c); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDashboardCountsTheAreaAndLinksEachNumber(t *testing.T) {
	r := newDashRig(t)
	var got overviewJSON
	r.call("GET", "/api/v1/dashboard?unit="+seed.Street1ID, r.token("13900000001"), nil, 200, &got)
	if got.Total.Unit.ID != seed.Street1ID || got.Total.Workers == 0 || got.Total.Sat != 1 || len(got.Units) == 0 || len(got.Trend) != 12 {
		t.Fatalf("东湖街道's dashboard: %+v", got)
	}
	sittings := 0
	for _, m := range got.Trend {
		sittings += m.Sittings
	}
	if sittings != 1 || got.Trend[11].Month != "2026-11" {
		t.Fatalf("trend: %+v", got.Trend)
	}
	var list struct {
		People []listedJSON `json:"people"`
	}
	r.call("GET", "/api/v1/dashboard/people?metric=sat&unit="+seed.Street1ID, r.token("13900000001"), nil, 200, &list)
	if len(list.People) != 1 || list.People[0].ID != seed.WorkerID {
		t.Fatalf("the people behind \"sat\": %+v", list.People)
	}
	b := r.as("13900000001")
	resp, body := b.get("/dashboard?unit=" + seed.Street1ID)
	if resp.StatusCode != 200 || !strings.Contains(body, "<svg") || !strings.Contains(body, `id="dash-table"`) || !strings.Contains(body, `id="trend-table"`) ||
		!strings.Contains(body, "/dashboard/people?metric=required-missing&amp;unit="+seed.Street1ID) || !strings.Contains(body, "/dashboard?unit="+seed.Community11ID) {
		t.Fatalf("dashboard page %d lacks a chart, its table or its links", resp.StatusCode)
	}
	if len(body) > 100<<10 {
		t.Fatalf("dashboard page is %d bytes, over 100 KB", len(body))
	}
	_, home := b.get("/")
	if !strings.Contains(home, `id="dash-total"`) {
		t.Fatal("the admin home page has no dashboard")
	}
	resp, _ = b.get("/dashboard/people.xlsx?metric=unsat&unit=" + seed.Street1ID)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestDashboardRefusesAUnitOutsideTheArea(t *testing.T) {
	r := newDashRig(t)
	east := r.token("13900000002") // 东湖街道's admin
	for _, path := range []string{"/api/v1/dashboard?unit=" + seed.Street2ID, "/api/v1/dashboard/people?metric=workers&unit=" + seed.Street2ID,
		"/api/v1/dashboard/gaps?unit=" + seed.Street2ID, "/dashboard?unit=" + seed.Street2ID, "/dashboard/gaps/cell?tag=x&unit=" + seed.Street2ID} {
		resp, body := r.do(jsonReq("GET", path, east, nil))
		if resp.StatusCode != 403 || strings.Contains(body, "枫林社区") {
			t.Errorf("GET %s as 东湖's admin: %d, want 403 without 西山's units", path, resp.StatusCode)
		}
	}
	resp, _ := r.do(jsonReq("GET", "/api/v1/dashboard?unit=no-such-unit", east, nil))
	if resp.StatusCode != 404 {
		t.Errorf("unknown unit: %d, want 404", resp.StatusCode)
	}
	for _, q := range []string{"metric=everyone", "metric=expiring&days=45", "metric=expiring&days=三十", "metric=workers&exam=e-1"} {
		resp, _ := r.do(jsonReq("GET", "/api/v1/dashboard/people?"+q, east, nil))
		if resp.StatusCode != 400 {
			t.Errorf("list %s: %d, want 400", q, resp.StatusCode)
		}
	}
	resp, _ = r.do(jsonReq("GET", "/api/v1/dashboard", r.token(seed.DemoLogins()[3].Phone), nil))
	if resp.StatusCode != 403 {
		t.Errorf("a worker's dashboard: %d, want 403", resp.StatusCode)
	}
}

func TestReminderReachesTheWorkersBadgeOnce(t *testing.T) {
	r := newDashRig(t)
	admin := r.token("13900000002")
	before := r.snapshot()
	resp, _ := r.do(jsonReq("POST", "/api/v1/dashboard/remind", admin, J{"metric": "workers", "unit": seed.Street1ID}))
	if resp.StatusCode != 400 || r.snapshot() != before {
		t.Fatalf("a reminder to a list that is not a chasing list: %d, or it wrote", resp.StatusCode)
	}
	var sent struct{ Notices, Robots, Failed int }
	r.call("POST", "/api/v1/dashboard/remind", admin, J{"metric": "required-missing", "unit": seed.Grid111ID}, 200, &sent)
	if sent.Notices == 0 {
		t.Fatalf("reminder reached nobody: %+v", sent)
	}
	r.call("POST", "/api/v1/dashboard/remind", admin, J{"metric": "required-missing", "unit": seed.Grid111ID}, 200, &sent)
	if sent.Notices != 0 {
		t.Fatalf("the same reminder again the same day: %d new notices", sent.Notices)
	}
	worker := r.as(seed.DemoLogins()[3].Phone)
	_, home := worker.get("/")
	if !strings.Contains(home, `class="badge"`) {
		t.Fatal("the worker's home page shows no badge")
	}
	_, list := worker.get("/notices")
	if !strings.Contains(list, "提醒：请您尽快完成必修培训") || !strings.Contains(list, "新的考试") {
		t.Fatalf("the worker's notices lack the reminder or their own new-exam notice")
	}
	worker.post("/notices", "/notices/clear", nil)
	_, home = worker.get("/")
	if strings.Contains(home, `class="badge"`) {
		t.Fatal("the badge stays after clearing")
	}
}

func TestHeatmapOpensTheWeakestAndAssignsADrill(t *testing.T) {
	r := newDashRig(t)
	var hm struct {
		Tags  []string `json:"tags"`
		Total struct {
			Cells []cellJSON `json:"cells"`
		} `json:"total"`
	}
	r.call("GET", "/api/v1/dashboard/gaps?unit="+seed.Grid111ID, r.token("13900000002"), nil, 200, &hm)
	i := slices.Index(hm.Tags, r.tag)
	if i < 0 || hm.Total.Cells[i].Wrong < 3 || hm.Total.Cells[i].Percent == nil {
		t.Fatalf("heatmap of 第一网格: %+v", hm)
	}
	admin := r.as("13900000002")
	cell := "/dashboard/gaps/cell?" + url.Values{"unit": {seed.Grid111ID}, "tag": {r.tag}}.Encode()
	resp, body := admin.get(cell)
	if resp.StatusCode != 200 || !strings.Contains(body, `data-worker="`+seed.WorkerID+`"`) || !strings.Contains(body, "错题本") {
		t.Fatalf("cell page %d lacks the weak worker or the weakest questions", resp.StatusCode)
	}
	resp, _ = admin.post(cell, "/dashboard/gaps/practice", url.Values{"unit": {seed.Grid111ID}, "tag": {r.tag}})
	if resp.StatusCode != 303 {
		t.Fatalf("assigning the drill: %d", resp.StatusCode)
	}
	var inbox struct {
		Notices []noticeJSON `json:"notices"`
	}
	r.call("GET", "/api/v1/notices", r.token(seed.DemoLogins()[3].Phone), nil, 200, &inbox)
	if !slices.ContainsFunc(inbox.Notices, func(n noticeJSON) bool {
		return strings.Contains(n.Link, "/practice/question?mode=tag") && strings.Contains(n.Text, r.tag)
	}) {
		raw, _ := json.Marshal(inbox)
		t.Fatalf("the weak worker got no drill: %s", raw)
	}
}

func TestHeatmapCellAndItsActionsThroughTheAPI(t *testing.T) {
	r := newDashRig(t)
	admin := r.token("13900000002")
	var cell struct {
		Tag     string `json:"tag"`
		Weakest []struct {
			Question string `json:"question"`
		} `json:"weakest"`
		People []struct {
			ID      string `json:"id"`
			Percent int    `json:"percent"`
		} `json:"people"`
		Modules []struct {
			ID string `json:"id"`
		} `json:"modules"`
	}
	r.call("GET", "/api/v1/dashboard/gaps/cell?"+url.Values{"unit": {seed.Grid111ID}, "tag": {r.tag}}.Encode(), admin, nil, 200, &cell)
	if cell.Tag != r.tag || len(cell.Weakest) == 0 || !slices.ContainsFunc(cell.People, func(p struct {
		ID      string `json:"id"`
		Percent int    `json:"percent"`
	}) bool {
		return p.ID == seed.WorkerID && p.Percent < 60
	}) {
		t.Fatalf("cell: %+v, want the weakest questions and the weak worker", cell)
	}
	var sent struct{ Notices, Robots, Failed int }
	r.call("POST", "/api/v1/dashboard/gaps/practice", admin, map[string]string{"unit": seed.Grid111ID, "tag": r.tag}, 200, &sent)
	if sent.Notices == 0 {
		t.Fatalf("drill sent to nobody: %+v", sent)
	}
	r.call("POST", "/api/v1/dashboard/gaps/practice", admin, map[string]string{"unit": seed.Grid111ID, "tag": r.tag}, 200, &sent)
	if sent.Notices != 0 {
		t.Fatalf("the same drill twice the same day: %+v, want nothing new", sent)
	}
	t.Run("RefusesBadInput", func(t *testing.T) {
		for _, c := range []struct {
			body any
			want int
		}{
			{map[string]string{"unit": seed.Grid111ID, "tag": ""}, 400},
			{map[string]string{"unit": seed.Street2ID, "tag": r.tag}, 403},
			{map[string]string{"unit": "unit-nowhere", "tag": r.tag}, 404},
			{map[string]any{"unit": 7, "tag": r.tag}, 400},
			{map[string]string{"unit": seed.Grid111ID, "tag": r.tag, "module": "m-none"}, 0},
		} {
			path := "/api/v1/dashboard/gaps/practice"
			if c.want == 0 {
				path, c.want = "/api/v1/dashboard/gaps/retrain", 404
			}
			resp, body := r.do(jsonReq("POST", path, admin, c.body))
			if resp.StatusCode != c.want || !strings.Contains(body, `"error"`) {
				t.Errorf("POST %s %v: %d %s, want %d", path, c.body, resp.StatusCode, body, c.want)
			}
		}
	})
	if len(cell.Modules) > 0 {
		var re struct {
			Module  string `json:"module"`
			Notices int    `json:"notices"`
		}
		r.call("POST", "/api/v1/dashboard/gaps/retrain", admin, map[string]string{"unit": seed.Grid111ID, "tag": r.tag, "module": cell.Modules[0].ID}, 200, &re)
		if re.Module != cell.Modules[0].ID || re.Notices == 0 {
			t.Fatalf("retrain: %+v", re)
		}
	}
}

func TestChasingListRefusesAnotherStreetsExam(t *testing.T) {
	r := newDashRig(t)
	c := ctx(t)
	westAdmin, err := r.people.User(c, "user-street-admin-2")
	if err != nil {
		t.Fatal(err)
	}
	e := quiz.Exam{Title: "西岭专属考试", UnitIDs: []string{seed.Street2ID}, OpensAt: r.clock.Now(), ClosesAt: r.clock.Now().Add(48 * time.Hour),
		Duration: 10 * time.Minute, PassMark: 60, MaxAttempts: 1, Rules: []quiz.Rule{{Tag: r.tag, Count: 1}}}
	west, err := r.quiz.CreateExam(c, westAdmin, e)
	if err != nil {
		t.Fatal(err)
	}
	east := r.token("13900000002")
	for _, path := range []string{"/api/v1/dashboard/people?metric=unsat&exam=" + west.ID, "/dashboard/people?metric=unsat&exam=" + west.ID} {
		resp, body := r.do(jsonReq("GET", path, east, nil))
		if resp.StatusCode != 404 || strings.Contains(body, "西岭专属考试") {
			t.Errorf("GET %s as 东湖's admin: %d, want 404 without the exam", path, resp.StatusCode)
		}
	}
	resp, body := r.do(jsonReq("GET", "/api/v1/dashboard/people?metric=unsat&exam="+west.ID, r.token("13900000005"), nil))
	if resp.StatusCode != 200 || !strings.Contains(body, `"people"`) {
		t.Fatalf("西山's admin on their own exam: %d", resp.StatusCode)
	}
}

func TestRobotFormRefusesAMalformedAddress(t *testing.T) {
	r := newDashRig(t)
	admin := r.as("13900000002")
	before := r.snapshot()
	for _, addr := range []string{"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a", "https://evil.example.com/send?key=a", "不是网址"} {
		resp, body := admin.post("/notify/robots", "/notify/robots", url.Values{"unit": {seed.Street1ID}, "kind": {"wecom"}, "url": {addr}})
		if resp.StatusCode != 400 || !strings.Contains(body, `role="alert"`) {
			t.Errorf("robot address %q: %d, want 400 with the problem shown", addr, resp.StatusCode)
		}
	}
	resp, _ := admin.post("/notify/robots", "/notify/robots", url.Values{"unit": {seed.Street2ID}, "kind": {"wecom"}, "url": {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a"}})
	if resp.StatusCode != 403 {
		t.Errorf("东湖's admin setting 西山's robot: %d, want 403", resp.StatusCode)
	}
	if r.snapshot() != before {
		t.Fatal("a refused robot address changed the database")
	}
	resp, _ = admin.post("/notify/robots", "/notify/robots", url.Values{"unit": {seed.Street1ID}, "kind": {"wecom"}, "url": {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=east"}})
	_, page := admin.get("/notify/robots")
	if resp.StatusCode != 303 || !strings.Contains(page, "qyapi.weixin.qq.com") || strings.Contains(page, "key=east") {
		t.Fatalf("a good robot: %d; the page must show its host and not its key", resp.StatusCode)
	}
}
