package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"gridskill/quiz"
	"gridskill/seed"
)

// A bank whose explanation names the wrong options and whose multiple-choice
// question has every option right still imports, and the trainer sees both
// findings on the import page.
func TestImportPageShowsContentWarningsAndStillImports(t *testing.T) {
	r := newRig(t)
	trainer := r.browser()
	trainer.signIn("13900000003", seed.DemoPassword)
	row := func(typ, stem, a, b, c, d, answer, expl string) []string {
		return []string{typ, stem, a, b, c, d, "", "", "", "", answer, expl, "街道专题;检查", "2", ""}
	}
	rows := [][]string{
		row("多选", "楼道里哪些东西不能堆放？", "纸箱", "旧家具", "电动车", "液化气罐", "ABCD", "这些都会堵塞通道或引发火灾。"),
		row("多选", "哪些是飞线充电的危险？", "电线老化起火", "无人看管", "小区集中充电", "绊倒行人", "ABD", "前三种都是飞线充电的危险。"),
	}
	resp, body := trainer.upload("/quiz/import", "/quiz/import", "bank.xlsx", bankXLSX(t, quiz.Header(), rows), nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "flash") {
		t.Fatalf("import: %d; want it imported despite the warnings", resp.StatusCode)
	}
	for _, want := range []string{`id="content-warnings"`, "第 2 行：所有选项都正确", "第 3 行：解析提到选项 C，但它不是正确答案"} {
		if !strings.Contains(body, want) {
			t.Errorf("import page lacks %q", want)
		}
	}
}

// The API's import answer carries the same findings.
func TestImportAPIReturnsContentWarnings(t *testing.T) {
	r := newRig(t)
	trainer := r.token("13900000003")
	row := []string{"多选", "楼道里哪些东西不能堆放？", "纸箱", "旧家具", "电动车", "液化气罐", "", "", "", "", "ABCD", "这些都会堵塞通道或引发火灾。", "街道专题;检查", "2", ""}
	var buf bytes.Buffer
	w := quizMultipart(&buf, "bank.xlsx", bankXLSX(t, quiz.Header(), [][]string{row}), "")
	req := jsonReq("POST", "/api/v1/questions/import", trainer, nil)
	req.Body = quizBody{&buf}
	req.ContentLength = int64(buf.Len())
	req.Header.Set("Content-Type", w)
	resp, raw := r.do(req)
	var out struct {
		Written  bool `json:"written"`
		Warnings []struct {
			Kind string `json:"kind"`
			Row  int    `json:"row"`
		} `json:"warnings"`
	}
	_ = json.Unmarshal([]byte(raw), &out)
	if resp.StatusCode != 200 || !out.Written || len(out.Warnings) != 1 || out.Warnings[0].Kind != "all_correct" || out.Warnings[0].Row != 2 {
		t.Fatalf("import: %d %s; want it written with one all_correct warning on row 2", resp.StatusCode, raw)
	}
}
