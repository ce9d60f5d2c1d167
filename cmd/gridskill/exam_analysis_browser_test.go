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
			if _, err := m.quiz.SaveAnswer(ctx, w, p.AttemptID, pq.ID, quiz.AnswerSave{Answer: []byte(paperKeyOf(t, m, trainer, pq)), Seq: int64(j + 1)}); err != nil {
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

// paperKeyOf is the right answer to a paper's question, in the keys the paper
// shows.
func paperKeyOf(t *testing.T, m *Main, trainer people.User, pq quiz.PaperQuestion) string {
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

// TestBrowserExamManagement closes an exam with an attempt in progress from
// a phone, as its trainer, and sets its make-up exam from a desktop: the
// attempt is submitted and listed, and the make-up exam's page names the
// exam it is for.
func TestBrowserExamManagement(t *testing.T) {
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
	e, err := m.quiz.CreateExam(ctx, trainer, quiz.Exam{Title: "入户走访测验", UnitIDs: []string{seed.Street1ID}, OpensAt: now.Add(-time.Minute),
		ClosesAt: now.Add(24 * time.Hour), Duration: 20 * time.Minute, PassMark: 60, MaxAttempts: 1, Rules: []quiz.Rule{{Tag: "反诈", Count: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ps.User(ctx, seed.WorkerID)
	if _, _, err := m.quiz.Start(ctx, w, e.ID); err != nil {
		t.Fatal(err)
	}
	signIn := func(tab context.Context, next string) error {
		return chromedp.Do(tab,
			chromedp.Navigate(base+"/login?next="+next),
			chromedp.WaitVisible(`#phone`),
			chromedp.SendKeys(`#phone`, "13900000003"),
			chromedp.SendKeys(`#password`, seed.DemoPassword),
			chromedp.Click(`button[type=submit]`),
			chromedp.WaitVisible(`#summary`))
	}
	t.Run("PhoneClosesNow", func(t *testing.T) {
		phone := b.Phone(t, time.Minute)
		err := signIn(phone, "/quiz/exams/"+e.ID)
		if err == nil {
			err = chromedp.Do(phone,
				chromedp.Click(`#manage summary`),
				chromedp.WaitVisible(`#close-now button`),
				chromedp.Click(`#close-now button`),
				chromedp.WaitVisible(`#results tbody tr td a`))
		}
		if err != nil {
			browsertest.Screenshot(t, phone, "exam-close-phone-failed")
			t.Fatal(err)
		}
		if rs := m.quiz.Results(w, e.ID); len(rs) != 1 || rs[0].Reason != "deadline" {
			t.Fatalf("results after closing: %+v", rs)
		}
		browsertest.Screenshot(t, phone, "exam-closed-phone")
	})
	t.Run("DesktopSetsTheMakeUp", func(t *testing.T) {
		screen := b.Screen(t, time.Minute)
		err := signIn(screen, "/quiz/exams/"+e.ID)
		if err == nil {
			err = chromedp.Do(screen,
				chromedp.Click(`#manage summary`),
				chromedp.WaitVisible(`#makeup button`),
				chromedp.Click(`#makeup button`),
				chromedp.WaitVisible(`#makeup-of`))
		}
		if err != nil {
			browsertest.Screenshot(t, screen, "exam-makeup-desktop-failed")
			t.Fatal(err)
		}
		title, err := chromedp.Run(screen, chromedp.Text(`h1`))
		if err != nil || title != "入户走访测验（补考）" {
			t.Fatalf("the page after setting the make-up: %q (%v)", title, err)
		}
		browsertest.Screenshot(t, screen, "exam-makeup-desktop")
	})
}
