package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"gridskill"
	"gridskill/certify"
	"gridskill/contest"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store"
)

// certFlow is the real services over the demo content, wired as Main wires them.
type certFlow struct {
	t       *testing.T
	ctx     context.Context
	clock   *gridskill.FakeClock
	people  *people.Service
	courses *courses.Service
	quiz    *quiz.Service
	certify *certify.Service
	// practical is wired as main wires it: accepted checklists reach certification.
	practical *practical.Service
	worker    people.User
	trainer   people.User
}

func newCertFlow(t *testing.T) *certFlow {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	st, err := store.Open(ctx, store.Config{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(st.DB, clock)
	ps.BcryptCost = 4
	if err := seed.LoadDemo(ctx, st.DB, ps, clock); err != nil {
		t.Fatal(err)
	}
	f := &certFlow{t: t, ctx: ctx, clock: clock, people: ps}
	f.quiz = quiz.NewService(st.DB, ps, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := f.quiz.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.courses = courses.NewService(st.DB, ps, clock)
	f.certify = certify.NewService(st.DB, ps, clock, certify.Config{})
	ct := contest.NewService(st.DB, ps, f.quiz, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := ct.Load(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ct.Close)
	f.practical = practical.NewService(st.DB, ps, f.courses, clock)
	wireCertify(f.certify, ps, f.courses, f.quiz, ct, f.practical)
	wireRecordHooks(f.courses, f.quiz, f.certify, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if f.worker, err = ps.User(ctx, seed.WorkerID); err != nil {
		t.Fatal(err)
	}
	if f.trainer, err = ps.User(ctx, seed.TrainerID); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second load changes nothing
		if err := seed.LoadDemoPrograms(ctx, st.DB, ps, clock); err != nil {
			t.Fatal(err)
		}
	}
	admin, _ := ps.User(ctx, seed.DistrictAdminID)
	if progs, err := f.certify.Programs(ctx, admin); err != nil || len(progs) != len(seed.DemoPrograms()) {
		t.Fatalf("%d demo programs (%v), want %d", len(progs), err, len(seed.DemoPrograms()))
	}
	return f
}

// study completes every lesson of the module's published version.
func (f *certFlow) study(moduleID string) {
	f.t.Helper()
	st, err := f.courses.Study(f.ctx, f.worker, moduleID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, l := range st.Version.Lessons {
		if _, err := f.courses.OpenLesson(f.ctx, f.worker, moduleID, l.ID); err != nil {
			f.t.Fatal(err)
		}
	}
	f.clock.Advance(courses.MaxMinRead)
	for _, l := range st.Version.Lessons {
		if _, err := f.courses.CompleteLesson(f.ctx, f.worker, moduleID, l.ID); err != nil {
			f.t.Fatalf("lesson %s: %v", l.ID, err)
		}
	}
}

// pass sits the exam and answers every question right.
func (f *certFlow) pass(examID string) {
	f.t.Helper()
	paper, _, err := f.quiz.Start(f.ctx, f.worker, examID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, pq := range paper.Questions {
		q, err := f.quiz.Question(f.ctx, f.trainer, pq.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		// Options are shown shuffled and relabelled: find the shown key of each right option by its text.
		shown := map[string]string{}
		for _, o := range q.Options {
			for _, po := range pq.Options {
				if po.Text == o.Text {
					shown[o.Key] = po.Key
				}
			}
		}
		var right []string
		for _, k := range q.Correct {
			if sk, ok := shown[k]; ok {
				right = append(right, sk)
			} else {
				right = append(right, k)
			}
		}
		slices.Sort(right)
		var answer any
		switch q.Type {
		case scoring.Blank:
			var texts []string
			for _, b := range q.Blanks {
				texts = append(texts, b[0])
			}
			answer = texts
		case scoring.Multiple:
			answer = right
		default:
			answer = right[0]
		}
		raw, _ := json.Marshal(answer)
		if _, err := f.quiz.SaveAnswer(f.ctx, f.worker, paper.AttemptID, pq.ID, quiz.AnswerSave{Answer: raw, Seq: 1}); err != nil {
			f.t.Fatalf("answer %s: %v", pq.ID, err)
		}
	}
	res, err := f.quiz.Submit(f.ctx, f.worker, paper.AttemptID)
	if err != nil || !res.Passed {
		f.t.Fatalf("submit: %+v, %v", res, err)
	}
	// Certification hears of a finish off the submit's path.
	if err := f.quiz.Settle(f.ctx); err != nil {
		f.t.Fatal(err)
	}
}

func (f *certFlow) examID(title string) string {
	f.t.Helper()
	exams, err := f.quiz.ManagedExams(f.ctx, f.trainer)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, e := range exams {
		if e.Title == title {
			return e.ID
		}
	}
	f.t.Fatalf("no exam %s", title)
	return ""
}

func (f *certFlow) antiFraud() (certify.Held, bool) {
	f.t.Helper()
	held, err := f.certify.Mine(f.ctx, f.worker)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, h := range held {
		if h.ProgramID == "anti-fraud" {
			return h, true
		}
	}
	return certify.Held{}, false
}

// TestDemoAntiFraudCertificateIssuedRefreshedRenewed is the "done":
// with the demo content, completing the anti-fraud module and passing its
// exam issues 反诈宣传员; a major change makes it refresher due; studying the
// new version and passing the exam again renews it. Nothing here calls
// certification: the record hooks, wired as main wires them, do it all.
func TestDemoAntiFraudCertificateIssuedRefreshedRenewed(t *testing.T) {
	f := newCertFlow(t)
	const module = "m-anti-fraud"
	exam := f.examID("反诈结业考试")

	f.study(module)
	if _, ok := f.antiFraud(); ok {
		t.Fatal("issued before the exam was passed")
	}
	f.clock.Advance(time.Hour)
	f.pass(exam)
	c, ok := f.antiFraud()
	if !ok || c.State != certify.Valid || c.ProgramName != "反诈宣传员" || c.IssuerName != "明湖区" {
		t.Fatalf("after the module and the exam: %+v, %v", c, ok)
	}

	// A trainer publishes a major change of the module.
	f.clock.Advance(24 * time.Hour)
	if _, err := f.courses.Publish(f.ctx, f.trainer, module, "新增冒充客服退款诈骗案例", true); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	if got, _ := f.antiFraud(); got.State != certify.RefresherDue {
		t.Fatalf("after a major change: %s, want refresher_due", got.State)
	}
	admin, _ := f.people.User(f.ctx, seed.StreetAdminID)
	due, err := f.certify.RefresherDueList(f.ctx, admin, "")
	if err != nil || len(due) != 1 {
		t.Fatalf("refresher list: %d, %v", len(due), err)
	}

	f.study(module)
	f.clock.Advance(time.Hour)
	f.pass(exam)
	got, _ := f.antiFraud()
	if got.State != certify.Valid || got.Renewals != 1 || got.Number != c.Number || !got.ExpiresAt.After(c.ExpiresAt) {
		t.Fatalf("after the refresher: %+v", got)
	}
	tr, err := f.certify.Transcript(f.ctx, admin, f.worker.ID)
	if err != nil || len(tr.History.Modules) == 0 || len(tr.History.Exams) == 0 {
		t.Fatalf("transcript: %+v, %v", tr.History, err)
	}
}
