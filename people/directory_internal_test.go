package people

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

var bcryptCost = bcrypt.Cost

func TestDirectoryKeepsTheLaterRevision(t *testing.T) {
	d := newDirectory()
	u := userDoc{ID: "u1", Phone: "13700000001", Name: "甲", UnitID: "g", UnitPath: []string{"d", "g"}, TokenVersion: 1, Rev: 2}
	d.put(u)
	stale := u
	stale.TokenVersion, stale.Rev = 0, 1
	d.put(stale) // a read that began before the logout ended
	if got, _ := d.get("u1"); got.TokenVersion != 1 {
		t.Fatalf("a stale read replaced the account: token version %d, want 1", got.TokenVersion)
	}
	moved := u
	moved.Phone, moved.Rev = "13700000009", 3
	d.put(moved)
	if _, ok := d.byPhoneNumber("13700000001"); ok {
		t.Fatal("the old phone number still signs in")
	}
	if got, ok := d.byPhoneNumber("13700000009"); !ok || got.ID != "u1" {
		t.Fatalf("the new phone number: %+v, %v", got, ok)
	}
}

// BenchmarkDirectoryMemory reports the heap an account takes in memory, for
// accounts shaped like a district's (a grid's workers share a unit path).
func BenchmarkDirectoryMemory(b *testing.B) {
	const n = 10_000
	hash := "$2a$10$" + string(make([]byte, 53))
	docs := func() []userDoc {
		out := make([]userDoc, n)
		for i := range out {
			grid := fmt.Sprintf("unit-s%d-c%d-g%d", i%3+1, i%9+1, i%36+1)
			out[i] = userDoc{
				ID: fmt.Sprintf("%024x", i), Phone: fmt.Sprintf("137%08d", i), Name: fmt.Sprintf("网格员%d", i%100),
				Role: string(Worker), UnitID: grid,
				UnitPath:   []string{fmt.Sprint("unit-district"), fmt.Sprintf("unit-s%d", i%3+1), fmt.Sprintf("unit-s%d-c%d", i%3+1, i%9+1), grid},
				EmployeeNo: fmt.Sprintf("MH-%04d", i), JoinedOn: "2024-03-01", Active: true, TokenVersion: 1,
				PasswordHash: string([]byte(hash)), CreatedAt: time.Now(), UpdatedAt: time.Now(),
			}
		}
		return out
	}
	var perAccount float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d := newDirectory()
		d.put(docs()...)
		runtime.GC()
		runtime.ReadMemStats(&after)
		perAccount = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(d)
	}
	b.ReportMetric(perAccount, "B/account")
}
