package main

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"gridskill"
	"gridskill/certify"
	"gridskill/practical"
	"gridskill/scoring"
	"gridskill/seed"
)

// TestAcceptedChecklistIssuesTheProgramThatRequiresIt: a program requiring
// the demo's first-month checklist is issued once the worker's checklist is
// accepted, by the record hooks alone; a program naming a checklist that
// does not exist is refused.
func TestAcceptedChecklistIssuesTheProgramThatRequiresIt(t *testing.T) {
	f := newCertFlow(t)
	admin, err := f.people.User(f.ctx, seed.DistrictAdminID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.certify.CreateProgram(f.ctx, admin, certify.Program{Name: "新网格员上岗", ValidityMonths: 24,
		Requirements: scoring.Requirements{Checklists: []string{"pc-no-such-list"}}}); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("a program requiring a checklist that does not exist: %v, want invalid", err)
	}
	prog, err := f.certify.CreateProgram(f.ctx, admin, certify.Program{Name: "新网格员上岗", ValidityMonths: 24,
		Requirements: scoring.Requirements{Checklists: []string{seed.FirstMonthID}}})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := f.practical.Assign(f.ctx, admin, seed.FirstMonthID, practical.AssignInput{Phones: []string{f.worker.Phone}, Mentor: admin.Phone, Due: "2026-12-24"})
	if err != nil {
		t.Fatal(err)
	}
	task := tasks[0]
	var pic bytes.Buffer
	_ = png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	for _, it := range task.Items {
		if _, err := f.practical.SaveEntry(f.ctx, f.worker, task.ID, it.ID, practical.EntryInput{Note: "已完成", Count: it.Times, Date: "2026-11-24", Place: "翠苑"}); err != nil {
			t.Fatal(err)
		}
		if it.Needs(practical.Photo) {
			if _, err := f.practical.AddPhoto(f.ctx, f.worker, task.ID, it.ID, pic.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := f.practical.Submit(f.ctx, f.worker, task.ID); err != nil {
		t.Fatal(err)
	}
	has := func() bool {
		held, err := f.certify.Mine(f.ctx, f.worker)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range held {
			if h.ProgramID == prog.ID {
				return true
			}
		}
		return false
	}
	for i, it := range task.Items {
		if has() {
			t.Fatalf("issued with %d of %d items accepted", i, len(task.Items))
		}
		if _, err := f.practical.Review(f.ctx, admin, task.ID, it.ID, practical.Decision{Accept: true}); err != nil {
			t.Fatal(err)
		}
	}
	if !has() {
		t.Fatal("the accepted checklist did not issue the program that requires it")
	}
}
