package certify_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/certify"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// fakeCatalog offers the fixture's module and exam.
type fakeCatalog struct{}

func (fakeCatalog) Choices(context.Context) (modules, exams []certify.Choice, err error) {
	return []certify.Choice{{ID: antiFraud, Title: "反诈"}}, []certify.Choice{{ID: fraudExam, Title: "反诈考试"}}, nil
}

func TestProgramRefusesIDsThatAreNotIDs(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	admin := f.user(seed.StreetAdminID)
	base := func() certify.Program {
		return certify.Program{Name: "反诈宣传员二", ValidityMonths: 12, Requirements: scoring.Requirements{
			Modules: []scoring.ModuleReq{{ModuleID: antiFraud, MinVersion: 1}}}, Checks: map[string]string{}}
	}
	cases := map[string]func(p *certify.Program){
		"DollarModule": func(p *certify.Program) { p.Requirements.Modules[0].ModuleID = "$where" },
		"DottedModule": func(p *certify.Program) { p.Requirements.Modules[0].ModuleID = "a.b" },
		"DollarCheckKey": func(p *certify.Program) {
			p.Requirements.Modules[0].ModuleID = "$where"
			p.Checks["$where"] = fraudExam
		},
		"DottedCheckExam": func(p *certify.Program) { p.Checks[antiFraud] = "e.x" },
		"DottedExam": func(p *certify.Program) {
			p.Requirements.Exams = []scoring.ExamReq{{ExamID: "a.b", MinScore: 60}}
		},
		"NULInName":       func(p *certify.Program) { p.Name = "反诈\x00宣传员" },
		"NewlineInName":   func(p *certify.Program) { p.Name = "反诈\n宣传员" },
		"ControlAudience": func(p *certify.Program) { p.Audience = []string{"u\x01"} },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			p := base()
			spoil(&p)
			_, err := f.svc.CreateProgram(ctx, admin, p)
			if gridskill.ErrorCode(err) != gridskill.EINVALID || gridskill.ErrorMessage(err) == "" {
				t.Fatalf("CreateProgram = %v, want invalid with a message", err)
			}
		})
	}
	if n, err := f.db.Collection("cert_programs").CountDocuments(ctx, bson.M{}); err != nil || n != 1 {
		t.Fatalf("programs stored: %d, %v; want only the fixture's", n, err)
	}
}

func TestProgramRefusesModulesAndExamsThatDoNotExist(t *testing.T) {
	f := newFixture(t)
	f.svc.Catalog = fakeCatalog{}
	ctx := storetest.Context(t)
	admin := f.user(seed.StreetAdminID)
	p := certify.Program{Name: "反诈宣传员二", ValidityMonths: 12, Requirements: scoring.Requirements{
		Modules: []scoring.ModuleReq{{ModuleID: "m-nothing", MinVersion: 1}}}}
	if _, err := f.svc.CreateProgram(ctx, admin, p); gridskill.ErrorCode(err) != gridskill.EINVALID || !strings.Contains(gridskill.ErrorMessage(err), "m-nothing") {
		t.Fatalf("unknown module: %v", err)
	}
	p.Requirements.Modules[0].ModuleID = antiFraud
	p.Requirements.Exams = []scoring.ExamReq{{ExamID: "e-nothing", MinScore: 60}}
	if _, err := f.svc.CreateProgram(ctx, admin, p); gridskill.ErrorCode(err) != gridskill.EINVALID || !strings.Contains(gridskill.ErrorMessage(err), "e-nothing") {
		t.Fatalf("unknown exam: %v", err)
	}
	p.Requirements.Exams = nil
	p.Checks = map[string]string{antiFraud: "e-nothing"}
	if _, err := f.svc.CreateProgram(ctx, admin, p); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("unknown check exam: %v", err)
	}
	if n, err := f.db.Collection("cert_programs").CountDocuments(ctx, bson.M{}); err != nil || n != 1 {
		t.Fatalf("programs stored: %d, %v; want only the fixture's", n, err)
	}
	p.Checks = map[string]string{antiFraud: fraudExam}
	if _, err := f.svc.CreateProgram(ctx, admin, p); err != nil {
		t.Fatalf("a program of known modules and exams: %v", err)
	}
	t.Run("KeepsWhatTheProgramAlreadyRequired", func(t *testing.T) {
		f.svc.Catalog = emptyCatalog{}
		old, err := f.svc.Program(ctx, admin, "anti-fraud")
		if err != nil {
			t.Fatal(err)
		}
		old.Name = "反诈宣传员（改）"
		if _, err := f.svc.UpdateProgram(ctx, admin, old); err != nil {
			t.Fatalf("renaming a program whose module was withdrawn: %v", err)
		}
	})
}

type emptyCatalog struct{}

func (emptyCatalog) Choices(context.Context) (modules, exams []certify.Choice, err error) {
	return nil, nil, nil
}
