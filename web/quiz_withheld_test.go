package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gridskill/quiz"
	"gridskill/seed"
)

func TestPracticePagesWithholdTheKeysOfAnOpenPaper(t *testing.T) {
	r := newRig(t)
	c := ctx(t)
	worker, err := r.people.User(c, seed.WorkerID)
	if err != nil {
		t.Fatal(err)
	}
	trainer, err := r.people.User(c, seed.TrainerID)
	if err != nil {
		t.Fatal(err)
	}
	now := r.clock.Now()
	e, err := r.quiz.CreateExam(c, trainer, quiz.Exam{Title: "保密测验", UnitIDs: []string{seed.DistrictID}, OpensAt: now, ClosesAt: now.Add(24 * time.Hour),
		Duration: 10 * time.Minute, PassMark: 60, MaxAttempts: 1, Review: quiz.ReviewAfterClose, Rules: []quiz.Rule{{Tag: "反诈", Count: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := r.quiz.Start(c, worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	onPaper := map[string]bool{}
	for _, q := range p.Questions {
		onPaper[q.ID] = true
	}
	b := r.browser()
	b.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)
	pages := []string{"/practice/wrong"}
	for i := 0; i < 40; i++ {
		pages = append(pages, "/practice/question?tag="+url.QueryEscape("反诈"))
	}
	for i := 0; i < quiz.DrillSize; i++ {
		pages = append(pages, "/practice/question?mode=daily&i="+strconv.Itoa(i))
	}
	for _, path := range pages {
		_, body := b.get(path)
		for _, m := range practiceQID.FindAllStringSubmatch(body, -1) {
			if onPaper[m[1]] {
				t.Fatalf("%s offers %s, a question on the worker's open paper", path, m[1])
			}
		}
	}
	for _, pq := range p.Questions {
		q, err := r.quiz.Question(c, trainer, pq.ID)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := b.post("/practice", "/practice/answer", url.Values{"question": {q.ID}, "mode": {"tag"}, "tag": {"反诈"}, "answer": {"A"}})
		if resp.StatusCode != http.StatusConflict || strings.Contains(body, q.Explanation) || !strings.Contains(body, "这道题在您的一份试卷上") {
			t.Fatalf("practice answer to %s on the open paper: %d, explanation shown %v", q.ID, resp.StatusCode, strings.Contains(body, q.Explanation))
		}
	}
}
