package quiz_test

import (
	"slices"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// westWorker is a generated worker of 西山街道 (the second street's grids
// follow the first street's 96 workers).
const westWorker = "worker-0100"

func (f *fixture) user(t *testing.T, id string) people.User {
	t.Helper()
	u, err := f.ps.User(storetest.Context(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sit starts and submits an attempt of worker at e, returning its paper.
func (f *fixture) sit(t *testing.T, worker people.User, e quiz.Exam) quiz.Paper {
	t.Helper()
	ctx := storetest.Context(t)
	p, _, err := f.qs.Start(ctx, worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.qs.Submit(ctx, worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExamResultsAndReviewsStayInsideTheViewersArea(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil) // district-wide, set by the district's trainer
	west := f.user(t, westWorker)
	east := f.sit(t, f.worker, e)
	westPaper := f.sit(t, west, e)
	if _, _, err := f.qs.Start(ctx, f.user(t, "worker-0101"), e.ID); err != nil { // open, in 西山街道
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		viewer     string
		sees       []string // attempt ids
		hidden     []string
		open       int
		wantReview bool
	}{
		{"EastStreetAdmin", seed.StreetAdminID, []string{east.AttemptID}, []string{westPaper.AttemptID}, 0, true},
		{"EastStreetTrainer", "user-trainer-2", []string{east.AttemptID}, []string{westPaper.AttemptID}, 0, true},
		{"WestStreetAdmin", "user-street-admin-2", []string{westPaper.AttemptID}, []string{east.AttemptID}, 1, true},
		{"DistrictTrainer", seed.TrainerID, []string{east.AttemptID, westPaper.AttemptID}, nil, 1, true},
		{"EastWorker", seed.WorkerID, []string{east.AttemptID}, []string{westPaper.AttemptID}, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			viewer := f.user(t, c.viewer)
			if c.wantReview {
				rs, open, err := f.qs.ExamResults(ctx, viewer, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, r := range rs {
					ids = append(ids, r.ID)
				}
				slices.Sort(ids)
				want := slices.Clone(c.sees)
				slices.Sort(want)
				if !slices.Equal(ids, want) || open != c.open {
					t.Fatalf("results %v, %d open; want %v, %d open", ids, open, want, c.open)
				}
			}
			for _, id := range c.sees {
				if _, err := f.qs.Review(ctx, viewer, id); err != nil {
					t.Fatalf("review of %s: %v", id, err)
				}
			}
			for _, id := range c.hidden {
				if _, err := f.qs.Review(ctx, viewer, id); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
					t.Fatalf("review of another street's attempt %s: %v; want not found", id, err)
				}
			}
		})
	}
	t.Run("AfterRestart", func(t *testing.T) {
		qs := f.restart(t)
		rs, _, err := qs.ExamResults(ctx, f.user(t, seed.StreetAdminID), e.ID)
		if err != nil || len(rs) != 1 || rs[0].ID != east.AttemptID {
			t.Fatalf("results after restart: %+v %v; want only %s", rs, err, east.AttemptID)
		}
	})
}

func TestQuestionStatsCountOnlyTheViewersArea(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	east := f.sit(t, f.worker, e)
	west := f.sit(t, f.user(t, westWorker), e)
	var q string
	for _, wq := range west.Questions {
		if !slices.ContainsFunc(east.Questions, func(x quiz.PaperQuestion) bool { return x.ID == wq.ID }) {
			q = wq.ID
			break
		}
	}
	if q == "" {
		t.Fatal("the two papers hold the same questions; draw more")
	}
	for _, c := range []struct {
		viewer string
		want   int
	}{{seed.TrainerID, 1}, {seed.StreetAdminID, 0}, {"user-trainer-2", 0}, {"user-street-admin-2", 1}} {
		st, err := f.qs.Stats(ctx, f.user(t, c.viewer), q)
		if err != nil || st.Attempts != c.want {
			t.Fatalf("%s: stats over %d attempts (%v); want %d", c.viewer, st.Attempts, err, c.want)
		}
	}
}

// paperIDs lists the questions of a paper.
func paperIDs(p quiz.Paper) map[string]bool {
	out := map[string]bool{}
	for _, q := range p.Questions {
		out[q.ID] = true
	}
	return out
}

// missEverything answers every active question of the tag wrong in practice,
// so that all of them are in the worker's wrong-answer book.
func (f *fixture) missEverything(t *testing.T, worker people.User, tag string) int {
	t.Helper()
	ctx := storetest.Context(t)
	qs, _, err := f.qs.List(ctx, f.trainer, quiz.Filter{Tag: tag, Status: quiz.Active, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if _, err := f.qs.CheckPractice(ctx, worker, q.ID, wrongAnswer(q)); err != nil {
			t.Fatal(err)
		}
	}
	return len(qs)
}

// practiceReveals reports which of the held questions some practice path
// hands out: by topic (tries times), the wrong-answer book or the daily drill.
func (f *fixture) practiceReveals(t *testing.T, worker people.User, tag string, held map[string]bool, tries int) []string {
	t.Helper()
	ctx := storetest.Context(t)
	var leaks []string
	for i := 0; i < tries; i++ {
		q, err := f.qs.PracticeQuestion(ctx, worker, tag, "")
		if err != nil {
			t.Fatal(err)
		}
		if held[q.ID] {
			leaks = append(leaks, "topic:"+q.ID)
		}
	}
	book, err := f.qs.WrongBook(ctx, worker)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range book {
		if held[w.Question.ID] {
			leaks = append(leaks, "book:"+w.Question.ID)
		}
	}
	drill, err := f.qs.DailyDrill(ctx, worker)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range drill {
		if held[q.ID] {
			leaks = append(leaks, "drill:"+q.ID)
		}
	}
	for id := range held {
		_, err := f.qs.CheckPractice(ctx, worker, id, []string{"A"})
		if err == nil {
			leaks = append(leaks, "answer:"+id)
		} else if gridskill.ErrorCode(err) != gridskill.ECONFLICT {
			t.Fatalf("practice answer to %s: %v; want conflict", id, err)
		}
	}
	return leaks
}

func TestPracticeWithholdsKeysUntilTheExamsReviewOpens(t *testing.T) {
	for _, c := range []struct {
		review quiz.Review
		// withheld after submitting, before and after the close
		afterSubmit, afterClose bool
	}{
		{quiz.ReviewAfterSubmit, false, false},
		{quiz.ReviewAfterClose, true, false},
		{quiz.ReviewNever, true, true},
	} {
		t.Run(string(c.review), func(t *testing.T) {
			f := setup(t)
			ctx := storetest.Context(t)
			n := f.missEverything(t, f.worker, "反诈")
			e := f.exam(t, 5, func(e *quiz.Exam) { e.Review = c.review })
			p, _, err := f.qs.Start(ctx, f.worker, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			held := paperIDs(p)
			if leaks := f.practiceReveals(t, f.worker, "反诈", held, 3*n); len(leaks) > 0 {
				t.Fatalf("open paper: practice reveals %v", leaks)
			}
			book, _ := f.qs.WrongBook(ctx, f.worker)
			if len(book) != n-len(held) {
				t.Fatalf("wrong-answer book holds %d; want the other %d", len(book), n-len(held))
			}
			// A colleague without that paper practises every question.
			if _, err := f.qs.PracticeItem(ctx, f.other, p.Questions[0].ID); err != nil {
				t.Fatalf("a colleague's practice: %v", err)
			}
			if _, err := f.qs.Submit(ctx, f.worker, p.AttemptID); err != nil {
				t.Fatal(err)
			}
			f.checkWithheld(t, held, c.afterSubmit)
			f.clock.Advance(25 * time.Hour)
			f.checkWithheld(t, held, c.afterClose)
		})
	}
}

// checkWithheld checks that every held question is refused in practice, or
// that every one is given, key included.
func (f *fixture) checkWithheld(t *testing.T, held map[string]bool, want bool) {
	t.Helper()
	ctx := storetest.Context(t)
	for id := range held {
		answer := []string{"A"}
		if q, err := f.qs.Question(ctx, f.trainer, id); err == nil {
			answer = wrongAnswer(q)
		}
		fb, err := f.qs.CheckPractice(ctx, f.worker, id, answer)
		switch {
		case want && gridskill.ErrorCode(err) != gridskill.ECONFLICT:
			t.Fatalf("%s: %v; want it withheld", id, err)
		case !want && (err != nil || fb.Question.ID != id):
			t.Fatalf("%s: %v; want it practised with its key", id, err)
		}
	}
}

func TestReviewHidesKeysOfQuestionsOnPapersNotYetReviewable(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	all, total, err := f.qs.List(ctx, f.trainer, quiz.Filter{Tag: "反诈", Status: quiz.Active, Limit: 200})
	if err != nil || total == 0 || total > 200 {
		t.Fatalf("%d questions (%v)", total, err)
	}
	// Both exams draw the whole topic, so their papers share every question.
	whole := func(e *quiz.Exam) { e.Rules = []quiz.Rule{{Tag: "反诈", Count: len(all)}} }
	first := f.exam(t, 1, whole)
	second := f.exam(t, 1, func(e *quiz.Exam) { whole(e); e.Review = quiz.ReviewAfterClose })
	done := f.sit(t, f.worker, first)
	if rv, err := f.qs.Review(ctx, f.worker, done.AttemptID); err != nil || !rv.Allowed {
		t.Fatalf("review before the second exam: allowed %v (%v)", rv.Allowed, err)
	}
	p, _, err := f.qs.Start(ctx, f.worker, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := f.qs.Review(ctx, f.worker, done.AttemptID)
	if err != nil || rv.Allowed || len(rv.Items) != 0 {
		t.Fatalf("review while sitting a paper with its questions: allowed %v, %d items (%v)", rv.Allowed, len(rv.Items), err)
	}
	if rv, err := f.qs.Review(ctx, f.trainer, done.AttemptID); err != nil || !rv.Allowed {
		t.Fatalf("the trainer's review: allowed %v (%v)", rv.Allowed, err)
	}
	if _, err := f.qs.Submit(ctx, f.worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	if rv, err := f.qs.Review(ctx, f.worker, done.AttemptID); err != nil || rv.Allowed {
		t.Fatalf("review after submitting the second, whose review opens at its close: allowed %v (%v)", rv.Allowed, err)
	}
	f.clock.Advance(25 * time.Hour)
	if rv, err := f.qs.Review(ctx, f.worker, done.AttemptID); err != nil || !rv.Allowed {
		t.Fatalf("review once the second closed: allowed %v (%v)", rv.Allowed, err)
	}
}
