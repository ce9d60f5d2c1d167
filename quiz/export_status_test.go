package quiz_test

import (
	"bytes"
	"testing"

	"gridskill/quiz"
	"gridskill/sheet"
	"gridskill/store/storetest"
)

// TestExportRoundTripKeepsStatusAndDates: a retired question, and one with
// dates of effect, exported and imported into a fresh bank come back
// retired and with their dates; the export used to drop both, so a retired
// question came back active.
func TestExportRoundTripKeepsStatusAndDates(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	all, err := f.qs.Export(ctx, f.trainer, quiz.Filter{Tag: "反诈"})
	if err != nil || len(all) < 2 {
		t.Fatalf("%d questions (%v)", len(all), err)
	}
	if _, err := f.qs.SetStatus(ctx, f.trainer, all[0].ID, quiz.Retired); err != nil {
		t.Fatal(err)
	}
	dated := all[1]
	dated.EffectiveOn, dated.RetireOn = "2026-01-01", "2027-06-30"
	if _, err := f.qs.Import(ctx, f.trainer, []quiz.Question{dated}, quiz.DupUpdate); err != nil {
		t.Fatal(err)
	}
	var picked []quiz.Question
	for _, id := range []string{all[0].ID, all[1].ID} {
		q, err := f.qs.Question(ctx, f.trainer, id)
		if err != nil {
			t.Fatal(err)
		}
		picked = append(picked, q)
	}
	var file bytes.Buffer
	if err := sheet.WriteCSV(&file, quiz.Header(), quiz.Rows(picked)); err != nil {
		t.Fatal(err)
	}
	back, err := quiz.ParseBank(bytes.NewReader(file.Bytes()), "题库.csv")
	if err != nil || len(back) != 2 {
		t.Fatalf("the export reads back as %d questions (%v)", len(back), err)
	}
	if back[0].Status != quiz.Retired || back[1].Status != quiz.Active {
		t.Fatalf("statuses read back: %s, %s; want retired, active", back[0].Status, back[1].Status)
	}
	if back[1].EffectiveOn != "2026-01-01" || back[1].RetireOn != "2027-06-30" {
		t.Fatalf("dates read back: %q to %q", back[1].EffectiveOn, back[1].RetireOn)
	}
	t.Run("UnknownStatusIsRefused", func(t *testing.T) {
		_, p := quiz.ParseRecord(quiz.Record{Line: 2, Type: "判断", Stem: "一道题。", Answer: "对", Tags: "反诈", Difficulty: "1", Status: "作废了"})
		if len(p) != 1 || p[0].Field != quiz.ColStatus {
			t.Fatalf("an unknown status: %+v", p)
		}
	})
}
