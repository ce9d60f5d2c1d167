package quiz_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"gridskill"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
)

func TestExamAndQuestionKeepTheTextRule(t *testing.T) {
	exam := func(title string) quiz.Exam {
		return quiz.Exam{Title: title, UnitIDs: []string{seed.DistrictID}, OpensAt: t0, ClosesAt: t0.Add(24 * time.Hour), Duration: 10 * time.Minute,
			PassMark: 60, MaxAttempts: 2, Counts: quiz.CountHighest, Review: quiz.ReviewAfterSubmit, Rules: []quiz.Rule{{Tag: "反诈", Count: 1}}}
	}
	if err := exam("反诈测验").Validate(); err != nil {
		t.Fatalf("a good exam: %v", err)
	}
	for _, title := range []string{"反诈\x00测验", "反诈\n测验", "反诈\u202e测验"} {
		if err := exam(title).Validate(); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Errorf("exam title %q: %v, want invalid", title, err)
		}
	}
	question := func(change func(q *quiz.Question)) quiz.Question {
		q := quiz.Question{Type: scoring.Single, Stem: "楼道堆放杂物属于？", Options: []quiz.Option{{Key: "A", Text: "正常"}, {Key: "B", Text: "安全隐患"}},
			Correct: []string{"B"}, Explanation: "堆物阻塞通道。", Tags: []string{"隐患"}, Difficulty: 1, Status: quiz.Active}
		change(&q)
		return q
	}
	if err := question(func(*quiz.Question) {}).Validate(); err != nil {
		t.Fatalf("a good question: %v", err)
	}
	for name, tc := range map[string]struct {
		change func(q *quiz.Question)
		field  string
	}{
		"NULInStem":           {func(q *quiz.Question) { q.Stem += "\x00" }, quiz.ColStem},
		"LineBreakInOption":   {func(q *quiz.Question) { q.Options[0].Text = "正\n常" }, "选项A"},
		"EscapeInExplanation": {func(q *quiz.Question) { q.Explanation += "\x1b[2J" }, quiz.ColExplanation},
		"TabInTag":            {func(q *quiz.Question) { q.Tags[0] = "隐\t患" }, quiz.ColTags},
		"InvalidUTF8InSource": {func(q *quiz.Question) { q.Source = "法\xff" }, quiz.ColSource},
	} {
		var e *gridskill.Error
		if err := question(tc.change).Validate(); !errors.As(err, &e) || e.Code != gridskill.EINVALID ||
			!slices.ContainsFunc(e.Fields, func(f gridskill.FieldError) bool { return f.Field == tc.field }) {
			t.Errorf("%s: %v, want invalid naming %s", name, err, tc.field)
		}
	}
	if err := question(func(q *quiz.Question) { q.Stem = "楼道\n堆放杂物属于？" }).Validate(); err != nil {
		t.Errorf("a stem over two lines: %v", err)
	}
}
