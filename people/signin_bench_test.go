package people_test

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// BenchmarkSignIn signs in 2,300 demo-like accounts (the demo district and
// 2,000 examinees imported with one roster, hashed at the production cost),
// 16 at a time, and in the same run checks the same password against a
// bcrypt hash 16 at a time. It reports both rates and their ratio: a sign-in
// should cost little more than its password check (ratio near 1; the aim is
// above 0.8).
//
//	go test ./people -run NONE -bench SignIn
func BenchmarkSignIn(b *testing.B) {
	const (
		examinees  = 2000
		concurrent = 16
		password   = "Exam2026go"
	)
	db := storetest.DB(b)
	ctx := storetest.Context(b)
	ps := people.NewService(db, gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)))
	if ps.BcryptCost != bcrypt.DefaultCost {
		b.Fatalf("bcrypt cost %d, want the production cost %d", ps.BcryptCost, bcrypt.DefaultCost)
	}
	if err := seed.LoadDistrict(ctx, ps); err != nil {
		b.Fatal(err)
	}
	admin, err := ps.User(ctx, seed.DistrictAdminID)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := people.ParseRoster(bytes.NewReader(benchRoster(b, examinees, "考生")), "roster.csv")
	if err != nil {
		b.Fatal(err)
	}
	if res, err := ps.ImportRoster(ctx, admin, rows, password); err != nil || res.Created != examinees {
		b.Fatalf("%+v, %v", res, err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), ps.BcryptCost)
	if err != nil {
		b.Fatal(err)
	}
	// rate runs n calls, concurrent at a time, and returns calls a second.
	rate := func(n int, call func(i int) error) float64 {
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, concurrent)
		start := time.Now()
		for range concurrent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
					if err := call(i); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		return float64(n) / time.Since(start).Seconds()
	}
	n := max(b.N, 4*concurrent)
	b.ResetTimer()
	bare := rate(n, func(int) error { return bcrypt.CompareHashAndPassword(hash, []byte(password)) })
	signIns := rate(n, func(i int) error {
		_, err := ps.Login(ctx, rows[i%len(rows)].Phone, password, fmt.Sprintf("10.0.%d.%d", i/250%250, i%250))
		return err
	})
	b.StopTimer()
	b.ReportMetric(bare, "bcrypt/s")
	b.ReportMetric(signIns, "signins/s")
	b.ReportMetric(signIns/bare, "ratio")
}
