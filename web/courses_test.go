package web

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gridskill/courses"
	"gridskill/seed"
	"gridskill/sheet"
)

func testPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{20, 90, 200, 255})
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// apiUpload posts a multipart file to the API with a Bearer token.
func (r *rig) apiUpload(path, token, filename string, data []byte) (int, string) {
	r.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, body := r.do(req)
	return resp.StatusCode, body
}

// publishModule writes a two-lesson module with an image through the API
// as the trainer, publishes it and assigns it to street 1.
func publishModule(t *testing.T, r *rig, token string) (id string, lessons []string) {
	t.Helper()
	status, body := r.apiUpload("/api/v1/media", token, "cover.png", testPNG(64, 32))
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	var img struct{ URL string }
	mustJSON(t, body, &img)
	status, out, raw := r.apiJSON("POST", "/api/v1/modules", token, map[string]any{"title": "冒充客服退款诈骗", "category": "anti_fraud", "minutes": 10, "summary": "新套路"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, raw)
	}
	id = out["id"].(string)
	for i, md := range []string{"## 套路\n\n骗子自称**客服**。\n\n![退款页面](" + img.URL + ")", "## 怎么办\n\n| 做 | 不做 |\n|---|---|\n| 挂断 | 转账 |"} {
		status, out, raw = r.apiJSON("POST", "/api/v1/modules/"+id+"/lessons", token, map[string]any{"title": []string{"识别", "应对"}[i], "markdown": md})
		if status != http.StatusCreated {
			t.Fatalf("lesson: %d %s", status, raw)
		}
		lessons = append(lessons, out["id"].(string))
	}
	if status, _, raw = r.apiJSON("POST", "/api/v1/modules/"+id+"/publish", token, map[string]any{}); status != 200 {
		t.Fatalf("publish: %d %s", status, raw)
	}
	due := r.clock.Now().AddDate(0, 0, 30).Format("2006-01-02")
	if status, _, raw = r.apiJSON("POST", "/api/v1/modules/"+id+"/assignments", token, map[string]any{"unitId": seed.Street1ID, "required": true, "due": due}); status != 200 {
		t.Fatalf("assign: %d %s", status, raw)
	}
	return id, lessons
}

func TestCoursesWorkerStudiesAndTrainerSeesCompletionByGrid(t *testing.T) {
	r := newRig(t)
	token := r.token("13900000003")
	id, lessons := publishModule(t, r, token)

	worker := r.as("13900000004")
	_, home := worker.get("/")
	if !strings.Contains(home, `id="my-learning"`) || !strings.Contains(home, "冒充客服退款诈骗") {
		t.Fatalf("home does not list the assigned module:\n%s", home)
	}
	resp, page := worker.get("/learn/" + id + "/" + lessons[0])
	if resp.StatusCode != 200 || !strings.Contains(page, `<img src="/media/`) || !strings.Contains(page, "/static/lesson.js") {
		t.Fatalf("lesson page: %d\n%s", resp.StatusCode, page)
	}
	if len(page) > 30_000 {
		t.Errorf("lesson page is %d bytes; a worker page must stay under 30 KB", len(page))
	}
	img := regexpFind(page, `src="(/media/[0-9a-f]+)"`)
	resp, _ = worker.get(img)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("image: %d %v", resp.StatusCode, resp.Header)
	}

	t.Run("HeartbeatNeedsCSRFWithTheCookie", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/v1/modules/"+id+"/lessons/"+lessons[0]+"/heartbeat", nil)
		if resp, _ := worker.send(req); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("heartbeat without a token: %d", resp.StatusCode)
		}
		csrf := regexpFind(page, `data-csrf="([^"]+)"`)
		for _, wait := range []time.Duration{0, 30 * time.Second} {
			r.clock.Advance(wait)
			req := httptest.NewRequest("POST", "/api/v1/modules/"+id+"/lessons/"+lessons[0]+"/heartbeat", nil)
			req.Header.Set("X-CSRF-Token", csrf)
			resp, body := worker.send(req)
			if resp.StatusCode != 200 {
				t.Fatalf("heartbeat: %d %s", resp.StatusCode, body)
			}
			if wait > 0 && !strings.Contains(body, `"credited":30`) {
				t.Fatalf("second beat: %s", body)
			}
		}
	})

	t.Run("EarlyTapGoesBackToTheLesson", func(t *testing.T) {
		_, page := worker.get("/learn/" + id + "/" + lessons[1])
		if !strings.Contains(page, `id="ready-note"`) {
			t.Fatalf("a lesson just opened says nothing of its reading time:\n%s", page)
		}
		resp, _ := worker.post("/learn/"+id+"/"+lessons[1], "/learn/"+id+"/"+lessons[1]+"/complete", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/learn/"+id+"/"+lessons[1] {
			t.Fatalf("early tap: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, page := worker.get("/learn/" + id); !strings.Contains(page, "0 / 2") {
			t.Fatal("the early tap marked the lesson done")
		}
	})
	r.clock.Advance(courses.MaxMinRead)
	for _, l := range lessons {
		for i := 0; i < 2; i++ { // a double tap
			resp, body := worker.post("/learn/"+id+"/"+l, "/learn/"+id+"/"+l+"/complete", nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("complete: %d %s", resp.StatusCode, body)
			}
		}
	}
	_, page = worker.get("/learn/" + id)
	if !strings.Contains(page, `id="module-done"`) {
		t.Fatalf("module page after completing:\n%s", page)
	}
	status, rec, raw := r.apiJSON("GET", "/api/v1/records/me", r.token("13900000004"), nil)
	if status != 200 || len(rec["completed"].([]any)) != 1 {
		t.Fatalf("record: %d %s", status, raw)
	}

	t.Run("ReportByGrid", func(t *testing.T) {
		status, out, raw := r.apiJSON("GET", "/api/v1/modules/"+id+"/report", token, nil)
		if status != 200 {
			t.Fatalf("report: %d %s", status, raw)
		}
		found := false
		for _, u := range out["units"].([]any) {
			u := u.(map[string]any)
			switch u["id"] {
			case seed.Grid111ID:
				found = u["completed"].(float64) == 1 && u["workers"].(float64) == seed.WorkersPerGrid+1
			case seed.Street2ID:
				if u["workers"].(float64) != 0 {
					t.Errorf("street 2 is not assigned but counts %v workers", u["workers"])
				}
			}
		}
		if !found {
			t.Fatalf("grid 1 does not show one completion of %d: %s", seed.WorkersPerGrid+1, raw)
		}
		trainer := r.as("13900000003")
		resp, body := trainer.get("/modules/" + id + "/report")
		if resp.StatusCode != 200 || !strings.Contains(body, `id="row-`+seed.Grid111ID+`"`) {
			t.Fatalf("report page: %d", resp.StatusCode)
		}
	})
	t.Run("ExportXLSX", func(t *testing.T) {
		trainer := r.as("13900000003")
		resp, body := trainer.get("/modules/" + id + "/report.xlsx")
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		tbl, err := sheet.Read(strings.NewReader(body), "x.xlsx", sheet.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		for _, row := range tbl.Rows {
			if row.Cell(0) == "东湖街道" && row.Cell(1) == "翠苑社区" && row.Cell(2) == "第一网格" {
				ok = row.Cell(4) == "1"
			}
		}
		if !ok {
			t.Fatalf("no row for 第一网格 with one completion: %+v", tbl.Rows[:min(6, len(tbl.Rows))])
		}
	})
}

func TestCoursesRefusals(t *testing.T) {
	r := newRig(t)
	trainer2 := r.token("13900000007") // street 1
	trainer3 := r.token("13900000008") // street 2
	worker := r.token("13900000004")
	status, out, raw := r.apiJSON("POST", "/api/v1/modules", trainer2, map[string]any{"title": "街道模块", "category": "duties", "minutes": 5})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, raw)
	}
	id := out["id"].(string)
	before := r.snapshot()
	lesson := map[string]any{"title": "x", "markdown": "hi"}
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		want   int
	}{
		{"WorkerCannotCreate", "POST", "/api/v1/modules", worker, map[string]any{"title": "x", "category": "duties", "minutes": 5}, 403},
		{"WorkerCannotEdit", "POST", "/api/v1/modules/" + id + "/lessons", worker, lesson, 403},
		{"OtherStreetTrainerCannotEdit", "POST", "/api/v1/modules/" + id + "/lessons", trainer3, lesson, 403},
		{"OtherStreetTrainerCannotPublish", "POST", "/api/v1/modules/" + id + "/publish", trainer3, map[string]any{}, 403},
		{"ForgedModuleID", "POST", "/api/v1/modules/" + url.PathEscape(`m-1"}`) + "/lessons", trainer2, lesson, 400},
		{"UnknownModule", "POST", "/api/v1/modules/m-0123456789abcdef/lessons", trainer2, lesson, 404},
		{"OperatorInsteadOfTitle", "POST", "/api/v1/modules/" + id + "/lessons", trainer2, `{"title":{"$gt":""},"markdown":"x"}`, 400},
		{"WorkerCannotSeeOtherStreetModule", "GET", "/api/v1/modules/" + id, r.token("13900100100"), nil, 404},
		{"WorkerCannotReadReport", "GET", "/api/v1/modules/m-anti-fraud/report", worker, nil, 403},
		{"WorkerCannotRecordSession", "POST", "/api/v1/sessions", worker, map[string]any{"topic": "x"}, 403},
		{"WorkerCannotReadAnotherRecord", "GET", "/api/v1/records/worker-0001", worker, nil, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, raw := r.apiJSON(tc.method, tc.path, tc.token, tc.body)
			if status != tc.want {
				t.Fatalf("got %d %s; want %d", status, raw, tc.want)
			}
		})
	}
	t.Run("SVGUploadIsRefused", func(t *testing.T) {
		status, body := r.apiUpload("/api/v1/media", trainer2, "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		if status != 400 {
			t.Fatalf("svg: %d %s", status, body)
		}
	})
	if after := r.snapshot(); after != before {
		t.Fatal("a refused request changed the database")
	}
	t.Run("HostileMarkdownIsStoredSanitized", func(t *testing.T) {
		md := "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> ![a](data:image/png;base64,AAAA)\n\n<svg onload=alert(1)></svg>"
		status, out, raw := r.apiJSON("POST", "/api/v1/modules/"+id+"/lessons", trainer2, map[string]any{"title": "恶意", "markdown": md})
		if status != http.StatusCreated {
			t.Fatalf("%d %s", status, raw)
		}
		html := out["html"].(string)
		for _, bad := range []string{"<script", "javascript:", "onerror", "data:", "<svg"} {
			if strings.Contains(html, bad) {
				t.Fatalf("%s survives: %s", bad, html)
			}
		}
		if !strings.Contains(r.snapshot(), "恶意") || strings.Contains(strings.ReplaceAll(r.snapshot(), md, ""), "<script") {
			t.Fatal("stored HTML holds a script")
		}
	})
}

func TestOfflineSessionSignInSheetIsAllOrNothing(t *testing.T) {
	r := newRig(t)
	trainer := r.as("13900000007") // street 1
	fields := url.Values{"topic": {"反诈宣传进社区"}, "date": {"2026-11-20"}, "hours": {"2.5"}, "place": {"东湖街道会议室"}, "trainer": {"何海燕"}}
	bad := "姓名,手机号\n张晓婷,13900000004\n陈志强,13900000005\n某某,13800000000\n"
	before := r.snapshot()
	resp, body := trainer.upload("/sessions/new", "/sessions", "签到表.csv", []byte(bad), fields)
	if resp.StatusCode != 400 || !strings.Contains(body, "13900000005") && !strings.Contains(body, "<td>3</td>") {
		t.Fatalf("bad sheet: %d %s", resp.StatusCode, body)
	}
	if r.snapshot() != before {
		t.Fatal("a rejected sign-in sheet changed the database")
	}
	good := "姓名,手机号\n张晓婷,13900000004\n,13900100001\n"
	resp, body = trainer.upload("/sessions/new", "/sessions", "签到表.csv", []byte(good), fields)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good sheet: %d %s", resp.StatusCode, body)
	}
	status, rec, raw := r.apiJSON("GET", "/api/v1/records/me", r.token("13900000004"), nil)
	if status != 200 || rec["offlineHours"].(float64) != 2.5 || rec["hours"].(float64) != 2.5 {
		t.Fatalf("record: %d %s", status, raw)
	}
	_, page := r.as("13900000004").get("/learn/record")
	if !strings.Contains(page, "反诈宣传进社区") {
		t.Fatalf("record page does not list the session")
	}
}

func mustJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
}

// regexpFind returns the first group of pattern in s, or "".
func regexpFind(s, pattern string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestModulesAPIListsWhatTheCallerMaySee(t *testing.T) {
	r := newRig(t)
	var out struct {
		Modules []struct {
			ID, Title, Category string
			Version             int
			Lessons             []struct{ ID, Title string }
		}
	}
	status, _, raw := r.apiJSON("GET", "/api/v1/modules", r.token("13900000004"), nil)
	mustJSON(t, raw, &out)
	if status != 200 || len(out.Modules) != 6 {
		t.Fatalf("worker sees %d modules: %d %s", len(out.Modules), status, raw)
	}
	for _, m := range out.Modules {
		if m.Version != 1 || m.Category == "" || len(m.Lessons) < 4 || m.Lessons[0].ID == "" || m.Lessons[0].Title == "" {
			t.Fatalf("module %+v", m)
		}
	}
	// A street trainer's draft is listed for them (version 0) but not for workers.
	tok := r.token("13900000007")
	if status, _, raw := r.apiJSON("POST", "/api/v1/modules", tok, map[string]any{"title": "草稿", "category": "duties", "minutes": 5}); status != 201 {
		t.Fatalf("%d %s", status, raw)
	}
	_, _, raw = r.apiJSON("GET", "/api/v1/modules", tok, nil)
	if !strings.Contains(raw, `"title":"草稿","category":"duties","version":0`) {
		t.Fatalf("the trainer's draft is not listed: %s", raw)
	}
	_, _, raw = r.apiJSON("GET", "/api/v1/modules", r.token("13900000004"), nil)
	if strings.Contains(raw, "草稿") {
		t.Fatal("a worker sees a draft")
	}
	if resp, _ := r.do(jsonReq("GET", "/api/v1/modules", "", nil)); resp.StatusCode != 401 {
		t.Fatalf("anonymous: %d", resp.StatusCode)
	}
}
