package quiz_test

import (
	"slices"
	"testing"
	"time"

	"gridskill"
	"gridskill/quiz"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestUpdateExamOnlyBeforeTheFirstAttempt(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	next := e
	next.Title, next.PassMark, next.Rules = "改过的测验", 70, []quiz.Rule{{Tag: "反诈", Count: 3}}
	got, err := f.qs.UpdateExam(ctx, f.trainer, e.ID, next)
	if err != nil || got.Title != "改过的测验" || got.Size() != 3 || got.ID != e.ID || got.CreatedBy != e.CreatedBy {
		t.Fatalf("update: %+v %v", got, err)
	}
	t.Run("StreetTrainerOfTheAudienceMayNot", func(t *testing.T) {
		if _, err := f.qs.UpdateExam(ctx, f.user(t, "user-trainer-2"), e.ID, next); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Fatalf("a street trainer's edit of the district's exam: %v; want forbidden", err)
		}
	})
	t.Run("BadSettingsChangeNothing", func(t *testing.T) {
		bad := next
		bad.PassMark = 140
		if _, err := f.qs.UpdateExam(ctx, f.trainer, e.ID, bad); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("pass mark 140: %v; want invalid", err)
		}
		if now, _ := f.qs.Exam(ctx, f.trainer, e.ID); now.PassMark != 70 {
			t.Fatalf("pass mark %d after a refused edit", now.PassMark)
		}
	})
	f.sit(t, f.worker, e)
	if _, err := f.qs.UpdateExam(ctx, f.trainer, e.ID, next); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("edit after an attempt: %v; want conflict", err)
	}
	if after, _ := f.restart(t).Exam(ctx, f.trainer, e.ID); after.Title != "改过的测验" {
		t.Fatalf("after a restart the exam is %q", after.Title)
	}
}

func TestExtendingTheWindowMovesOpenDeadlines(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	// Closes 4 minutes after the start: a 10-minute attempt is cut to 4.
	e := f.exam(t, 5, func(e *quiz.Exam) { e.ClosesAt = t0.Add(4 * time.Minute) })
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil || !p.Deadline.Equal(t0.Add(4*time.Minute)) {
		t.Fatalf("start: deadline %v (%v); want the close", p.Deadline, err)
	}
	if _, err := f.qs.ExtendExam(ctx, f.trainer, e.ID, t0.Add(time.Minute)); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("an earlier close: %v; want invalid", err)
	}
	if _, err := f.qs.ExtendExam(ctx, f.user(t, "user-trainer-2"), e.ID, t0.Add(time.Hour)); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a street trainer's extension: %v; want forbidden", err)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.qs.ExtendExam(ctx, f.trainer, e.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	again, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil || again.AttemptID != p.AttemptID || !again.Deadline.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("after the extension: %s deadline %v (%v); want the same attempt to run its 10 minutes", again.AttemptID, again.Deadline, err)
	}
	qs := f.restart(t)
	resumed, _, err := qs.Start(ctx, f.worker, e.ID)
	if err != nil || !resumed.Deadline.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("after a restart: deadline %v (%v); want start + 10 minutes", resumed.Deadline, err)
	}
	f.clock.Advance(5 * time.Minute) // t0 + 6 min: past the old close, inside the attempt
	if _, err := legacySave(qs, ctx, f.worker, p.AttemptID, p.Questions[0].ID, []byte(f.rightAnswer(t, p.Questions[0])), 1); err != nil {
		t.Fatalf("a save past the old close: %v", err)
	}
}

func TestClosingNowSubmitsOpenAttemptsAsTheCloseDoes(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := legacySave(f.qs, ctx, f.worker, p.AttemptID, p.Questions[0].ID, []byte(f.rightAnswer(t, p.Questions[0])), 1); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Minute)
	closed, n, err := f.qs.CloseExam(ctx, f.trainer, e.ID)
	if err != nil || n != 1 || !closed.ClosesAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("close: %d attempts ended, closes %v (%v)", n, closed.ClosesAt, err)
	}
	rs := f.qs.Results(f.worker, e.ID)
	if len(rs) != 1 || rs[0].Reason != "deadline" || rs[0].Score <= 0 || !rs[0].SubmittedAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("results %+v; want the attempt submitted at the close with its saved answer", rs)
	}
	if _, _, err := f.qs.Start(ctx, f.other, e.ID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("a start after closing: %v; want conflict", err)
	}
	if _, _, err := f.qs.CloseExam(ctx, f.trainer, e.ID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("closing twice: %v; want conflict", err)
	}
	if after, _ := f.restart(t).Exam(ctx, f.trainer, e.ID); !after.ClosesAt.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("after a restart the exam closes %v", after.ClosesAt)
	}
}

func TestMakeUpExamIsForThoseWhoFailedOrMissed(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.UnitIDs = []string{seed.Street1ID}; e.MaxAttempts = 1 })
	passer := f.worker
	f.sitRight(t, passer, e, time.Minute)
	f.sit(t, f.other, e) // blank: failed
	m, err := f.qs.MakeUpExam(ctx, f.trainer, e.ID, t0.Add(48*time.Hour), t0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if m.MakeUpOf != e.ID || m.Title != "测验（补考）" || slices.Contains(m.UserIDs, passer.ID) || !slices.Contains(m.UserIDs, f.other.ID) || !slices.Contains(m.UserIDs, "worker-0003") {
		t.Fatalf("make-up %q for %d workers (of %s); want the failed and the missing, not the passer", m.Title, len(m.UserIDs), m.MakeUpOf)
	}
	f.clock.Set(t0.Add(49 * time.Hour))
	if _, _, err := f.qs.Start(ctx, passer, m.ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("the passer's start of the make-up: %v; want not found", err)
	}
	if _, _, err := f.qs.Start(ctx, f.other, m.ID); err != nil {
		t.Fatalf("the failed worker's start: %v", err)
	}
	if _, err := f.qs.MakeUpExam(ctx, f.user(t, "user-street-admin-2"), e.ID, t0.Add(48*time.Hour), t0.Add(72*time.Hour)); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("another street's admin: %v; want not found", err)
	}
}

func TestSampleAndHandPickedPapers(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	sample, err := f.qs.SamplePaper(ctx, f.trainer, e.ID, 7)
	if err != nil || len(sample) != 5 || len(sample[0].Correct)+len(sample[0].Blanks) == 0 {
		t.Fatalf("sample: %d questions (%v); want 5 with their keys", len(sample), err)
	}
	if _, err := f.qs.SamplePaper(ctx, f.worker, e.ID, 7); err == nil {
		t.Fatal("a worker read a sample paper with its keys")
	}
	picked := []string{sample[3].ID, sample[1].ID, sample[0].ID}
	hand := f.exam(t, 0, func(e *quiz.Exam) { e.Rules, e.QuestionIDs, e.Shuffle = nil, picked, false })
	p := f.sit(t, f.worker, hand)
	var got []string
	for _, q := range p.Questions {
		got = append(got, q.ID)
	}
	if !slices.Equal(got, picked) || hand.Size() != 3 {
		t.Fatalf("hand-picked paper %v, want %v in order", got, picked)
	}
	if _, err := f.qs.CreateExam(ctx, f.trainer, quiz.Exam{Title: "x", UnitIDs: []string{seed.DistrictID}, OpensAt: t0, ClosesAt: t0.Add(time.Hour),
		Duration: 10 * time.Minute, QuestionIDs: []string{sample[0].ID, "q-missing"}}); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("a paper naming a missing question: %v; want invalid", err)
	}
	fixed := f.exam(t, 5, func(e *quiz.Exam) { e.Fixed = true })
	a, b := f.sit(t, f.worker, fixed), f.sit(t, f.other, fixed)
	ids := func(p quiz.Paper) []string {
		var out []string
		for _, q := range p.Questions {
			out = append(out, q.ID)
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(ids(a), ids(b)) {
		t.Fatalf("a fixed exam gave two papers: %v and %v", ids(a), ids(b))
	}
}
