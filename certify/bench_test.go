package certify_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/people"
	"gridskill/seed"
)

// issueAll gives every demo worker of street 1 a certificate and returns their codes.
func issueAll(b *testing.B, f *fixture) []string {
	b.Helper()
	ctx := f.t.Context()
	admin, _ := f.people.User(ctx, seed.DistrictAdminID)
	workers, _, err := f.people.List(ctx, admin, people.ListFilter{UnitID: seed.Street1ID, Role: people.Worker, Limit: 200})
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range workers {
		f.pass(w.ID, 1)
	}
	if _, err := f.svc.EvaluateAll(ctx); err != nil {
		b.Fatal(err)
	}
	cur, err := f.db.Collection("certificates").Find(ctx, bson.M{})
	if err != nil {
		b.Fatal(err)
	}
	var docs []struct {
		Code string `bson:"code"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		b.Fatal(err)
	}
	codes := make([]string, len(docs))
	for i, d := range docs {
		codes[i] = d.Code
	}
	return codes
}

// BenchmarkVerify looks certificates up by code, as the public verify page does.
func BenchmarkVerify(b *testing.B) {
	f := newFixture(b)
	codes := issueAll(b, f)
	ctx := b.Context()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := f.svc.Verify(ctx, codes[i%len(codes)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(codes)), "certificates")
}

// BenchmarkRecordChanged re-evaluates a certified worker: what courses and
// quiz trigger after each completion or passed exam.
func BenchmarkRecordChanged(b *testing.B) {
	f := newFixture(b)
	codes := issueAll(b, f)
	ctx := b.Context()
	b.ResetTimer()
	for b.Loop() {
		if err := f.svc.RecordChanged(ctx, seed.WorkerID); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(codes)), "certificates")
}

// BenchmarkCoverage computes a street's coverage by community and grid.
func BenchmarkCoverage(b *testing.B) {
	f := newFixture(b)
	codes := issueAll(b, f)
	ctx := b.Context()
	admin, _ := f.people.User(ctx, seed.StreetAdminID)
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.svc.Coverage(ctx, admin, "anti-fraud", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(codes)), "certificates")
}
