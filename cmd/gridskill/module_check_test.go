package main

import (
	"testing"
	"time"
)

// TestModuleWithAnExamCompletesOnlyAfterItIsPassed: once an exam assesses a
// module (its 结业测验), studying every lesson leaves the module waiting for
// the exam, and passing the exam completes it, with no further tap.
func TestModuleWithAnExamCompletesOnlyAfterItIsPassed(t *testing.T) {
	f := newCertFlow(t)
	const module = "m-anti-fraud"
	demo, err := f.quiz.Exam(f.ctx, f.trainer, f.examID("反诈结业考试"))
	if err != nil {
		t.Fatal(err)
	}
	check := demo
	check.ID, check.Title, check.ModuleID = "", "反诈模块结业测验", module
	check, err = f.quiz.CreateExam(f.ctx, f.trainer, check)
	if err != nil {
		t.Fatal(err)
	}
	f.study(module)
	st, err := f.courses.Study(f.ctx, f.worker, module)
	if err != nil || st.Done || !st.CheckPending {
		t.Fatalf("after every lesson, before the check: done %v, pending %v (%v)", st.Done, st.CheckPending, err)
	}
	f.clock.Advance(time.Hour)
	f.pass(check.ID)
	deadline := time.Now().Add(10 * time.Second)
	for {
		items, err := f.courses.MyLearning(f.ctx, f.worker)
		if err != nil {
			t.Fatal(err)
		}
		done := false
		for _, it := range items {
			done = done || it.Module.ID == module && it.Done
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("passing the module's exam did not complete the module")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
