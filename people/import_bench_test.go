package people_test

import (
	"bytes"
	"fmt"
	"testing"

	"gridskill/people"
	"gridskill/seed"
)

// benchRoster is a roster of n people spread over the demo district's three
// streets, three communities each and six grids each (two of them new), as
// a district's whole roster would be.
func benchRoster(b *testing.B, n int, namePrefix string) []byte {
	b.Helper()
	streets := []string{"东湖街道", "西山街道", "南桥街道"}
	communities := [][]string{{"翠苑社区", "柳岸社区", "桂花社区"}, {"枫林社区", "石泉社区", "松岭社区"}, {"临江社区", "桥东社区", "新河社区"}}
	grids := []string{"第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格"}
	rows := [][]string{people.RosterHeader()}
	for i := range n {
		s := i % len(streets)
		c := (i / len(streets)) % 3
		g := (i / 9) % len(grids)
		rows = append(rows, []string{
			fmt.Sprintf("%s%04d", namePrefix, i), fmt.Sprintf("137%08d", i),
			streets[s], communities[s][c], grids[g], "网格员", fmt.Sprintf("MH-B%04d", i), "2024-03-01",
		})
	}
	return csvFile(b, true, rows...)
}

// BenchmarkImportRoster2000 measures a district's roster of 2,000 people
// (parse and import) on the embedded engine: the first import into a fresh
// database, a re-import of the same file (nothing changes), and a re-import
// where every name changed (2,000 updates).
func BenchmarkImportRoster2000(b *testing.B) {
	const n = 2000
	first := benchRoster(b, n, "网格员")
	renamed := benchRoster(b, n, "改名")
	run := func(b *testing.B, f *fixture, data []byte) people.ImportResult {
		b.Helper()
		rows, err := people.ParseRoster(bytes.NewReader(data), "roster.csv")
		if err != nil {
			b.Fatal(err)
		}
		res, err := f.ps.ImportRoster(f.ctx, f.user(b, seed.DistrictAdminID), rows, "")
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	b.Run("First", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			f := newFixture(b)
			b.StartTimer()
			if res := run(b, f, first); res.Created != n {
				b.Fatalf("%+v", res)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("Again", func(b *testing.B) {
		f := newFixture(b)
		run(b, f, first)
		b.ResetTimer()
		for b.Loop() {
			if res := run(b, f, first); res.Unchanged != n {
				b.Fatalf("%+v", res)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("AllRenamed", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			f := newFixture(b)
			run(b, f, first)
			b.StartTimer()
			if res := run(b, f, renamed); res.Updated != n {
				b.Fatalf("%+v", res)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
