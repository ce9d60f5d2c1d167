package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill/quiz"
	"gridskill/seed"
)

// bankXLSX builds a question bank workbook with excelize, as Excel would save it.
func bankXLSX(t *testing.T, header []string, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range append([][]string{header}, rows...) {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// streetBank is five questions of a topic no shipped bank uses.
func streetBank() [][]string {
	row := func(typ, stem string, opts []string, answer string) []string {
		r := []string{typ, stem}
		for i := 0; i < 8; i++ {
			if i < len(opts) {
				r = append(r, opts[i])
			} else {
				r = append(r, "")
			}
		}
		return append(r, answer, "因为规定如此。", "街道专题;楼道", "2", "")
	}
	return [][]string{
		row("单选", "楼道堆放杂物时，网格员首先应当？", []string{"视而不见", "劝导清理并记录", "自行丢弃", "罚款"}, "B"),
		row("多选", "电动车充电隐患包括？", []string{"飞线充电", "楼道充电", "集中充电桩充电", "入户充电"}, "ABD"),
		row("判断", "消防通道可以临时停放车辆。", nil, "错"),
		row("填空", "火警电话是____。", nil, "119"),
		row("单选", "发现独居老人家中异常，应当？", []string{"及时上门查看", "等下次巡查", "发朋友圈", "不管"}, "A"),
	}
}

func (r *rig) apiJSON(method, path, token string, body any) (int, map[string]any, string) {
	r.t.Helper()
	resp, raw := r.do(jsonReq(method, path, token, body))
	var out map[string]any
	_ = json.Unmarshal([]byte(raw), &out)
	return resp.StatusCode, out, raw
}

func TestTrainerImportsXLSXWorkerSitsExamAndWrongAnswersReachTheBook(t *testing.T) {
	r := newRig(t)
	trainer := r.browser()
	trainer.signIn("13900000003", seed.DemoPassword)
	resp, body := trainer.upload("/quiz/import", "/quiz/import", "bank.xlsx", bankXLSX(t, quiz.Header(), streetBank()), nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "flash") {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	// The same file again: duplicates are reported and nothing is written.
	resp, body = trainer.upload("/quiz/import", "/quiz/import", "bank.xlsx", bankXLSX(t, quiz.Header(), streetBank()), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="duplicates"`) {
		t.Fatalf("second import without a choice: %d", resp.StatusCode)
	}
	form := url.Values{"title": {"东湖街道楼道安全测验"}, "unit": {seed.Street1ID}, "opensAt": {"2026-11-24T08:00"}, "closesAt": {"2026-11-30T18:00"},
		"minutes": {"20"}, "passMark": {"60"}, "maxAttempts": {"1"}, "counts": {"highest"}, "review": {"after_submit"}, "shuffle": {"1"},
		"tag0": {"街道专题"}, "count0": {"5"}, "points_single": {"4"}}
	examsBefore := countDocs(t, r.db.Collection("exams"), bson.M{})
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("points_multiple", "两分")
	resp, body = trainer.post("/quiz/exams/new", "/quiz/exams", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "每题分值须为大于 0 的数字") || !strings.Contains(body, `value="两分"`) {
		t.Fatalf("create exam with points that are no number: %d; want 400 with the message and the form as typed: %s", resp.StatusCode, body)
	}
	if n := countDocs(t, r.db.Collection("exams"), bson.M{}); n != examsBefore {
		t.Fatalf("%d exams stored after a refused form; want %d", n, examsBefore)
	}
	resp, body = trainer.post("/quiz/exams/new", "/quiz/exams", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create exam: %d %s", resp.StatusCode, body)
	}
	examID := strings.TrimPrefix(resp.Header.Get("Location"), "/quiz/exams/")

	worker := r.token("13900000004")
	code, list, raw := r.apiJSON("GET", "/api/v1/exams", worker, nil)
	if code != 200 || !strings.Contains(raw, examID) {
		t.Fatalf("worker's exams: %d %s", code, raw)
	}
	_ = list
	outsider := r.token("13900000005") // a street admin of another street
	if code, _, _ := r.apiJSON("POST", "/api/v1/exams/"+examID+"/attempts", outsider, nil); code != 404 {
		t.Fatalf("outsider starts the exam: %d; want 404", code)
	}
	code, att, raw := r.apiJSON("POST", "/api/v1/exams/"+examID+"/attempts", worker, nil)
	if code != 201 {
		t.Fatalf("start: %d %s", code, raw)
	}
	// The paper holds what a phone shows and nothing else: no key, no explanation, under any name.
	var paper struct{ Questions []map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(raw), &paper); err != nil || len(paper.Questions) == 0 {
		t.Fatalf("no questions in %s (%v)", raw, err)
	}
	shown := map[string]bool{"id": true, "type": true, "stem": true, "options": true, "blanks": true, "points": true}
	for _, q := range paper.Questions {
		for field := range q {
			if !shown[field] {
				t.Fatalf("the paper sent to the phone carries %q: %s", field, raw)
			}
		}
	}
	if strings.Contains(raw, "因为规定如此") {
		t.Fatalf("the paper sent to the phone holds an explanation: %s", raw)
	}
	fullScore := 0.0
	for _, q := range att["questions"].([]any) {
		q := q.(map[string]any)
		want := 20.0 // 100 over the paper's 5 questions
		if q["type"] == "single" {
			want = 4 // as the trainer set for single choice
		}
		if q["points"] != want {
			t.Fatalf("%s question worth %v; want %v", q["type"], q["points"], want)
		}
		fullScore += want
	}
	id := att["id"].(string)
	if code, again, _ := r.apiJSON("POST", "/api/v1/exams/"+examID+"/attempts", worker, nil); code != 200 || again["id"] != id {
		t.Fatalf("second start: %d %v; want 200 with the open attempt", code, again["id"])
	}
	for i, q := range att["questions"].([]any) {
		q := q.(map[string]any)
		var answer any
		switch q["type"] {
		case "single":
			answer = "D" // wrong or not: graded below
		case "multiple":
			answer = []string{"C"}
		case "truefalse":
			answer = "T"
		case "blank":
			answer = []string{"120"}
		}
		code, saved, raw := r.apiJSON("PUT", fmt.Sprintf("/api/v1/attempts/%s/answers/%s", id, q["id"]), worker, map[string]any{"answer": answer, "seq": i + 1})
		if code != 200 || saved["saved"] != true || saved["seq"] != float64(i+1) {
			t.Fatalf("save %v: %d %s", answer, code, raw)
		}
	}
	// Every acknowledged save is on the finished attempt (the server must not
	// keep request buffers that the next request overwrites).
	code, res, raw := r.apiJSON("POST", "/api/v1/attempts/"+id+"/submit", worker, nil)
	if code == 200 {
		_, fin, _ := r.apiJSON("GET", "/api/v1/attempts/"+id, worker, nil)
		if seqs, _ := fin["seqs"].(map[string]any); len(seqs) != len(att["questions"].([]any)) {
			t.Fatalf("finished attempt holds %d saved answers; want %d: %v", len(seqs), len(att["questions"].([]any)), fin["seqs"])
		}
	}
	if code != 200 || res["passed"] != false || res["maxScore"] != fullScore {
		t.Fatalf("submit: %d %s", code, raw)
	}
	page := r.browser()
	page.signIn("13900000004", seed.DemoPassword)
	_, body = page.get("/practice/wrong")
	for _, stem := range []string{"电动车充电隐患包括？", "消防通道可以临时停放车辆。", "火警电话是____。"} {
		if !strings.Contains(body, stem) {
			t.Errorf("wrong-answer book lacks %q", stem)
		}
	}
	_, body = page.get("/attempts/" + id)
	if !strings.Contains(body, `id="score"`) || !strings.Contains(body, "因为规定如此。") {
		t.Fatalf("result page lacks the score or the review")
	}
	_, body = trainer.get("/quiz/exams/" + examID)
	if !strings.Contains(body, "张晓婷") {
		t.Fatalf("trainer's results page does not list the worker")
	}
}

func TestQuizAPIRefusesBadInputAndWritesNothing(t *testing.T) {
	r := newRig(t)
	trainer := r.token("13900000003")
	worker := r.token("13900000004")
	bankSize := func() int {
		t.Helper()
		_, total, err := r.quiz.List(ctx(t), quizUser(t, r, seed.TrainerID), quiz.Filter{})
		if err != nil {
			t.Fatalf("count the bank: %v", err)
		}
		return total
	}
	total0 := bankSize()

	t.Run("WorkerCannotListQuestions", func(t *testing.T) {
		if code, _, _ := r.apiJSON("GET", "/api/v1/questions", worker, nil); code != 403 {
			t.Fatalf("%d; want 403", code)
		}
	})
	t.Run("TrainerListsQuestions", func(t *testing.T) {
		code, out, _ := r.apiJSON("GET", "/api/v1/questions?tag=反诈&type=single&limit=5", trainer, nil)
		if code != 200 || out["total"].(float64) < 5 || len(out["questions"].([]any)) != 5 {
			t.Fatalf("%d %v", code, out["total"])
		}
	})

	upload := func(name string, content []byte, dup string) int {
		var buf bytes.Buffer
		w := quizMultipart(&buf, name, content, dup)
		req := jsonReq("POST", "/api/v1/questions/import", trainer, nil)
		req.Body = quizBody{&buf}
		req.ContentLength = int64(buf.Len())
		req.Header.Set("Content-Type", w)
		resp, _ := r.do(req)
		return resp.StatusCode
	}
	rows := streetBank()
	var many strings.Builder
	many.WriteString(strings.Join(quiz.Header(), ",") + "\n")
	for i := 0; i < 20_001; i++ {
		fmt.Fprintf(&many, "判断,第%d题是对的。,,,,,,,,,对,解析,街道专题,1,\n", i)
	}
	formula := bankXLSX(t, quiz.Header(), rows[:1])
	{
		f, _ := excelize.OpenReader(bytes.NewReader(formula))
		_ = f.SetCellFormula("Sheet1", "K2", `CHAR(66)`)
		var b bytes.Buffer
		_ = f.Write(&b)
		formula = b.Bytes()
	}
	badHeader := append([]string{"类型"}, quiz.Header()[1:]...)
	cases := []struct {
		name, file string
		content    []byte
		want       int
	}{
		{"RejectsZipBomb", "bomb.xlsx", quizZipBomb(t), 400},
		{"RejectsTooManyRows", "many.csv", []byte(many.String()), 400},
		{"RejectsWrongHeader", "bank.xlsx", bankXLSX(t, badHeader, rows), 400},
		{"RejectsFormulaAsAnswer", "formula.xlsx", formula, 400},
		{"RejectsNotAWorkbook", "fake.xlsx", []byte("PK\x03\x04 not really"), 400},
		{"RejectsOtherFormats", "bank.xls", []byte("x"), 400},
		{"RejectsBadRows", "bad.csv", []byte(strings.Join(quiz.Header(), ",") + "\n单选,题干,甲,乙,,,,,,,C,解析,反诈,9,\n"), 400},
		{"RejectsDuplicateChoice", "bank.xlsx", bankXLSX(t, quiz.Header(), rows), 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dup := ""
			if tc.name == "RejectsDuplicateChoice" {
				dup = "overwrite"
			}
			if got := upload(tc.file, tc.content, dup); got != tc.want {
				t.Fatalf("%d; want %d", got, tc.want)
			}
		})
	}
	if total := bankSize(); total != total0 {
		t.Fatalf("refused imports wrote %d questions", total-total0)
	}

	exams := r.quiz.OpenExams(ctx(t), quizUser(t, r, seed.WorkerID))
	code, att, _ := r.apiJSON("POST", "/api/v1/exams/"+exams[0].ID+"/attempts", worker, nil)
	if code != 201 {
		t.Fatalf("start: %d", code)
	}
	id := att["id"].(string)
	qid := att["questions"].([]any)[0].(map[string]any)["id"].(string)
	other := r.token("13900100002")
	answerCases := []struct {
		name, token, path, body string
		want                    int
	}{
		{"RejectsSeqAsString", worker, "/api/v1/attempts/" + id + "/answers/" + qid, `{"answer":"A","seq":"1"}`, 400},
		{"RejectsMissingSeq", worker, "/api/v1/attempts/" + id + "/answers/" + qid, `{"answer":"A"}`, 400},
		{"RejectsMalformedJSON", worker, "/api/v1/attempts/" + id + "/answers/" + qid, `{"answer":`, 400},
		{"RejectsAnotherWorkersAttempt", other, "/api/v1/attempts/" + id + "/answers/" + qid, `{"answer":"A","seq":1}`, 404},
		{"RejectsForgedAttempt", worker, "/api/v1/attempts/a-ffffffffffffffffffff/answers/" + qid, `{"answer":"A","seq":1}`, 404},
		{"RejectsQuestionNotOnPaper", worker, "/api/v1/attempts/" + id + "/answers/q-0000000000000000", `{"answer":"A","seq":1}`, 400},
		{"RejectsUnknownEvent", worker, "/api/v1/attempts/" + id + "/events", `{"type":"blur"}`, 400},
	}
	for _, tc := range answerCases {
		t.Run(tc.name, func(t *testing.T) {
			method := "PUT"
			if strings.HasSuffix(tc.path, "/events") {
				method = "POST"
			}
			resp, body := r.do(jsonReq(method, tc.path, tc.token, tc.body))
			if resp.StatusCode != tc.want || !strings.Contains(body, `"error"`) {
				t.Fatalf("%d %s; want %d", resp.StatusCode, body, tc.want)
			}
		})
	}
	t.Run("RejectsCookieSaveWithoutCSRF", func(t *testing.T) {
		b := r.browser()
		b.signIn("13900000004", seed.DemoPassword)
		req := jsonReq("PUT", "/api/v1/attempts/"+id+"/answers/"+qid, "", `{"answer":"A","seq":1}`)
		resp, _ := b.send(req)
		if resp.StatusCode != 403 {
			t.Fatalf("%d; want 403", resp.StatusCode)
		}
	})
	if n := countDocs(t, r.db.Collection("answers"), bson.M{}); n != 0 {
		t.Fatalf("refused saves wrote %d answers", n)
	}
}

func quizUser(t *testing.T, r *rig, id string) quizPeopleUser {
	t.Helper()
	u, err := r.people.User(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// quizZipBomb is an .xlsx whose parts claim to unpack to far more than the limit.
func quizZipBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CompressedSize64: 2, UncompressedSize64: 1 << 40, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte{3, 0})
	_ = zw.Close()
	return buf.Bytes()
}

// countDocs counts a collection's documents matching filter; a count that
// fails fails the test, so "nothing was written" cannot pass by error.
func countDocs(t *testing.T, coll *mongo.Collection, filter any) int64 {
	t.Helper()
	n, err := coll.CountDocuments(ctx(t), filter)
	if err != nil {
		t.Fatalf("count %s: %v", coll.Name(), err)
	}
	return n
}
