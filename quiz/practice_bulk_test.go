package quiz_test

import (
	"reflect"
	"testing"
	"time"

	"gridskill"
	"gridskill/quiz"
	"gridskill/store/storetest"
)

func TestRecordPracticeRecordsWhatCheckPracticeWould(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	var qs []quiz.Question
	for i := 0; len(qs) < 3; i++ {
		next, err := f.qs.NextPractice(ctx, f.worker, quiz.PracticeStep{Tag: "反诈", Order: true, Index: i})
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, next.Question)
	}
	// Wrong, right, wrong, then the first again, right.
	answers := []quiz.PracticeAnswer{{qs[0].ID, wrongAnswer(qs[0])}, {qs[1].ID, qs[1].Correct}, {qs[2].ID, wrongAnswer(qs[2])}, {qs[0].ID, qs[0].Correct}}

	t.Run("RefusesARunWithABadAnswerAndRecordsNothing", func(t *testing.T) {
		bad := append(append([]quiz.PracticeAnswer{}, answers...), quiz.PracticeAnswer{QuestionID: qs[1].ID, Response: []string{"Z"}})
		if _, err := f.qs.RecordPractice(ctx, f.worker, bad); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("a run with a tampered answer: %v; want invalid", err)
		}
		if _, err := f.qs.RecordPractice(ctx, f.worker, []quiz.PracticeAnswer{{QuestionID: "q-none", Response: []string{"A"}}}); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
			t.Fatalf("an unknown question: %v; want not_found", err)
		}
		if book, _ := f.qs.WrongBook(ctx, f.worker); len(book) != 0 {
			t.Fatalf("refused runs put %d questions in the book", len(book))
		}
	})

	t.Run("SameBookAndStatisticsAsOneByOne", func(t *testing.T) {
		got, err := f.qs.RecordPractice(ctx, f.worker, answers)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bool{false, true, false, true}; !reflect.DeepEqual(got, want) {
			t.Fatalf("graded %v; want %v", got, want)
		}
		for _, a := range answers {
			if _, err := f.qs.CheckPractice(ctx, f.other, a.QuestionID, a.Response); err != nil {
				t.Fatal(err)
			}
		}
		gaps, err := f.qs.WorkerGaps(ctx, f.trainer, []string{f.worker.ID, f.other.ID})
		if err != nil {
			t.Fatal(err)
		}
		mine, theirs := gaps[f.worker.ID], gaps[f.other.ID]
		if len(mine.Tags) == 0 || !reflect.DeepEqual(mine.Tags, theirs.Tags) || !reflect.DeepEqual(mine.Missed, theirs.Missed) {
			t.Fatalf("run recorded %+v; one by one %+v", mine, theirs)
		}
		book, _ := f.qs.WrongBook(ctx, f.worker)
		other, _ := f.qs.WrongBook(ctx, f.other)
		if len(book) != 2 || len(other) != 2 || book[0].Left() != other[0].Left() {
			t.Fatalf("books: %d and %d entries; want 2 each, alike", len(book), len(other))
		}
	})
}

func TestWorkerGapsKeptBetweenViewsFollowEveryWrite(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	ids := []string{f.worker.ID, f.other.ID}
	same := func(t *testing.T, step string) map[string]quiz.Gaps {
		t.Helper()
		kept, err := f.qs.WorkerGaps(ctx, f.trainer, ids)
		if err != nil {
			t.Fatal(err)
		}
		read, err := f.restart(t).WorkerGaps(ctx, f.trainer, ids)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(kept, read) {
			t.Fatalf("%s: kept %+v, the collection says %+v", step, kept, read)
		}
		return kept
	}
	if g := same(t, "at first"); len(g) != 0 {
		t.Fatalf("summaries before any practice: %+v", g)
	}
	next, err := f.qs.NextPractice(ctx, f.worker, quiz.PracticeStep{Tag: "反诈", Order: true})
	if err != nil {
		t.Fatal(err)
	}
	q := next.Question
	if _, err := f.qs.CheckPractice(ctx, f.worker, q.ID, wrongAnswer(q)); err != nil {
		t.Fatal(err)
	}
	if g := same(t, "after an answer"); len(g[f.worker.ID].Missed) != 1 {
		t.Fatalf("after a wrong answer: %+v", g[f.worker.ID])
	}
	if _, err := f.qs.RecordPractice(ctx, f.other, []quiz.PracticeAnswer{{q.ID, q.Correct}}); err != nil {
		t.Fatal(err)
	}
	if g := same(t, "after a run"); len(g[f.other.ID].Tags) == 0 {
		t.Fatalf("after a recorded run: %+v", g[f.other.ID])
	}
	// With several instances, another's answers show once the copy is
	// older than the refresh and has been read again in the background.
	f.qs.RefreshGaps(30 * time.Second)
	if _, err := f.restart(t).CheckPractice(ctx, f.other, q.ID, wrongAnswer(q)); err != nil {
		t.Fatal(err)
	}
	if g, _ := f.qs.WorkerGaps(ctx, f.trainer, ids); len(g[f.other.ID].Missed) != 0 {
		t.Fatal("another instance's answer showed at once: the summaries were read again")
	}
	f.clock.Advance(31 * time.Second)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		g, err := f.qs.WorkerGaps(ctx, f.trainer, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(g[f.other.ID].Missed) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("another instance's answer unseen 10 s after the refresh was due: %+v", g[f.other.ID])
		}
	}
	same(t, "after the refresh")
}
