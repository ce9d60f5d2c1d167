package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/quiz"
)

// excelBankCSV is a bank as a trainer keeps it in Chinese Excel: a title row, the
// template's columns less the unused options, a 备注 column, and the
// template's first example row left in.
func excelBankCSV(stems ...string) string {
	var b strings.Builder
	b.WriteString("东湖街道反诈题库（2026年12月）,,,,,,,\n题型,题干,选项A,选项B,答案,解析,标签,备注\n")
	ex := quiz.Examples()[0]
	b.WriteString(strings.Join([]string{ex[0], ex[1], ex[2], ex[3], ex[10], ex[11], ex[12], ""}, ",") + "\n")
	for _, s := range stems {
		b.WriteString("判断," + s + ",,,对,核实后再说。,反诈,王老师出题\n")
	}
	return b.String()
}

func TestQuestionImportAsTrainersKeepIt(t *testing.T) {
	r := newRig(t)
	trainer := r.as("13900000003")
	file := gbk(t, excelBankCSV("陌生来电说您涉嫌洗钱，要先挂断再核实。", "网购退款要求共享屏幕的，是诈骗。"))
	resp, body := trainer.upload("/quiz/import", "/quiz/import", "题库.csv", file, url.Values{})
	if resp.StatusCode != 200 || !strings.Contains(body, `id="ignored-columns"`) || !strings.Contains(body, "备注") || !strings.Contains(body, `id="ignored-examples"`) {
		t.Fatalf("first import: %d\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "2 new") && !strings.Contains(body, "新增 2") {
		t.Fatalf("first import does not say two were created:\n%s", regexpFind(body, `(?s)<div class="card flash"[^>]*>(.*?)</div>`))
	}
	t.Run("DuplicatesAreChosenWithoutTheFileAgain", func(t *testing.T) {
		again := gbk(t, excelBankCSV("陌生来电说您涉嫌洗钱，要先挂断再核实。", "冒充领导加微信借钱的，先电话核实。"))
		resp, body := trainer.upload("/quiz/import", "/quiz/import", "题库.csv", again, url.Values{})
		pending := regexpFind(body, `name="pending" value="([^"]+)"`)
		if resp.StatusCode != http.StatusConflict || pending == "" || !strings.Contains(body, `id="dup-skip"`) {
			t.Fatalf("duplicates: %d, pending %q\n%s", resp.StatusCode, pending, body)
		}
		other := r.as("13900000007")
		if resp, _ := other.post("/quiz/import", "/quiz/import", url.Values{"pending": {pending}, "duplicates": {"skip"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("someone else's kept file: %d", resp.StatusCode)
		}
		if resp, _ := trainer.post("/quiz/import", "/quiz/import", url.Values{"pending": {"p-../../x"}, "duplicates": {"skip"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a forged key: %d", resp.StatusCode)
		}
		resp, body = trainer.post("/quiz/import", "/quiz/import", url.Values{"pending": {pending}, "duplicates": {"skip"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "flash") {
			t.Fatalf("choosing skip: %d\n%s", resp.StatusCode, body)
		}
		// The kept file was imported: its new stem is in the bank now, so a
		// third upload finds both stems there, each once.
		resp, body = trainer.upload("/quiz/import", "/quiz/import", "题库.csv", again, url.Values{})
		if resp.StatusCode != http.StatusConflict || strings.Count(body, "/quiz/questions/q-") != 2 {
			t.Fatalf("after skipping, the file's two stems are not each in the bank once: %d\n%s", resp.StatusCode, body)
		}
	})
}

// TestQuestionFormNamesItsProblemsAndTheDuplicate: the single-question form
// lists its problems without an empty 行 column, and a stem the bank holds
// links to the question that has it.
func TestQuestionFormNamesItsProblemsAndTheDuplicate(t *testing.T) {
	r := newRig(t)
	trainer := r.as("13900000003")
	form := url.Values{"type": {"判断"}, "stem": {"接到陌生来电要求转账，先挂断再核实。"}, "answer": {"对"}, "explanation": {"核实。"},
		"tags": {"反诈"}, "difficulty": {"1"}, "status": {"active"}}
	resp, _ := trainer.post("/quiz/questions/new", "/quiz/questions", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first question: %d", resp.StatusCode)
	}
	first := resp.Header.Get("Location")
	resp, body := trainer.post("/quiz/questions/new", "/quiz/questions", form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="existing-question"`) || !strings.Contains(body, `href="`+first+`"`) {
		t.Fatalf("the same stem again: %d, no link to %s\n%s", resp.StatusCode, first, regexpFind(body, `(?s)(<div class="error".*?</div>)`))
	}
	bad := url.Values{"type": {"判断"}, "stem": {""}, "answer": {"也许"}, "tags": {"反诈"}, "difficulty": {"9"}, "status": {"active"}}
	resp, body = trainer.post("/quiz/questions/new", "/quiz/questions", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `class="problems"`) || strings.Contains(body, "<th>行</th>") {
		t.Fatalf("a bad question: %d\n%s", resp.StatusCode, regexpFind(body, `(?s)(<div class="error".*?</table>)`))
	}
}
