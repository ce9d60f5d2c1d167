package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/people"
	"gridskill/quiz"
	"gridskill/seed"
	"gridskill/web/browsertest"
)

// TestBrowserExamAnalysis opens an exam's analysis as the street's admin on
// a desktop and on a phone: the summary, histogram, results, who has not
// sat it and the questions are there in Chinese, and the phone's page does
// not scroll sideways (the wide results table scrolls inside its box).
func TestBrowserExamAnalysis(t *testing.T) {
	b := browsertest.New(t)
	m, base, _ := startMain(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ps := people.NewService(m.store.DB, m.Clock)
	trainer, err := ps.User(ctx, seed.TrainerID)
	if err != nil {
		t.Fatal(err)
	}
	now := m.Clock.Now()
	e, err := m.quiz.CreateExam(ctx, trainer, quiz.Exam{Title: "反诈知识测验", UnitIDs: []string{seed.DistrictID}, OpensAt: now.Add(-time.Minute),
		ClosesAt: now.Add(24 * time.Hour), Duration: 20 * time.Minute, PassMark: 60, MaxAttempts: 1, Review: quiz.ReviewAfterSubmit,
		Rules: []quiz.Rule{{Tag: "反诈", Count: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{seed.WorkerID, "worker-0002", "worker-0003"} {
		w, err := ps.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := m.quiz.Start(ctx, w, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for j, pq := range p.Questions[:len(p.Questions)-2*i] { // all right, all but two, one
			if _, err := m.quiz.SaveAnswer(ctx, w, p.AttemptID, pq.ID, quiz.AnswerSave{Answer: []byte(keyOf(t, m, trainer, pq)), Seq: int64(j + 1)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := m.quiz.Submit(ctx, w, p.AttemptID); err != nil {
			t.Fatal(err)
		}
	}

	for _, view := range []struct {
		name  string
		open  func(*testing.T, time.Duration) context.Context
		width int
	}{{"phone", b.Phone, browsertest.PhoneWidth}, {"desktop", b.Screen, 1280}} {
		t.Run(view.name, func(t *testing.T) {
			tab := view.open(t, time.Minute)
			err := chromedp.Do(tab,
				chromedp.Navigate(base+"/login?next=/quiz/exams/"+e.ID),
				chromedp.WaitVisible(`#phone`),
				chromedp.SendKeys(`#phone`, "13900000002"),
				chromedp.SendKeys(`#password`, seed.DemoPassword),
				chromedp.Click(`button[type=submit]`),
				chromedp.WaitVisible(`#summary`),
				chromedp.WaitVisible(`#questions .ea-q`),
			)
			if err != nil {
				browsertest.Screenshot(t, tab, "exam-analysis-"+view.name+"-failed")
				t.Fatal(err)
			}
			sat, err := chromedp.Run(tab, chromedp.Text(`#summary .ea-facts div:first-child dd`))
			if err != nil || sat == "" || sat[0] != '3' {
				t.Errorf("sat the exam: %q (%v); want 3 of the street's audience", sat, err)
			}
			rows, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('#results tbody tr').length`))
			if err != nil || rows != 3 {
				t.Errorf("result rows %d (%v), want 3", rows, err)
			}
			wide, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil || wide > view.width+1 {
				t.Errorf("the page is %d px wide at %d (%v)", wide, view.width, err)
			}
			browsertest.Screenshot(t, tab, "exam-analysis-"+view.name)
		})
	}
}

// keyOf is the right answer to a paper's question, in the keys the paper
// shows.
func keyOf(t *testing.T, m *Main, trainer people.User, pq quiz.PaperQuestion) string {
	t.Helper()
	q, err := m.quiz.Question(context.Background(), trainer, pq.ID)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	switch pq.Type {
	case "truefalse":
		v = q.Correct[0]
	case "blank":
		var a []string
		for _, alts := range q.Blanks {
			a = append(a, alts[0])
		}
		v = a
	default:
		var keys []string
		for _, k := range q.Correct {
			for _, o := range pq.Options {
				if o.Text == q.Options[k[0]-'A'].Text {
					keys = append(keys, o.Key)
				}
			}
		}
		v = keys
		if pq.Type == "single" {
			v = keys[0]
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}
