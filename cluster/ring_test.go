package cluster

import (
	"fmt"
	"slices"
	"testing"
)

func TestRingSpreadsKeysEvenly(t *testing.T) {
	backends := []string{"http://a:8080", "http://b:8080", "http://c:8080"}
	r := NewRing(backends)
	count := map[string]int{}
	const n = 30000
	for i := range n {
		count[r.Get(fmt.Sprintf("exam:%d", i))]++
	}
	for _, b := range backends {
		if share := float64(count[b]) / n; share < 0.25 || share > 0.42 {
			t.Errorf("%s holds %.0f%% of the keys, want about a third: %v", b, share*100, count)
		}
	}
}

func TestRingMovesOnlyTheLeavingBackendsKeys(t *testing.T) {
	all := NewRing([]string{"a", "b", "c"})
	without := NewRing([]string{"a", "c"})
	moved := 0
	for i := range 5000 {
		k := fmt.Sprintf("round:%d", i)
		before, after := all.Get(k), without.Get(k)
		if before != "b" && before != after {
			t.Fatalf("key %s moved from %s to %s though %s stayed", k, before, after, before)
		}
		if before == "b" {
			moved++
			// The key falls to the next backend along the ring: what Order names second.
			if want := all.Order(k)[1]; after != want {
				t.Fatalf("key %s went to %s, want %s, the next in its order", k, after, want)
			}
		}
	}
	if moved == 0 {
		t.Fatal("no key was on b")
	}
}

func TestRingOrderNamesEveryBackendOnceStartingWithTheOwner(t *testing.T) {
	r := NewRing([]string{"a", "b", "c", "a"})
	if got := r.Backends(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("backends %v: a duplicate must count once", got)
	}
	for i := range 100 {
		k := fmt.Sprint(i)
		o := r.Order(k)
		s := slices.Clone(o)
		slices.Sort(s)
		if o[0] != r.Get(k) || !slices.Equal(s, []string{"a", "b", "c"}) {
			t.Fatalf("Order(%q) = %v, Get = %s", k, o, r.Get(k))
		}
	}
	if NewRing(nil).Get("x") != "" || NewRing(nil).Order("x") != nil {
		t.Fatal("an empty ring must place nothing")
	}
}
