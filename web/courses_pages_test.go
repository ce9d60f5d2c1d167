package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestCoursesTrainerPagesAuthorAModule walks the authoring pages as a
// trainer: create, add and edit lessons, reorder, upload an image, preview,
// publish, assign, duplicate, and record an offline session by phone numbers.
func TestCoursesTrainerPagesAuthorAModule(t *testing.T) {
	r := newRig(t)
	tr := r.as("13900000007") // street 1 trainer
	expect := func(resp *http.Response, body string, status int, what string) {
		t.Helper()
		if resp.StatusCode != status {
			t.Fatalf("%s: %d (want %d)\n%.2000s", what, resp.StatusCode, status, body)
		}
	}
	resp, body := tr.get("/modules")
	expect(resp, body, 200, "modules")
	resp, body = tr.post("/modules/new", "/modules", url.Values{"title": {""}, "category": {"anti_fraud"}, "minutes": {"10"}})
	expect(resp, body, 400, "create without a title")
	resp, body = tr.post("/modules/new", "/modules", url.Values{"title": {"垃圾分类宣传"}, "category": {"custom"}, "custom": {"垃圾分类"}, "minutes": {"10"}})
	expect(resp, body, 303, "create")
	edit := resp.Header.Get("Location")
	id := strings.TrimPrefix(edit, "/modules/")
	resp, body = tr.get(edit)
	expect(resp, body, 200, "editor")
	if !strings.Contains(body, "垃圾分类") {
		t.Fatal("custom category not kept")
	}
	var lessons []string
	for _, title := range []string{"第一课", "第二课"} {
		resp, body = tr.post(edit, edit+"/lessons", url.Values{"title": {title}, "markdown": {"## " + title + "\n\n正文"}})
		expect(resp, body, 303, "add lesson")
		lessons = append(lessons, resp.Header.Get("Location"))
	}
	resp, body = tr.get(lessons[0])
	expect(resp, body, 200, "lesson editor")
	resp, body = tr.post(lessons[0], lessons[0], url.Values{"title": {"第一课"}, "markdown": {"**改过的**正文 <script>x()</script>"}, "minutes": {"3"}})
	expect(resp, body, 303, "save lesson")
	resp, body = tr.post(lessons[0], lessons[0], url.Values{"title": {""}, "markdown": {"x"}})
	expect(resp, body, 400, "save lesson without a title")
	resp, body = tr.post(edit, lessons[1]+"/move", url.Values{"dir": {"up"}})
	expect(resp, body, 303, "move")
	_, body = tr.get(edit)
	if strings.Index(body, "第二课") > strings.Index(body, "第一课") {
		t.Fatal("moving up did not reorder the lessons")
	}
	resp, body = tr.upload(edit, edit+"/images", "a.png", testPNG(20, 20), url.Values{"lesson": {strings.TrimPrefix(lessons[0], edit+"/lessons/")}})
	expect(resp, body, 303, "image upload")
	resp, body = tr.get(resp.Header.Get("Location"))
	expect(resp, body, 200, "lesson editor after upload")
	if !regexp.MustCompile(`!\[\]\(/media/[0-9a-f]{64}\)`).MatchString(body) {
		t.Fatal("the upload does not show the Markdown to paste")
	}
	resp, body = tr.upload(edit, edit+"/images", "a.svg", []byte(`<svg onload="x()"/>`), nil)
	expect(resp, body, 400, "svg upload")
	resp, body = tr.get(edit + "/preview")
	expect(resp, body, 200, "preview")
	if !strings.Contains(body, "<strong>改过的</strong>") || strings.Contains(body, "<script>x()") {
		t.Fatalf("preview: %s", body)
	}
	resp, body = tr.post(edit, edit+"/publish", url.Values{"note": {""}})
	expect(resp, body, 303, "publish")
	resp, body = tr.post(edit, edit+"/publish", url.Values{"note": {""}})
	expect(resp, body, 400, "second publish without a note")
	resp, body = tr.post(edit, edit+"/assignments", url.Values{"unit": {"unit-s1-c1"}, "required": {"1"}, "due": {"2026-12-31"}})
	expect(resp, body, 303, "assign")
	resp, body = tr.post(edit, edit+"/assignments", url.Values{"unit": {"unit-s2"}, "required": {"1"}})
	expect(resp, body, 403, "assign to another street")
	_, body = tr.get(edit)
	if !strings.Contains(body, "翠苑社区") {
		t.Fatal("the assignment is not listed")
	}
	resp, body = tr.get("/modules/" + id + "/report")
	expect(resp, body, 200, "report")
	resp, body = tr.post(edit, edit+"/duplicate", nil)
	expect(resp, body, 303, "duplicate")
	resp, body = tr.post("/modules", "/modules/m-anti-fraud/duplicate", nil)
	expect(resp, body, 303, "duplicate a district module")
	resp, body = tr.get("/modules/m-anti-fraud")
	expect(resp, body, 403, "street trainer opens the district module's editor")

	worker := r.as("13900000004")
	resp, body = worker.get("/modules")
	expect(resp, body, 403, "worker opens the editor list")
	resp, body = worker.get("/learn/" + id)
	expect(resp, body, 200, "worker opens the new module")
	resp, body = worker.get("/learn")
	expect(resp, body, 200, "catalogue")
	resp, body = worker.get("/learn/m-nope")
	expect(resp, body, 404, "unknown module")

	resp, body = tr.get("/sessions/new")
	expect(resp, body, 200, "session form")
	resp, body = tr.post("/sessions/new", "/sessions", url.Values{"topic": {"调解技巧"}, "date": {"2026-11-23"}, "hours": {"1.5"}, "trainer": {"何海燕"}, "phones": {"13900000004 张晓婷\n13900100002"}})
	expect(resp, body, 303, "record a session")
	resp, body = tr.get(resp.Header.Get("Location"))
	expect(resp, body, 200, "session page")
	if !strings.Contains(body, "张晓婷") {
		t.Fatal("attendee missing")
	}
	resp, body = tr.get("/sessions")
	expect(resp, body, 200, "sessions")
	resp, body = tr.get("/sessions/template.xlsx")
	expect(resp, body, 200, "sign-in template")
	resp, body = tr.get("/learn/record?worker=user-worker")
	expect(resp, body, 200, "trainer reads a worker's record")
	if !strings.Contains(body, "1.5") {
		t.Fatal("the record does not show the session's hours")
	}
	_, home := tr.get("/")
	if !strings.Contains(home, `id="my-modules"`) || !strings.Contains(home, "垃圾分类宣传") {
		t.Fatal("trainer's home does not list their modules")
	}
}
