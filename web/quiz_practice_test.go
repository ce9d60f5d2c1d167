package web

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gridskill/seed"
)

var practiceQID = regexp.MustCompile(`name="question" value="([^"]+)"`)

func TestPracticeShowsExplanationAndFillsWrongAnswerBook(t *testing.T) {
	r := newRig(t)
	b := r.browser()
	b.signIn("13900000004", seed.DemoPassword)
	_, home := b.get("/practice")
	if !strings.Contains(home, "反诈") || !strings.Contains(home, `id="daily"`) {
		t.Fatal("practice page lacks the modules or the daily drill")
	}
	_, page := b.get("/practice/question?tag=" + url.QueryEscape("网格职责"))
	m := practiceQID.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no question on the practice page")
	}
	resp, body := b.post("/practice/question?tag="+url.QueryEscape("网格职责"), "/practice/answer",
		url.Values{"question": {m[1]}, "mode": {"tag"}, "tag": {"网格职责"}, "answer": {"不是答案"}})
	if resp.StatusCode != 200 || !strings.Contains(body, `id="feedback" class="error"`) {
		t.Fatalf("feedback: %d", resp.StatusCode)
	}
	q, err := r.quiz.PracticeItem(ctx(t), quizUser(t, r, seed.WorkerID), m[1])
	if err != nil || !strings.Contains(body, asHTML(t, runesOf(q.Explanation, 6))) {
		t.Fatalf("feedback lacks the explanation (%v)", err)
	}
	_, book := b.get("/practice/wrong")
	if !strings.Contains(book, asHTML(t, runesOf(q.Stem, 6))) {
		t.Fatal("the wrong answer is not in the wrong-answer book")
	}
	_, drill := b.get("/practice/question?mode=daily&i=0")
	if !strings.Contains(drill, "1 / 10") || !strings.Contains(drill, m[1]) {
		t.Fatal("the daily drill does not start with the wrong-answer book's question")
	}
	resp, _ = b.post("/practice/question?tag=x", "/practice/answer", url.Values{"question": {m[1]}, "mode": {"tag"}})
	if resp.StatusCode != 400 {
		t.Fatalf("empty practice answer: %d; want 400", resp.StatusCode)
	}
}

// asHTML is s as html/template writes it in a page's text ("+" becomes
// "&#43;"), so that a page is searched for what it really holds.
func asHTML(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// runesOf is the first n characters of s.
func runesOf(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}
