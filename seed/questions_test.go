package seed_test

import (
	"io/fs"
	"testing"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestLoadDemoLoadsEveryQuestionWellFormedAndOnlyOnce(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	qs := quiz.NewService(db, ps, clock, nil)
	if err := qs.Load(ctx); err != nil {
		t.Fatal(err)
	}
	trainer, err := ps.User(ctx, seed.TrainerID)
	if err != nil {
		t.Fatal(err)
	}
	all, err := qs.Export(ctx, trainer, quiz.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 409 {
		t.Fatalf("loaded %d questions; seed/CONTENT.md lists 409", len(all))
	}
	for _, q := range all {
		if err := q.Validate(); err != nil {
			t.Errorf("%s: %v", q.Stem, err)
		}
		if err := q.Key().Validate(); err != nil {
			t.Errorf("%s: key: %v", q.Stem, err)
		}
		if q.Explanation == "" || q.Difficulty < 1 || q.Difficulty > 5 {
			t.Errorf("%s: explanation %q, difficulty %d", q.Stem, q.Explanation, q.Difficulty)
		}
		switch q.Type {
		case scoring.Single, scoring.Multiple:
			for _, k := range q.Correct {
				if int(k[0]-'A') >= len(q.Options) {
					t.Errorf("%s: answer %s is not an option", q.Stem, k)
				}
			}
		case scoring.Blank:
			if q.BlankCount() != len(q.Blanks) {
				t.Errorf("%s: %d blanks in the stem, %d answers", q.Stem, q.BlankCount(), len(q.Blanks))
			}
		}
		if !seedModule(q.Category()) {
			t.Errorf("%s: first tag %q is not a module tag", q.Stem, q.Category())
		}
	}
	exams, err := qs.ManagedExams(ctx, trainer)
	if err != nil || len(exams) != len(seed.ModuleTags())+1 {
		t.Fatalf("demo exams: %d (%v); want one per module and a comprehensive one", len(exams), err)
	}

	// A second run changes nothing.
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	qs2 := quiz.NewService(db, ps, clock, nil)
	if err := qs2.Load(ctx); err != nil {
		t.Fatal(err)
	}
	again, _ := qs2.Export(ctx, trainer, quiz.Filter{})
	exams2, _ := qs2.ManagedExams(ctx, trainer)
	if len(again) != len(all) || len(exams2) != len(exams) {
		t.Fatalf("second load: %d questions, %d exams; want %d and %d", len(again), len(exams2), len(all), len(exams))
	}
	for i := range all {
		if again[i].Version != all[i].Version || !again[i].UpdatedAt.Equal(all[i].UpdatedAt) {
			t.Fatalf("second load changed %s", all[i].Stem)
		}
	}
}

func TestShippedBanksExportBackToTheSameRows(t *testing.T) {
	banks, _ := fs.Sub(seed.Content, "content/questions")
	names, _ := fs.Glob(banks, "*.csv")
	if len(names) != 7 {
		t.Fatalf("%d banks; want 7", len(names))
	}
	for _, name := range names {
		f, _ := banks.Open(name)
		qs, err := quiz.ParseBank(f, name)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, q := range qs {
			back, problems := quiz.ParseRecord(q.Record())
			if len(problems) > 0 || back.Stem != q.Stem || back.Record() != q.Record() {
				t.Errorf("%s: %q does not survive export: %v", name, q.Stem, problems)
			}
		}
	}
}

func seedModule(tag string) bool {
	for _, m := range seed.ModuleTags() {
		if m == tag {
			return true
		}
	}
	return false
}
