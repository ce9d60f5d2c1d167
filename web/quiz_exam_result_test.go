package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/certify"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
)

// streetExam imports streetBank and sets an exam of its five questions for
// street 1, in type order; it returns the exam's id.
func streetExam(t *testing.T, r *rig, review string) string {
	t.Helper()
	trainer := r.browser()
	trainer.signIn("13900000003", seed.DemoPassword)
	if resp, body := trainer.upload("/quiz/import", "/quiz/import", "bank.xlsx", bankXLSX(t, quiz.Header(), streetBank()), nil); resp.StatusCode != 200 {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	form := url.Values{"title": {"东湖街道楼道安全测验"}, "unit": {seed.Street1ID}, "opensAt": {"2026-11-24T08:00"}, "closesAt": {"2026-11-30T18:00"},
		"minutes": {"20"}, "passMark": {"60"}, "maxAttempts": {"2"}, "counts": {"highest"}, "review": {review}, "maxSwitches": {"3"},
		"tag0": {"街道专题"}, "count0": {"5"}}
	resp, body := trainer.post("/quiz/exams/new", "/quiz/exams", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create exam: %d %s", resp.StatusCode, body)
	}
	return strings.TrimPrefix(resp.Header.Get("Location"), "/quiz/exams/")
}

// sitStreetExam answers the street exam as given (by question type) and submits it; it returns the attempt.
func sitStreetExam(t *testing.T, r *rig, examID string, answers map[string]any) string {
	t.Helper()
	worker := r.token("13900000004")
	code, att, raw := r.apiJSON("POST", "/api/v1/exams/"+examID+"/attempts", worker, nil)
	if code != 201 {
		t.Fatalf("start: %d %s", code, raw)
	}
	id := att["id"].(string)
	for i, q := range att["questions"].([]any) {
		q := q.(map[string]any)
		a, ok := answers[q["type"].(string)]
		if !ok {
			continue
		}
		if code, _, raw := r.apiJSON("PUT", fmt.Sprintf("/api/v1/attempts/%s/answers/%s", id, q["id"]), worker, map[string]any{"answer": a, "seq": i + 1}); code != 200 {
			t.Fatalf("save: %d %s", code, raw)
		}
	}
	if code, _, raw := r.apiJSON("POST", "/api/v1/attempts/"+id+"/submit", worker, nil); code != 200 {
		t.Fatalf("submit: %d %s", code, raw)
	}
	return id
}

func TestResultShowsAnswersAsPeopleReadThemAndOnlyTheWrongOnes(t *testing.T) {
	r := newRig(t)
	examID := streetExam(t, r, "after_submit")
	id := sitStreetExam(t, r, examID, map[string]any{"multiple": []string{"D", "A"}, "truefalse": "T", "blank": []string{"119"}})
	page := r.browser()
	page.signIn("13900000004", seed.DemoPassword)
	_, body := page.get("/attempts/" + id)
	for _, want := range []string{`id="to-review"`, `href="/attempts/` + id + `?only=wrong#review"`, "只看错题（4）",
		"您的答案：A、D", "正确答案：A、B、D", "您的答案：对", "正确答案：错", "您的答案：119", "您的答案：（未作答）", "正确答案：119", "<p class=\"explanation\">因为规定如此。</p>"} {
		if !strings.Contains(body, want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	for _, never := range []string{" | ", "T. 对", "F. 错", "您的答案：T", "正确答案：F"} {
		if strings.Contains(body, never) {
			t.Errorf("result page shows the raw form %q", never)
		}
	}
	if n := strings.Count(body, `<li class="card wrong">`) + strings.Count(body, `<li class="card right">`); n != 5 {
		t.Errorf("review shows %d questions; want 5", n)
	}
	_, body = page.get("/attempts/" + id + "?only=wrong")
	if n, right := strings.Count(body, `<li class="card wrong">`), strings.Count(body, `<li class="card right">`); n != 4 || right != 0 {
		t.Errorf("only the wrong ones: %d wrong and %d right shown; want 4 and 0", n, right)
	}
	if !strings.Contains(body, "电动车充电隐患包括？") || strings.Contains(body, "火警电话是") {
		t.Error("only the wrong ones shows a right answer, or lacks a wrong one")
	}
}

func TestExamsAndHomeShowAttemptsLeftBestScoreAndTheAttemptInProgress(t *testing.T) {
	r := newRig(t)
	examID := streetExam(t, r, "after_submit")
	first := sitStreetExam(t, r, examID, map[string]any{"blank": []string{"119"}, "truefalse": "F"})
	page := r.browser()
	page.signIn("13900000004", seed.DemoPassword)
	card := func(body string) string {
		i := strings.Index(body, `id="exam-`+examID+`"`)
		if i < 0 {
			t.Fatalf("the exam is not listed")
		}
		end := strings.Index(body[i:], "</li>")
		return body[i : i+end]
	}
	_, body := page.get("/exams")
	c := card(body)
	for _, want := range []string{"剩余考试次数：1 次（共 2 次）", "最高分：40 / 100", `<a class="result-link" href="/attempts/` + first + `">查看成绩</a>`, `href="/exams/` + examID + `">再考一次`} {
		if !strings.Contains(c, want) {
			t.Errorf("exam card lacks %q: %s", want, c)
		}
	}
	if strings.Contains(c, "答题中") {
		t.Error("a finished exam is marked in progress")
	}
	worker := r.token("13900000004")
	apiExam := func() map[string]any {
		t.Helper()
		_, out, raw := r.apiJSON("GET", "/api/v1/exams", worker, nil)
		for _, e := range out["exams"].([]any) {
			if e := e.(map[string]any); e["id"] == examID {
				return e
			}
		}
		t.Fatalf("the API does not list the exam: %s", raw)
		return nil
	}
	if e := apiExam(); e["attemptsLeft"] != 1.0 || e["bestScore"] != 40.0 || e["maxScore"] != 100.0 || e["openAttemptId"] != nil {
		t.Errorf("API after one attempt: %v", e)
	}
	code, att, raw := r.apiJSON("POST", "/api/v1/exams/"+examID+"/attempts", worker, nil)
	if code != 201 {
		t.Fatalf("second start: %d %s", code, raw)
	}
	if e := apiExam(); e["attemptsLeft"] != 0.0 || e["openAttemptId"] != att["id"] {
		t.Errorf("API with an attempt in progress: %v", e)
	}
	_, body = page.get("/exams")
	c = card(body)
	for _, want := range []string{"答题中", "剩余考试次数：0 次（共 2 次）", "最高分：40 / 100", `href="/exams/` + examID + `/sit">继续答题`} {
		if !strings.Contains(c, want) {
			t.Errorf("exam card in progress lacks %q: %s", want, c)
		}
	}
	_, home := page.get("/")
	i := strings.Index(home, `id="home-exams"`)
	if i < 0 {
		t.Fatal("home has no exams section")
	}
	for _, want := range []string{`href="/exams/` + examID + `/sit"`, "答题中", "剩余考试次数：0 次（共 2 次）", "最高分：40 / 100"} {
		if !strings.Contains(home[i:], want) {
			t.Errorf("home's exams lack %q", want)
		}
	}
}

// gzipSize is how many bytes s takes gzipped, about what the wire carries.
func gzipSize(t *testing.T, s string) int {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	return buf.Len()
}

func TestWorkerExamAndPracticePagesStayLight(t *testing.T) {
	r := newRig(t)
	examID := streetExam(t, r, "after_submit")
	id := sitStreetExam(t, r, examID, map[string]any{"truefalse": "T"})
	page := r.browser()
	page.signIn("13900000004", seed.DemoPassword)
	_, css := page.get("/static/app.css")
	_, js := page.get("/static/exam.js")
	resp, _ := page.post("/exams/"+examID, "/exams/"+examID+"/start", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second start: %d", resp.StatusCode)
	}
	for _, path := range []string{"/exams", "/exams/" + examID, "/exams/" + examID + "/sit", "/attempts/" + id, "/practice", "/practice/wrong",
		"/practice/question?order=1&tag=" + url.QueryEscape("反诈")} {
		resp, body := page.get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		total := gzipSize(t, body) + gzipSize(t, css)
		if strings.Contains(body, "/static/exam.js") {
			total += gzipSize(t, js)
		}
		if total > 30_000 {
			t.Errorf("%s with its style and script is %d bytes gzipped; a worker page stays under 30 KB", path, total)
		}
	}
}

func TestResultNamesTheCertificateThePassedExamEarned(t *testing.T) {
	r := newCertRig(t)
	examID := streetExam(t, r.rig, "after_submit")
	err := r.svc.SeedProgram(ctx(t), certify.Program{ID: "street-stairs", Name: "楼道安全员", IssuerID: seed.Street1ID, ValidityMonths: 12,
		Requirements: scoring.Requirements{Exams: []scoring.ExamReq{{ExamID: examID, MinScore: 60}}}})
	if err != nil {
		t.Fatal(err)
	}
	r.records.mu.Lock()
	// The worker holds the rig's 反诈宣传员 too, which asks for another exam.
	r.records.recs[seed.WorkerID] = scoring.Record{Modules: map[string]scoring.ModuleDone{"m-fraud": {Version: 1, At: r.clock.Now()}},
		Exams: map[string]scoring.ExamBest{examID: {Score: 60, Passed: true, At: r.clock.Now()}, "e-fraud": {Score: 92, Passed: true, At: r.clock.Now()}}}
	r.records.mu.Unlock()
	id := sitStreetExam(t, r.rig, examID, map[string]any{"multiple": []string{"A", "B", "D"}, "truefalse": "F", "blank": []string{"119"}})
	page := r.browser()
	page.signIn("13900000004", seed.DemoPassword)
	_, body := page.get("/attempts/" + id)
	if !strings.Contains(body, `id="verdict"`) || !strings.Contains(body, "及格") {
		t.Fatalf("the attempt did not pass: %s", body)
	}
	i := strings.Index(body, `id="result-certificates"`)
	if i < 0 || !strings.Contains(body[i:], "楼道安全员") || !strings.Contains(body[i:], `href="/certificates/`) {
		t.Fatal("the result page does not name the certificate the exam earned")
	}
	if n := countDocs(t, r.db.Collection("certificates"), bson.M{"workerId": seed.WorkerID}); n != 2 {
		t.Fatalf("the worker holds %d certificates; want both programs'", n)
	}
	if strings.Contains(body[i:], "反诈宣传员") {
		t.Error("the result page names a certificate that does not ask for this exam")
	}
}
