package web

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gridskill/quiz"
	"gridskill/seed"
)

var practiceQID = regexp.MustCompile(`name="question" value="([^"]+)"`)

// practiceForm is the form of the practice page body, with its hidden fields.
func practiceForm(t *testing.T, body string) url.Values {
	t.Helper()
	f := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(body, -1) {
		if m[1] != "_csrf" {
			f.Add(m[1], html.UnescapeString(m[2]))
		}
	}
	if f.Get("question") == "" {
		t.Fatalf("no question on the practice page: %.400s", body)
	}
	return f
}

// wrongOption is an option of q that is not a right one.
func wrongOption(q quiz.Question) string {
	for _, o := range q.Options {
		if !slices.Contains(q.Correct, o.Key) {
			return o.Key
		}
	}
	if len(q.Correct) > 0 && q.Correct[0] == "T" {
		return "F"
	}
	return "T"
}

func TestPracticeShowsExplanationAndFillsWrongAnswerBook(t *testing.T) {
	r := newRig(t)
	b := r.browser()
	b.signIn("13900000004", seed.DemoPassword)
	_, home := b.get("/practice")
	if !strings.Contains(home, "反诈") || !strings.Contains(home, `id="daily"`) || !strings.Contains(home, "order=1") {
		t.Fatal("practice page lacks the modules in order or the daily drill")
	}
	from := "/practice/question?tag=" + url.QueryEscape("网格职责") + "&order=1"
	_, page := b.get(from)
	if !strings.Contains(page, `id="practice-progress"`) || !regexp.MustCompile(`第 1 / \d+ 题`).MatchString(page) {
		t.Fatal("the run in order shows no progress 第 1 / N 题")
	}
	form := practiceForm(t, page)
	q, err := r.quiz.PracticeItem(ctx(t), quizUser(t, r, seed.WorkerID), form.Get("question"))
	if err != nil || q.Type == "blank" {
		t.Fatalf("practice question %+v %v; want a choice question first", q.Type, err)
	}
	// Nothing chosen: the same question again, with the problem above it.
	resp, body := b.post(from, "/practice/answer", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "请先选择或填写答案") || practiceForm(t, body).Get("question") != q.ID {
		t.Fatalf("empty practice answer: %d; want 400 keeping question %s with the message inline", resp.StatusCode, q.ID)
	}
	// An option the question does not have is refused the same way.
	form.Set("answer", "Z")
	resp, body = b.post(from, "/practice/answer", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "不是这道题的选项") || !strings.Contains(body, `name="question" value="`+q.ID+`"`) {
		t.Fatalf("tampered practice answer: %d; want 400 with the problem", resp.StatusCode)
	}
	book := func() []quiz.WrongEntry {
		t.Helper()
		bk, err := r.quiz.WrongBook(ctx(t), quizUser(t, r, seed.WorkerID))
		if err != nil {
			t.Fatal(err)
		}
		return bk
	}
	if n := len(book()); n != 0 {
		t.Fatalf("refused answers put %d questions in the book", n)
	}
	form.Set("answer", wrongOption(q))
	resp, _ = b.post(from, "/practice/answer", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/practice/feedback?") {
		t.Fatalf("answer: %d to %q; want 303 to its feedback", resp.StatusCode, loc)
	}
	for range 3 { // a reload of the feedback page records nothing
		resp, body = b.get(loc)
		if resp.StatusCode != 200 || !strings.Contains(body, `id="feedback" class="verdict-box wrong"`) {
			t.Fatalf("feedback: %d", resp.StatusCode)
		}
	}
	if !strings.Contains(body, asHTML(t, runesOf(q.Explanation, 6))) || !strings.Contains(body, `<p class="explanation">`) {
		t.Fatal("feedback lacks the explanation in normal text")
	}
	if !strings.Contains(body, `class="key"`) || !strings.Contains(body, ` chosen">`+wrongOption(q)+". ") {
		t.Fatal("feedback does not mark the chosen and the right option")
	}
	if bk := book(); len(bk) != 1 || bk[0].Misses != 1 {
		t.Fatalf("book after three loads of one feedback: %+v; want the question missed once", bk)
	}
	if !strings.Contains(body, "再在 2 个不同的日子答对即可移出") {
		t.Fatal("feedback does not say how many right answers take it out of the book")
	}
	next := regexp.MustCompile(`href="([^"]+)" id="next"`).FindStringSubmatch(body)
	if next == nil || !strings.Contains(next[1], "i=1") || !strings.Contains(next[1], "order=1") {
		t.Fatalf("next link %v; want the run's second question", next)
	}
	_, wb := b.get("/practice/wrong")
	if !strings.Contains(wb, asHTML(t, runesOf(q.Stem, 6))) || !strings.Contains(wb, "正确答案：") || !strings.Contains(wb, "再在 2 个不同的日子答对即可移出") {
		t.Fatal("the wrong-answer book lacks the question, its right answer or the right answers left")
	}
	_, drill := b.get("/practice/question?mode=daily&i=0")
	if !strings.Contains(drill, "第 1 / 10 题") || !strings.Contains(drill, q.ID) {
		t.Fatal("the daily drill does not start with the wrong-answer book's question")
	}
	_, done := b.get("/practice/question?mode=daily&i=10&r=7")
	if !strings.Contains(done, `id="practice-done"`) || !strings.Contains(done, "您答对了 7 / 10 题") || !strings.Contains(done, `id="study-next"`) {
		t.Fatal("the end of the drill lacks its score or what to study next")
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
