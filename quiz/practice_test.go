package quiz_test

import (
	"slices"
	"testing"

	"gridskill"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/store/storetest"
)

func TestPracticeRefusesTamperedAndEmptyAnswersAndRecordsNothing(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	run, err := f.qs.NextPractice(ctx, f.worker, quiz.PracticeStep{Tag: "反诈", Order: true})
	if err != nil {
		t.Fatal(err)
	}
	byType := map[scoring.QuestionType]quiz.Question{}
	for i := 0; i < run.Total && len(byType) < 4; i++ {
		next, err := f.qs.NextPractice(ctx, f.worker, quiz.PracticeStep{Tag: "反诈", Order: true, Index: i})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := byType[next.Question.Type]; !ok {
			byType[next.Question.Type] = next.Question
		}
	}
	cases := map[scoring.QuestionType][][]string{
		scoring.Single:    {{"Z"}, {"A", "B"}, {"a"}, {}, {""}},
		scoring.Multiple:  {{"A", "A"}, {"Z"}, {}},
		scoring.TrueFalse: {{"对"}, {"T", "F"}, {"A"}, {}},
		scoring.Blank:     {{}, {" "}, {"1", "2", "3", "4", "5", "6", "7", "8", "9"}},
	}
	for typ, answers := range cases {
		q, ok := byType[typ]
		if !ok {
			t.Fatalf("no %s question in the module", typ)
		}
		for _, a := range answers {
			if _, err := f.qs.CheckPractice(ctx, f.worker, q.ID, a); gridskill.ErrorCode(err) != gridskill.EINVALID {
				t.Errorf("%s answer %q: %v; want invalid", typ, a, err)
			}
		}
	}
	if book, _ := f.qs.WrongBook(ctx, f.worker); len(book) != 0 {
		t.Fatalf("refused answers put %d questions in the book", len(book))
	}
	q := byType[scoring.Single]
	for range 3 {
		fb, err := f.qs.PracticeFeedback(ctx, f.worker, q.ID, wrongAnswer(q))
		if err != nil || fb.Correct || fb.Question.ID != q.ID {
			t.Fatalf("feedback read again: %+v %v", fb, err)
		}
	}
	if book, _ := f.qs.WrongBook(ctx, f.worker); len(book) != 0 {
		t.Fatal("reading a feedback again recorded the answer")
	}
	fb, err := f.qs.CheckPractice(ctx, f.worker, q.ID, wrongAnswer(q))
	if err != nil || !fb.InBook || fb.Left != 2 {
		t.Fatalf("wrong answer: in book %v, %d right answers to leave (%v); want in the book, 2", fb.InBook, fb.Left, err)
	}
	fb, _ = f.qs.CheckPractice(ctx, f.worker, q.ID, q.Correct)
	if !fb.Correct || !fb.InBook || fb.Left != 1 {
		t.Fatalf("right answer: correct %v, in book %v, %d left; want right, in the book, 1 left", fb.Correct, fb.InBook, fb.Left)
	}
}

func TestPracticeRunsGoThroughATopicWithoutRepeats(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	walk := func(at quiz.PracticeStep) []string {
		t.Helper()
		var seen []string
		for {
			next, err := f.qs.NextPractice(ctx, f.worker, at)
			if err != nil {
				t.Fatal(err)
			}
			if next.Done != "" {
				if len(seen) != next.Total || next.Right != at.Right {
					t.Fatalf("run ended after %d of %d with %d right; want all and %d", len(seen), next.Total, next.Right, at.Right)
				}
				return seen
			}
			if slices.Contains(seen, next.Question.ID) {
				t.Fatalf("question %s shown twice in one run (at %d)", next.Question.ID, at.Index)
			}
			if next.Index != at.Index || next.Total < 2 {
				t.Fatalf("at %d the run says %d of %d", at.Index, next.Index, next.Total)
			}
			seen = append(seen, next.Question.ID)
			at.Seed, at.Index = next.Seed, at.Index+1
			if len(seen)%2 == 0 {
				at.Right++
			}
		}
	}
	ordered := walk(quiz.PracticeStep{Tag: "反诈", Order: true})
	if again := walk(quiz.PracticeStep{Tag: "反诈", Order: true}); !slices.Equal(ordered, again) {
		t.Fatal("two runs in order differ")
	}
	random := walk(quiz.PracticeStep{Tag: "反诈"})
	if len(random) != len(ordered) || slices.Equal(random, ordered) {
		t.Fatalf("a random run of %d questions; want the %d in another order", len(random), len(ordered))
	}
	a, b := slices.Clone(random), slices.Clone(ordered)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Fatal("a random run holds other questions than the topic's")
	}
}

func TestDailyDrillKeepsItsQuestionsWhileItIsAnsweredAndEndsWithWhatToStudy(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	var seen []string
	right := 0
	for i := 0; ; i++ {
		next, err := f.qs.NextPractice(ctx, f.worker, quiz.PracticeStep{Mode: quiz.PracticeDaily, Index: i, Right: right})
		if err != nil {
			t.Fatal(err)
		}
		if next.Done != "" {
			if len(seen) != quiz.DrillSize || next.Right != right || len(next.Study) == 0 {
				t.Fatalf("drill ended after %d with %d right and study %v; want %d questions, %d right and a topic", len(seen), next.Right, next.Study, quiz.DrillSize, right)
			}
			return
		}
		q := next.Question
		if slices.Contains(seen, q.ID) {
			t.Fatalf("drill shows %s twice (at %d)", q.ID, i)
		}
		seen = append(seen, q.ID)
		// Wrong answers enter the book, which the drill is drawn from first.
		answer := wrongAnswer(q)
		if i%3 == 0 && q.Type != scoring.Blank {
			answer, right = q.Correct, right+1
		}
		if _, err := f.qs.CheckPractice(ctx, f.worker, q.ID, answer); err != nil {
			t.Fatal(err)
		}
	}
}
