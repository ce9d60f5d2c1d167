package quiz_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store"
	"gridskill/store/storetest"
)

// fakeHolder is the lease table as one instance sees it, flipped by a test.
type fakeHolder struct {
	mu   sync.Mutex
	held map[string]int // lease → -1 held; n > 0 held for n more checks, then lost
}

func (h *fakeHolder) Holds(lease string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch n := h.held[lease]; {
	case n < 0:
		return true
	case n > 0:
		h.held[lease] = n - 1
		return true
	}
	return false
}

// set makes the exam's lease held (-1), lost (0) or held for n more checks.
func (h *fakeHolder) set(examID string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held["exam:"+examID] = n
}

// node is one instance over the fixture's database.
type node struct {
	qs *quiz.Service
	h  *fakeHolder
}

func (f *fixture) node(t *testing.T) node {
	t.Helper()
	h := &fakeHolder{held: map[string]int{}}
	qs := quiz.NewService(f.db, f.ps, f.clock, nil)
	qs.SetCluster(h)
	if err := qs.Load(storetest.Context(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = qs.Settle(context.Background())
		qs.Close()
	})
	return node{qs: qs, h: h}
}

// take has n claim exam e's lease with epoch and take it over.
func (n node) take(t *testing.T, examID string, epoch int64) {
	t.Helper()
	n.h.set(examID, -1)
	if err := n.qs.TakeOver(storetest.Context(t), examID, epoch); err != nil {
		t.Fatalf("take over %s: %v", examID, err)
	}
}

// lose has n lose exam e's lease, as its lease runner sees it.
func (n node) lose(examID string) {
	n.h.set(examID, 0)
	n.qs.Drop(examID)
}

func wantMoving(t *testing.T, what string, err error) {
	t.Helper()
	if gridskill.ErrorCode(err) != gridskill.EUNAVAILABLE {
		t.Fatalf("%s: %v; want unavailable", what, err)
	}
	if d, ok := quiz.RetryAfter(err); !ok || d <= 0 {
		t.Fatalf("%s: no Retry-After in %v", what, err)
	}
}

// stored counts the documents of the quiz's attempt collections.
func (f *fixture) stored(t *testing.T) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, c := range []string{"attempts_open", "attempts", "answers", "attempt_events", "exams", "questions"} {
		out[c] = countDocs(t, f.db.Collection(c))
	}
	return out
}

func save(t *testing.T, qs *quiz.Service, w people.User, attemptID, qid, answer, device string, seq int64) (quiz.SaveResult, error) {
	t.Helper()
	return qs.SaveAnswer(storetest.Context(t), w, attemptID, qid, quiz.AnswerSave{Answer: []byte(answer), Device: device, Seq: seq})
}

func TestClusterLoadReadsNoOpenAttemptAndTakeOverRebuildsThem(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Questions[0]
	r, err := save(t, f.qs, f.worker, p.AttemptID, q.ID, f.rightAnswer(t, q), "phone", 3)
	if err != nil || !r.Saved {
		t.Fatalf("save: %+v %v", r, err)
	}
	if _, _, err := f.qs.RecordEvent(ctx, f.worker, p.AttemptID, quiz.EventHidden); err != nil {
		t.Fatal(err)
	}

	a := f.node(t)
	if _, ok := a.qs.OpenAttempt(f.worker, e.ID); ok {
		t.Fatal("a loaded open attempt before taking the exam over")
	}
	_, err = a.qs.Paper(ctx, f.worker, p.AttemptID)
	wantMoving(t, "paper before takeover", err)
	a.h.set(e.ID, -1) // the lease alone is not enough: the attempts are not read yet
	_, err = a.qs.Paper(ctx, f.worker, p.AttemptID)
	wantMoving(t, "paper with the lease, before takeover", err)

	a.take(t, e.ID, 1)
	got, err := a.qs.Paper(ctx, f.worker, p.AttemptID)
	if err != nil || jsonOf(got.Answers[q.ID]) != f.rightAnswer(t, q) || got.Seqs[q.ID] != r.Seq {
		t.Fatalf("paper after takeover: %v %v seq %d; want the saved answer at seq %d", got.Answers, err, got.Seqs[q.ID], r.Seq)
	}
	// The device's seq came back with the save: its retry is the same save.
	again, err := save(t, a.qs, f.worker, p.AttemptID, q.ID, f.rightAnswer(t, q), "phone", 3)
	if err != nil || !again.Saved || again.Seq != r.Seq {
		t.Fatalf("retry after takeover: %+v %v; want saved at seq %d", again, err, r.Seq)
	}
	// The event came back too: the next one is the second.
	n, _, err := a.qs.RecordEvent(ctx, f.worker, p.AttemptID, quiz.EventHidden)
	if err != nil || n != 2 {
		t.Fatalf("second switch: %d %v; want 2", n, err)
	}
	// A new save continues above epoch<<32.
	next, err := save(t, a.qs, f.worker, p.AttemptID, p.Questions[1].ID, f.rightAnswer(t, p.Questions[1]), "phone", 4)
	if err != nil || next.Seq != 1<<32+1 {
		t.Fatalf("new save after takeover at epoch 1: %+v %v; want seq %d", next, err, int64(1<<32+1))
	}
}

func TestClusterRefusesEveryAttemptActionOnAnExamNotHeldAndChangesNothing(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	a := f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	done, _, err := a.qs.Start(ctx, f.other, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.qs.Submit(ctx, f.other, done.AttemptID); err != nil {
		t.Fatal(err)
	}
	if err := a.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	q := p.Questions[0]
	a.h.set(e.ID, 0) // lost, and not dropped yet: memory still holds the attempts
	before := f.stored(t)
	for name, act := range map[string]func() error{
		"start": func() error { _, _, err := a.qs.Start(ctx, f.worker, e.ID); return err },
		"save": func() error {
			_, err := save(t, a.qs, f.worker, p.AttemptID, q.ID, f.rightAnswer(t, q), "", 1)
			return err
		},
		"event":  func() error { _, _, err := a.qs.RecordEvent(ctx, f.worker, p.AttemptID, quiz.EventHidden); return err },
		"submit": func() error { _, err := a.qs.Submit(ctx, f.worker, p.AttemptID); return err },
		"paper":  func() error { _, err := a.qs.Paper(ctx, f.worker, p.AttemptID); return err },
		"finished submit": func() error {
			_, err := a.qs.Submit(ctx, f.other, done.AttemptID)
			return err
		},
		"review":  func() error { _, err := a.qs.Review(ctx, f.other, done.AttemptID); return err },
		"results": func() error { _, _, err := a.qs.ExamResults(ctx, f.trainer, e.ID); return err },
	} {
		wantMoving(t, name, act())
	}
	f.clock.Advance(time.Hour)
	if n := a.qs.Sweep(ctx); n != 0 {
		t.Fatalf("sweep of an exam not held stored %d attempts", n)
	}
	if err := a.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if after := f.stored(t); !mapsEqual(before, after) {
		t.Fatalf("documents %v before, %v after refused actions", before, after)
	}
	// Another instance's attempt it never read is unavailable too, not unknown.
	b := f.node(t)
	_, err = b.qs.Paper(ctx, f.worker, p.AttemptID)
	wantMoving(t, "paper of an attempt stored elsewhere", err)
	_, err = b.qs.Paper(ctx, f.worker, "a-0000000000")
	if gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("unknown attempt: %v; want not found", err)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestClusterFailoverKeepsAcknowledgedSavesAndAnswersRetriesAsTheOriginal(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.MaxAttempts = 1 })
	a, b := f.node(t), f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	q0, q1 := p.Questions[0], p.Questions[1]
	acked, err := save(t, a.qs, f.worker, p.AttemptID, q0.ID, f.rightAnswer(t, q0), "phone", 1)
	if err != nil || !acked.Saved || acked.Seq != 1<<32+1 {
		t.Fatalf("save on a: %+v %v", acked, err)
	}
	// a loses the lease in the middle of the next save: stored, not acknowledged.
	a.h.set(e.ID, 1)
	_, err = save(t, a.qs, f.worker, p.AttemptID, q1.ID, f.rightAnswer(t, q1), "phone", 2)
	wantMoving(t, "save as the lease runs out", err)
	a.qs.Drop(e.ID)

	b.take(t, e.ID, 2)
	r, err := save(t, b.qs, f.worker, p.AttemptID, q0.ID, f.rightAnswer(t, q0), "phone", 1)
	if err != nil || !r.Saved || r.Seq != acked.Seq {
		t.Fatalf("retry on b of the save a acknowledged: %+v %v; want saved at seq %d", r, err, acked.Seq)
	}
	r, err = save(t, b.qs, f.worker, p.AttemptID, q1.ID, f.rightAnswer(t, q1), "phone", 2)
	if err != nil || !r.Saved || r.Seq != 1<<32+2 {
		t.Fatalf("retry on b of the save a stored unacknowledged: %+v %v; want the stored one", r, err)
	}
	r, err = save(t, b.qs, f.worker, p.AttemptID, p.Questions[2].ID, f.rightAnswer(t, p.Questions[2]), "phone", 3)
	if err != nil || r.Seq != 2<<32+1 {
		t.Fatalf("new save on b: %+v %v; want seq %d, above anything a assigned", r, err, int64(2<<32+1))
	}
	_, err = a.qs.Submit(ctx, f.worker, p.AttemptID)
	wantMoving(t, "submit on a after it lost the exam", err)

	res, err := b.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil || res.Score != 60 {
		t.Fatalf("submit on b: %+v %v; want 3 of 5 right", res, err)
	}
	if err := b.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	// Back to a: its takeover reads the finished attempt, so attempt 1 is
	// used and its submit's retry is the stored result.
	b.lose(e.ID)
	a.take(t, e.ID, 3)
	again, err := a.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil || again != res {
		t.Fatalf("retried submit on a: %+v %v; want %+v", again, err, res)
	}
	if _, _, err := a.qs.Start(ctx, f.worker, e.ID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("start after the only attempt finished on b: %v; want conflict", err)
	}
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d finished documents of the attempt; want 1", n)
	}
}

func TestClusterSubmitStoredByTheOldOwnerIsAnsweredByTheNewOneAndStoredOnce(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	a, b := f.node(t), f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Questions[0]
	if _, err := save(t, a.qs, f.worker, p.AttemptID, q.ID, f.rightAnswer(t, q), "", 1); err != nil {
		t.Fatal(err)
	}
	a.h.set(e.ID, 2) // lost while the finish is written: after the check before the insert
	_, err = a.qs.Submit(ctx, f.worker, p.AttemptID)
	wantMoving(t, "submit as the lease runs out", err)
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d finished documents after a's submit; want it stored", n)
	}
	a.qs.Drop(e.ID)

	b.take(t, e.ID, 2)
	r, err := b.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil || r.ID != p.AttemptID || r.Score != 20 {
		t.Fatalf("retried submit on b: %+v %v; want a's result", r, err)
	}
	// Attempt 2 is a new one: attempt 1 counts as used on b.
	p2, created, err := b.qs.Start(ctx, f.worker, e.ID)
	if err != nil || !created || p2.AttemptID == p.AttemptID {
		t.Fatalf("next start on b: %s created=%v %v; want attempt 2", p2.AttemptID, created, err)
	}
	if err := b.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d finished documents of the attempt; want 1", n)
	}
	if n := f.count(t, "attempts_open", bson.M{"_id": p.AttemptID}); n != 0 {
		t.Fatalf("the finished attempt's open document is left after the takeover replayed its finish")
	}
}

func TestClusterDropForgetsAnExamWithoutWriting(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	a := f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	before := f.stored(t)
	a.qs.Drop(e.ID)
	if _, ok := a.qs.OpenAttempt(f.worker, e.ID); ok {
		t.Fatal("the attempt is still in memory after Drop")
	}
	if after := f.stored(t); !mapsEqual(before, after) {
		t.Fatalf("documents %v before, %v after Drop", before, after)
	}
	exams, err := a.qs.ExamsWithOpenAttempts(ctx)
	if err != nil || !slices.Equal(exams, []string{e.ID}) {
		t.Fatalf("exams with open attempts: %v %v; want the dropped exam, whose attempt is stored", exams, err)
	}
	_, err = a.qs.Paper(ctx, f.worker, p.AttemptID)
	wantMoving(t, "paper after Drop", err)
}

func TestClusterSweepsOnlyHeldExamsAndPrunesOnlyFinishedAttempts(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e1, e2 := f.exam(t, 5, nil), f.exam(t, 5, nil)
	a, b := f.node(t), f.node(t)
	a.take(t, e1.ID, 1)
	b.take(t, e2.ID, 1)
	p1, _, err := a.qs.Start(ctx, f.worker, e1.ID)
	if err != nil {
		t.Fatal(err)
	}
	p2, _, err := b.qs.Start(ctx, f.worker, e2.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		n *node
		p quiz.Paper
	}{{&a, p1}, {&b, p2}} {
		q := s.p.Questions[0]
		if _, err := save(t, s.n.qs, f.worker, s.p.AttemptID, q.ID, f.rightAnswer(t, q), "", 1); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(11 * time.Minute)
	if n := a.qs.Sweep(ctx); n != 1 {
		t.Fatalf("a swept %d attempts; want its own exam's one", n)
	}
	if err := a.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "attempts_open", bson.M{"_id": p2.AttemptID}); n != 1 {
		t.Fatal("a submitted the attempt of an exam b holds")
	}
	// a prunes while b's attempt is open: only the finished attempt's saves go.
	if err := a.qs.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "answers", bson.M{"attempt": p1.AttemptID}); n != 0 {
		t.Fatalf("%d saves of the finished attempt left after prune", n)
	}
	if n := f.count(t, "answers", bson.M{"attempt": p2.AttemptID}); n != 1 {
		t.Fatalf("%d saves of b's open attempt after a's prune; want 1", n)
	}
	if n := b.qs.Sweep(ctx); n != 1 {
		t.Fatalf("b swept %d attempts; want 1", n)
	}
	if err := b.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	rv, err := b.qs.Review(ctx, f.worker, p2.AttemptID)
	if err != nil || rv.Result.Score != 20 {
		t.Fatalf("review of b's swept attempt: %+v %v; want its saved answer graded", rv.Result, err)
	}
}

func TestAttemptExamMapsIdsFromMemoryOrTheDatabase(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	a, b := f.node(t), f.node(t)
	a.take(t, e.ID, 1)
	open, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	done, _, err := a.qs.Start(ctx, f.other, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.qs.Submit(ctx, f.other, done.AttemptID); err != nil {
		t.Fatal(err)
	}
	if err := a.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{open.AttemptID, done.AttemptID} {
		for name, n := range map[string]node{"a": a, "b": b} {
			got, err := n.qs.AttemptExam(ctx, id)
			if err != nil || got != e.ID {
				t.Fatalf("%s: exam of %s: %q %v; want %s", name, id, got, err, e.ID)
			}
		}
	}
	for _, id := range []string{"a-0000000000", "../x", ""} {
		if _, err := b.qs.AttemptExam(ctx, id); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
			t.Fatalf("exam of %q: %v; want not found", id, err)
		}
	}
}

func TestExamsWithOpenAttemptsListsEachExamOnce(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e1, e2, e3 := f.exam(t, 5, nil), f.exam(t, 5, nil), f.exam(t, 5, nil)
	for _, e := range []quiz.Exam{e1, e2} {
		for _, w := range []people.User{f.worker, f.other} {
			if _, _, err := f.qs.Start(ctx, w, e.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	a := f.node(t)
	got, err := a.qs.ExamsWithOpenAttempts(ctx)
	slices.Sort(got)
	want := []string{e1.ID, e2.ID}
	slices.Sort(want)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("exams with open attempts: %v %v; want %v (not %s)", got, err, want, e3.ID)
	}
}

func TestClusterRefreshSeesExamsAndQuestionsAnotherInstanceChanged(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	a, b := f.node(t), f.node(t)
	e, err := a.qs.CreateExam(ctx, f.trainer, quiz.Exam{Title: "另一台", UnitIDs: []string{seed.DistrictID}, OpensAt: t0, ClosesAt: t0.Add(20 * time.Minute),
		Duration: 30 * time.Minute, PassMark: 60, MaxAttempts: 1, Review: quiz.ReviewAfterSubmit, Rules: []quiz.Rule{{Tag: "反诈", Count: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.qs.Create(ctx, f.trainer, quiz.Question{Type: scoring.TrueFalse, Stem: "另一台服务器上新加的判断题。", Correct: []string{"T"},
		Explanation: "新加的题。", Tags: []string{"网格职责"}, Difficulty: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.qs.Exam(ctx, f.trainer, e.ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("b knows the new exam before its refresh: %v", err)
	}
	// The changes are announced for the other instances' watch.
	var v bson.M
	if err := f.db.Collection(store.VersionCollection).FindOne(ctx, bson.M{}).Decode(&v); err != nil || v[quiz.VersionName] == nil {
		t.Fatalf("versions after a's changes: %v %v; want the quiz counter", v, err)
	}
	if err := b.qs.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := b.qs.Exam(ctx, f.trainer, e.ID); err != nil || got.Title != e.Title {
		t.Fatalf("b after refresh: %+v %v; want the exam a created", got, err)
	}
	if got, err := b.qs.Question(ctx, f.trainer, q.ID); err != nil || got.Stem != q.Stem {
		t.Fatalf("b after refresh: %+v %v; want the question a created", got, err)
	}
	// The window is changed by the exam's owner only, whose open attempts follow it.
	b.take(t, e.ID, 1)
	p, _, err := b.qs.Start(ctx, f.worker, e.ID)
	if err != nil || !p.Deadline.Equal(e.ClosesAt) {
		t.Fatalf("start: deadline %v %v; want the window's close", p.Deadline, err)
	}
	f.clock.Advance(10 * time.Minute)
	later := t0.Add(2 * time.Hour)
	_, err = a.qs.ExtendExam(ctx, f.trainer, e.ID, later)
	wantMoving(t, "extension on an instance that does not hold the exam", err)
	_, _, err = a.qs.CloseExam(ctx, f.trainer, e.ID)
	wantMoving(t, "close on an instance that does not hold the exam", err)
	if n := f.count(t, "exams", bson.M{"_id": e.ID, "closesAt": e.ClosesAt}); n != 1 {
		t.Fatal("a refused change of the window was stored")
	}
	// A window stored by someone else all the same is followed at a refresh.
	if _, err := f.db.Collection("exams").UpdateOne(ctx, bson.M{"_id": e.ID}, bson.M{"$set": bson.M{"closesAt": later}}); err != nil {
		t.Fatal(err)
	}
	if err := b.qs.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := b.qs.Paper(ctx, f.worker, p.AttemptID)
	if err != nil || !got.Deadline.Equal(p.StartedAt.Add(30*time.Minute)) {
		t.Fatalf("deadline after the window moved: %v %v; want start + duration", got.Deadline, err)
	}
	if _, err := b.qs.ExtendExam(ctx, f.trainer, e.ID, later.Add(time.Hour)); err != nil {
		t.Fatalf("extension by the owner: %v", err)
	}
}

func TestSingleInstanceWritesNoLeaseOrVersion(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Questions[0]
	if r, err := save(t, f.qs, f.worker, p.AttemptID, q.ID, f.rightAnswer(t, q), "", 1); err != nil || r.Seq != 1 {
		t.Fatalf("save: %+v %v; want seq 1 as ever", r, err)
	}
	if _, err := f.qs.Submit(ctx, f.worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.qs.ExtendExam(ctx, f.trainer, e.ID, t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{store.VersionCollection, store.LeaseCollection} {
		if n := countDocs(t, f.db.Collection(c)); n != 0 {
			t.Fatalf("%d documents in %s on a single instance", n, c)
		}
	}
}

func TestClusterFinishQueuedPastTheLeaseIsLeftToTheNewOwner(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	a, b := f.node(t), f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	entered := quiz.HoldFinishWrites(a.qs, release)
	submitted := make(chan error, 1)
	go func() {
		_, err := a.qs.Submit(ctx, f.worker, p.AttemptID)
		submitted <- err
	}()
	<-entered // sealed and queued on a, not yet written
	a.lose(e.ID)
	b.take(t, e.ID, 2)
	q := p.Questions[0]
	if r, err := save(t, b.qs, f.worker, p.AttemptID, q.ID, f.rightAnswer(t, q), "", 1); err != nil || !r.Saved {
		t.Fatalf("save on b: %+v %v", r, err)
	}
	close(release)
	wantMoving(t, "a's submit whose write waited past the lease", <-submitted)
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 0 {
		t.Fatal("a wrote the finish of an exam it no longer holds")
	}
	r, err := b.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil || r.Score != 20 {
		t.Fatalf("submit on b: %+v %v; want the answer b saved graded", r, err)
	}
}

// TestClusterTakeOverReadsSavesByTheirExam: saves name their exam, so a
// takeover reads one exam's saves by equality, not every save by attempt;
// an attempt begun before saves named their exam is still read whole.
func TestClusterTakeOverReadsSavesByTheirExam(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.MaxAttempts = 1 })
	a, b, c := f.node(t), f.node(t), f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	q0 := p.Questions[0]
	acked, err := save(t, a.qs, f.worker, p.AttemptID, q0.ID, f.rightAnswer(t, q0), "phone", 1)
	if err != nil || !acked.Saved {
		t.Fatalf("save on a: %+v %v", acked, err)
	}
	if n, err := f.db.Collection("answers").CountDocuments(ctx, bson.M{"exam": e.ID}); err != nil || n != 1 {
		t.Fatalf("%d saves name the exam (%v), want 1", n, err)
	}
	a.h.set(e.ID, 1)
	a.qs.Drop(e.ID)
	b.take(t, e.ID, 2)
	if r, err := save(t, b.qs, f.worker, p.AttemptID, q0.ID, f.rightAnswer(t, q0), "phone", 1); err != nil || r.Seq != acked.Seq {
		t.Fatalf("retry on b: %+v %v; want the save read by its exam, seq %d", r, err, acked.Seq)
	}

	t.Run("SavesFromBeforeTheyNamedTheirExam", func(t *testing.T) {
		for coll, unset := range map[string]string{"answers": "exam", "attempts_open": "savesNamed"} {
			if _, err := f.db.Collection(coll).UpdateMany(ctx, bson.M{}, bson.M{"$unset": bson.M{unset: ""}}); err != nil {
				t.Fatal(err)
			}
		}
		b.h.set(e.ID, 2)
		b.qs.Drop(e.ID)
		c.take(t, e.ID, 3)
		if r, err := save(t, c.qs, f.worker, p.AttemptID, q0.ID, f.rightAnswer(t, q0), "phone", 1); err != nil || r.Seq != acked.Seq {
			t.Fatalf("retry on c: %+v %v; want the old save read by its attempt, seq %d", r, err, acked.Seq)
		}
	})
}

// An owner that dies between storing a finished attempt and its follow-ups
// leaves the open document beside its finished twin. Its exam then looked
// open for ever: the job that adopts exams nobody holds took it over after
// every failure, and in the 20-trial cluster run those takeovers piled up
// until examinees waited 18 s to save again after a kill.
func TestClusterPruneFinishesWhatADeadOwnerLeftHalfDone(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	a, b := f.node(t), f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var open bson.M
	if err := f.db.Collection("attempts_open").FindOne(ctx, bson.M{"_id": p.AttemptID}).Decode(&open); err != nil {
		t.Fatal(err)
	}
	if _, err := a.qs.Submit(ctx, f.worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	if err := a.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	// What a kill after the finished insert leaves: the open document, and
	// no follow-up done (no wrong-answer book entry).
	if _, err := f.db.Collection("attempts_open").InsertOne(ctx, open); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Collection("quiz_learners").DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	a.lose(e.ID)

	// b runs the prune job and holds no exam. The first run leaves a
	// document it sees for the first time: its follow-ups may be running.
	if err := b.qs.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "attempts_open", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d open documents after the first prune; want it left for a run", n)
	}
	if err := b.qs.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "attempts_open", bson.M{"_id": p.AttemptID}); n != 0 {
		t.Fatal("the open document of a finished attempt is left after two prunes")
	}
	if n := f.count(t, "quiz_learners", bson.M{"_id": f.worker.ID, "applied": p.AttemptID}); n != 1 {
		t.Fatal("the finish's follow-ups were not replayed before its open document went")
	}
	exams, err := b.qs.ExamsWithOpenAttempts(ctx)
	if err != nil || len(exams) != 0 {
		t.Fatalf("exams with open attempts: %v %v; want none", exams, err)
	}
	if n := f.count(t, "attempts", bson.M{"_id": p.AttemptID}); n != 1 {
		t.Fatalf("%d finished documents; want 1", n)
	}
}

// The new owner of an exam reads its finished attempts after it serves the
// open ones; a start in the meantime waits, so attempts used still count.
func TestClusterStartAfterTakeOverCountsAttemptsFinishedElsewhere(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.MaxAttempts = 1 })
	a, b := f.node(t), f.node(t)
	a.take(t, e.ID, 1)
	p, _, err := a.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.qs.Submit(ctx, f.worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	if err := a.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	a.lose(e.ID)
	b.take(t, e.ID, 2)
	if _, _, err := b.qs.Start(ctx, f.worker, e.ID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("start on b right after its takeover: %v; want conflict (the only attempt is used)", err)
	}
	if rv, err := b.qs.Review(ctx, f.worker, p.AttemptID); err != nil || rv.Result.ID != p.AttemptID {
		t.Fatalf("review on b: %+v %v", rv.Result, err)
	}
}
