package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gridskill"
	"gridskill/courses"
	"gridskill/quiz"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// gbk encodes text as Chinese Excel and WPS save "CSV" on Windows.
func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSignInSheetAsExcelSavesIt: a sign-in sheet saved by Chinese Excel is
// GBK, carries a title above its header and a 备注 column, has no 姓名 column
// or still holds the template's example row; each is read, and what was left
// out is said on the session's page.
func TestSignInSheetAsExcelSavesIt(t *testing.T) {
	r := newRig(t)
	trainer := r.as("13900000007") // street 1
	fields := url.Values{"topic": {"反诈宣传进社区"}, "date": {"2026-11-20"}, "hours": {"2"}, "place": {"东湖街道会议室"}, "trainer": {"何海燕"}}
	cases := []struct {
		name, file, want, notWant string
		data                      []byte
	}{
		{"GBKWithTitleRowAndRemarks", "签到表.csv", `id="ignored-columns"`, `id="ignored-examples"`,
			gbk(t, "东湖街道反诈培训签到表,,\n姓名,手机号,备注\n张晓婷,13900000004,迟到\n,13900100001,\n")},
		{"NoNameColumn", "签到表.csv", "13900000004", `id="ignored-columns"`, []byte("手机号\n13900000004\n")},
		{"ExampleRowLeftIn", "签到表.csv", `id="ignored-examples"`, "13800138000",
			[]byte("姓名,手机号\n张晓婷（示例）,13800138000\n张晓婷,13900000004\n")},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A session of the same topic, date and attendees is a duplicate: each sheet gets its own day.
			day := url.Values{}
			for k, v := range fields {
				day[k] = v
			}
			day.Set("date", fmt.Sprintf("2026-11-%02d", 20+i))
			resp, body := trainer.upload("/sessions/new", "/sessions", tc.file, tc.data, day)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d %s", resp.StatusCode, body)
			}
			_, page := trainer.get(resp.Header.Get("Location"))
			if !strings.Contains(page, tc.want) || strings.Contains(page, tc.notWant) || !strings.Contains(page, "13900000004") {
				t.Fatalf("session page after %s wants %q without %q:\n%s", tc.name, tc.want, tc.notWant, page)
			}
			if tc.name == "GBKWithTitleRowAndRemarks" && (!strings.Contains(page, "13900100001") || !strings.Contains(page, "备注")) {
				t.Fatalf("the GBK names or the ignored column are not shown:\n%s", page)
			}
		})
	}
	t.Run("OldExcelGetsAdvice", func(t *testing.T) {
		resp, body := trainer.upload("/sessions/new", "/sessions", "签到表.xlsx", []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0}, fields)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "另存为") {
			t.Fatalf("a renamed .xls: %d %s", resp.StatusCode, body)
		}
	})
}

// TestErrorsDoNotEchoKilobytes: a 5,000-character column name in an
// imported file, or typed into an API call, comes back cut to a few words.
func TestErrorsDoNotEchoKilobytes(t *testing.T) {
	r := newRig(t)
	trainer := r.as("13900000007")
	long := strings.Repeat("长", 3000)
	fields := url.Values{"topic": {"反诈宣传进社区"}, "date": {"2026-11-20"}, "hours": {"2"}, "trainer": {"何海燕"}}
	resp, body := trainer.upload("/sessions/new", "/sessions", "签到表.csv", []byte("姓名,"+long+"\n张晓婷,13900000004\n"), fields)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a sheet without 手机号: %d", resp.StatusCode)
	}
	if strings.Contains(body, strings.Repeat("长", maxEcho+1)) {
		t.Fatalf("the page echoes the long column name whole (%d bytes)", len(body))
	}
	bigCol := "姓名,手机号," + long
	resp, body = trainer.upload("/sessions/new", "/sessions", "签到表.csv", []byte(bigCol+"\n张晓婷,13900000004,x\n"), fields)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a sheet with a long extra column: %d %s", resp.StatusCode, body)
	}
	_, page := trainer.get(resp.Header.Get("Location"))
	if !strings.Contains(page, `id="ignored-columns"`) || strings.Contains(page, strings.Repeat("长", maxEcho+1)) {
		t.Fatal("the session page echoes the long ignored column whole, or not at all")
	}
	e := capError(&gridskillErrorForTest)
	if len(e.Fields) != maxEchoFields+1 || len([]rune(e.Fields[0].Field)) > maxEcho+1 {
		t.Fatalf("capped error keeps %d fields", len(e.Fields))
	}
}

var gridskillErrorForTest = func() gridskill.Error {
	e := gridskill.Error{Code: gridskill.EINVALID, Format: "the file has %d problems; nothing was imported", Args: []any{500}}
	for i := 0; i < 500; i++ {
		e.Fields = append(e.Fields, gridskill.FieldError{Row: i + 2, Field: strings.Repeat("列", 1000), Reason: "column missing from the header"})
	}
	return e
}()

func TestFaviconAndDistinctRecordTitles(t *testing.T) {
	r := newRig(t)
	resp, body := r.do(httptest.NewRequest("GET", "/favicon.ico", nil))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/x-icon" || !strings.HasPrefix(body, "\x00\x00\x01\x00") {
		t.Fatalf("/favicon.ico: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	worker := r.as("13900000004")
	title := func(path string) string {
		_, page := worker.get(path)
		return regexpFind(page, `<title>([^<]*)</title>`)
	}
	if a, b := title("/learn/record"), title("/transcript"); a == "" || a == b {
		t.Fatalf("the learning record and the transcript are both titled %q", a)
	}
}

func TestExportsAreNamedInChineseWithTheDate(t *testing.T) {
	r := newRig(t)
	token := r.token("13900000003")
	id, _ := publishModule(t, r, token)
	trainer := r.as("13900000003")
	for path, want := range map[string]string{
		"/modules/" + id + "/report.xlsx": "冒充客服退款诈骗-完成情况-2026-11-24.xlsx",
		"/quiz/export.xlsx":               "题库-2026-11-24.xlsx",
		"/quiz/template.csv":              "题库模板.csv",
	} {
		resp, _ := trainer.get(path)
		cd := resp.Header.Get("Content-Disposition")
		if resp.StatusCode != 200 || !strings.Contains(cd, `filename*=UTF-8''`+url.PathEscape(want)) || !strings.Contains(cd, `filename="`) {
			t.Errorf("%s: %d, Content-Disposition %q; want %s", path, resp.StatusCode, cd, want)
		}
	}
	if got := downloadName(`反诈/宣传:"识别"`, "完成情况"); got != "反诈_宣传__识别_-完成情况" {
		t.Errorf("a title with a slash and quotes names the file %q", got)
	}
}

// TestFinishedModuleLinksToItsExamAndPractice: a module completed shows the
// open exam that assesses it and a way to practise its questions.
func TestFinishedModuleLinksToItsExamAndPractice(t *testing.T) {
	r := newRig(t)
	token := r.token("13900000003")
	id, lessons := publishModule(t, r, token)
	c := storetest.Context(t)
	trainer, err := r.people.User(c, seed.TrainerID)
	if err != nil {
		t.Fatal(err)
	}
	now := r.clock.Now()
	exam := quiz.Exam{Title: "反诈结业考试", UnitIDs: []string{seed.DistrictID}, OpensAt: now, ClosesAt: now.Add(24 * time.Hour), ModuleID: id,
		Duration: 10 * time.Minute, PassMark: 60, MaxAttempts: 1, Review: quiz.ReviewAfterSubmit, Rules: []quiz.Rule{{Tag: "反诈", Count: 5}}}
	e, err := r.quiz.CreateExam(c, trainer, exam)
	if err != nil {
		t.Fatal(err)
	}
	exam.ModuleID = "../m-x"
	if _, err := r.quiz.CreateExam(c, trainer, exam); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("an exam naming a forged module id: %v", err)
	}
	got, err := r.quiz.Exam(c, trainer, e.ID)
	if err != nil || got.ModuleID != id {
		t.Fatalf("the exam keeps module %q (%v); want %q", got.ModuleID, err, id)
	}
	worker := r.as("13900000004")
	if _, page := worker.get("/learn/" + id); strings.Contains(page, `id="module-next"`) {
		t.Fatal("an unfinished module offers what to do after it")
	}
	for _, l := range lessons {
		worker.get("/learn/" + id + "/" + l)
	}
	r.clock.Advance(courses.MaxMinRead)
	for _, l := range lessons {
		worker.post("/learn/"+id+"/"+l, "/learn/"+id+"/"+l+"/complete", nil)
	}
	_, page := worker.get("/learn/" + id)
	if !strings.Contains(page, `id="module-next"`) || !strings.Contains(page, `href="/exams/`+e.ID+`"`) {
		t.Fatalf("the finished module does not link to its exam:\n%s", regexpFind(page, `(?s)(<section class="card" id="module-progress">.*?</section>)`))
	}
	// And the exam links back to its module, before it is sat.
	if _, rules := worker.get("/exams/" + e.ID); !strings.Contains(rules, `id="exam-module"`) || !strings.Contains(rules, `href="/learn/`+id+`"`) {
		t.Fatalf("the exam's rules page does not link back to its module:\n%s", rules)
	}
}

// TestStreetAdminNavigationReachesTheirWork: a street admin's pages link to
// the modules, exams, sessions and contests they run; a worker's do not.
func TestStreetAdminNavigationReachesTheirWork(t *testing.T) {
	r := newRig(t)
	_, page := r.as(streetPhone).get("/")
	nav := regexpFind(page, `(?s)<nav>(.*?)</nav>`)
	for _, href := range []string{"/modules", "/quiz/exams", "/sessions", "/contests"} {
		if !strings.Contains(nav, `href="`+href+`"`) {
			t.Errorf("the street admin's navigation has no link to %s:\n%s", href, nav)
		}
		if href == "/contests" {
			continue // this rig runs no contest service
		}
		resp, _ := r.as(streetPhone).get(href)
		if resp.StatusCode != 200 {
			t.Errorf("%s answers the street admin %d", href, resp.StatusCode)
		}
	}
	_, page = r.as("13900000004").get("/")
	if nav := regexpFind(page, `(?s)<nav>(.*?)</nav>`); strings.Contains(nav, `href="/modules"`) {
		t.Errorf("a worker's navigation links to the authoring pages:\n%s", nav)
	}
}
