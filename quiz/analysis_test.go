package quiz_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// sitRight starts an attempt of worker at e, answers every question right
// after used, and submits it.
func (f *fixture) sitRight(t *testing.T, worker people.User, e quiz.Exam, used time.Duration) quiz.Paper {
	t.Helper()
	ctx := storetest.Context(t)
	p, _, err := f.qs.Start(ctx, worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range p.Questions {
		if _, err := legacySave(f.qs, ctx, worker, p.AttemptID, q.ID, []byte(f.rightAnswer(t, q)), int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(used)
	if _, err := f.qs.Submit(ctx, worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeExamCountsTheViewersAreaOnly(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	right := f.sitRight(t, f.worker, e, 4*time.Minute)
	f.clock.Advance(time.Minute)
	blank := f.sit(t, f.other, e) // nothing answered: 0 %
	f.sit(t, f.user(t, westWorker), e)

	a, err := f.qs.AnalyzeExam(ctx, f.user(t, seed.StreetAdminID), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rows) != 2 || a.Sat != 2 || a.Passed != 1 || a.PassRate() != 50 {
		t.Fatalf("rows %d, sat %d, passed %d, pass rate %v; want the street's 2, 1 passed, 50 %%", len(a.Rows), a.Sat, a.Passed, a.PassRate())
	}
	for _, r := range a.Rows {
		if len(r.Units) != 3 || r.Units[0] != "东湖街道" {
			t.Errorf("row %s units %v; want street, community and grid of 东湖街道", r.Name, r.Units)
		}
	}
	if a.Scores.Min != 0 || a.Scores.Max != 100 || a.Scores.Mean != 50 || a.Histogram[0] != 1 || a.Histogram[9] != 1 {
		t.Errorf("scores %+v, histogram %v; want 0 and 100 in the end bins", a.Scores, a.Histogram)
	}
	if a.TimeUsed.Max != (4 * time.Minute).Seconds() {
		t.Errorf("time used %+v; want at most 240 s", a.TimeUsed)
	}
	missing := 0
	for _, g := range a.Missing {
		for _, p := range g.People {
			missing++
			if p.ID == f.worker.ID || p.ID == f.other.ID || p.ID == westWorker {
				t.Errorf("%s is listed as missing", p.ID)
			}
			if g.Units[0] != "东湖街道" {
				t.Errorf("missing %s in %v, outside the viewer's street", p.ID, g.Units)
			}
		}
	}
	if a.Audience == 0 || missing != a.Audience-2 {
		t.Errorf("%d missing of an audience of %d; want all but the two who sat", missing, a.Audience)
	}
	if len(a.Questions) == 0 {
		t.Fatal("no question analysed")
	}
	for _, q := range a.Questions {
		onRight := slices.ContainsFunc(right.Questions, func(x quiz.PaperQuestion) bool { return x.ID == q.ID })
		onBlank := slices.ContainsFunc(blank.Questions, func(x quiz.PaperQuestion) bool { return x.ID == q.ID })
		want := 0
		for _, on := range []bool{onRight, onBlank} {
			if on {
				want++
			}
		}
		if q.Attempts != want {
			t.Errorf("%s held by %d attempts, want %d (another street's attempt counted?)", q.ID, q.Attempts, want)
		}
		if wantCorrect := map[bool]int{true: 1, false: 0}[onRight]; q.Correct != wantCorrect {
			t.Errorf("%s answered right %d times, want %d", q.ID, q.Correct, wantCorrect)
		}
		for _, o := range q.Options {
			if o.Right && onRight && o.Count != 1 {
				t.Errorf("%s: option %s of the key chosen %d times, want once", q.ID, o.Key, o.Count)
			}
			if !o.Right && o.Count != 0 {
				t.Errorf("%s: wrong option %s chosen %d times", q.ID, o.Key, o.Count)
			}
		}
	}
	if a.Test.Attempts != 2 {
		t.Errorf("item analysis over %d attempts, want the street's 2", a.Test.Attempts)
	}

	t.Run("AnotherStreetsAdminSeesOnlyTheirs", func(t *testing.T) {
		a, err := f.qs.AnalyzeExam(ctx, f.user(t, "user-street-admin-2"), e.ID)
		if err != nil || len(a.Rows) != 1 || a.Rows[0].UserID != westWorker {
			t.Fatalf("west admin's rows %+v (%v); want the west worker's only", a.Rows, err)
		}
	})
	t.Run("WorkerRefused", func(t *testing.T) {
		if _, err := f.qs.AnalyzeExam(ctx, f.worker, e.ID); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Fatalf("a worker's analysis: %v; want forbidden", err)
		}
	})
	t.Run("MalformedID", func(t *testing.T) {
		if _, err := f.qs.AnalyzeExam(ctx, f.trainer, "../x"); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("malformed id: %v; want invalid", err)
		}
	})
}

func TestQuestionStatsKeepExamsApart(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	one := f.exam(t, 5, nil)
	two := f.exam(t, 5, func(e *quiz.Exam) { e.Title, e.MaxAttempts = "第二场", 20 })
	p := f.sit(t, f.worker, one)
	f.sit(t, f.other, one)
	var common string
	for range 20 {
		p2 := f.sit(t, f.worker, two)
		for _, q := range p2.Questions {
			if slices.ContainsFunc(p.Questions, func(x quiz.PaperQuestion) bool { return x.ID == q.ID }) {
				common = q.ID
			}
		}
		if common != "" {
			break
		}
	}
	if common == "" {
		t.Skip("no question shared by the two exams' papers")
	}
	st, err := f.qs.Stats(ctx, f.trainer, common)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Exams) != 2 {
		t.Fatalf("statistics in %d exams, want each exam on its own: %+v", len(st.Exams), st.Exams)
	}
	for _, ex := range st.Exams {
		if ex.Test.Attempts > 2 || ex.Title == "" {
			t.Errorf("exam %s (%q): item analysis over %d attempts; want that exam's only", ex.ExamID, ex.Title, ex.Test.Attempts)
		}
	}
}

func TestAnalyzeExamListsUnitsInTheTreesOrder(t *testing.T) {
	f := setup(t)
	e := f.exam(t, 5, nil)
	a, err := f.qs.AnalyzeExam(storetest.Context(t), f.user(t, seed.StreetAdminID), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var grids []string
	for _, g := range a.Missing[:4] {
		grids = append(grids, g.Units[len(g.Units)-1])
	}
	if want := []string{"第一网格", "第二网格", "第三网格", "第四网格"}; !slices.Equal(grids, want) {
		t.Fatalf("grids listed %v, want %v", grids, want)
	}
}

func TestAnalyzeExamKeptBetweenViewsFollowsNewAttempts(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	f.sitRight(t, f.worker, e, 4*time.Minute)
	admin := f.user(t, seed.DistrictAdminID)
	attempts := func(t *testing.T, qs *quiz.Service) (int, map[string]int) {
		t.Helper()
		a, err := qs.AnalyzeExam(ctx, admin, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		byQuestion := map[string]int{}
		for _, q := range a.Questions {
			byQuestion[q.ID] = q.Attempts
		}
		return a.Test.Attempts, byQuestion
	}
	if n, _ := attempts(t, f.qs); n != 1 {
		t.Fatalf("item analysis over %d attempts; want 1", n)
	}
	f.sit(t, f.other, e)
	f.sit(t, f.user(t, westWorker), e)
	n, kept := attempts(t, f.qs)
	m, read := attempts(t, f.restart(t))
	if n != 3 || m != 3 || len(kept) == 0 {
		t.Fatalf("after two more sittings: %d attempts kept, %d read afresh; want 3 both", n, m)
	}
	for id, c := range read {
		if kept[id] != c {
			t.Errorf("question %s: %d attempts kept, %d read afresh", id, kept[id], c)
		}
	}
}

func TestExamPapersKeptForTheExamsViewedLatest(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	admin := f.user(t, seed.DistrictAdminID)
	var exams []quiz.Exam
	for i := range quiz.KeptExams + 1 {
		e := f.exam(t, 2, func(e *quiz.Exam) { e.Title = "测验 " + strconv.Itoa(i) })
		f.sit(t, f.worker, e)
		exams = append(exams, e)
	}
	analysed := func(e quiz.Exam) {
		t.Helper()
		a, err := f.qs.AnalyzeExam(ctx, admin, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Test.Attempts != 1 || len(a.Questions) != 2 {
			t.Fatalf("%s: item analysis over %d attempts and %d questions; want 1 and 2", e.Title, a.Test.Attempts, len(a.Questions))
		}
	}
	for _, e := range exams {
		analysed(e)
		f.clock.Advance(time.Second)
	}
	if n := quiz.KeptPaperExams(f.qs); n != quiz.KeptExams {
		t.Fatalf("papers kept for %d exams; want the %d viewed latest", n, quiz.KeptExams)
	}
	// The one dropped is read again when it is viewed.
	analysed(exams[0])
	if n := quiz.KeptPaperExams(f.qs); n != quiz.KeptExams {
		t.Fatalf("papers kept for %d exams after viewing a dropped one; want %d", n, quiz.KeptExams)
	}
}
