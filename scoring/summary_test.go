package scoring

import (
	"math"
	"testing"
)

func TestSpreadOf(t *testing.T) {
	cases := []struct {
		name string
		in   []float64
		want Spread
	}{
		{"None", nil, Spread{}},
		{"One", []float64{40}, Spread{1, 40, 40, 40}},
		{"Several", []float64{60, 100, 20}, Spread{3, 60, 20, 100}},
		{"NaNLeftOut", []float64{math.NaN(), 10, 30}, Spread{2, 20, 10, 30}},
	}
	for _, c := range cases {
		if got := SpreadOf(c.in); got != c.want {
			t.Errorf("%s: SpreadOf(%v) = %+v, want %+v", c.name, c.in, got, c.want)
		}
	}
}

func TestDeciles(t *testing.T) {
	got := Deciles([]float64{0, 9.99, 10, 59.5, 60, 90, 100, -5, 130, math.NaN()})
	want := [10]int{3, 1, 0, 0, 0, 1, 1, 0, 0, 3}
	if got != want {
		t.Errorf("Deciles = %v, want %v", got, want)
	}
}

func TestShare(t *testing.T) {
	if got := Share(1, 4); got != 25 {
		t.Errorf("Share(1, 4) = %v, want 25", got)
	}
	if got := Share(3, 0); got != 0 {
		t.Errorf("Share(3, 0) = %v, want 0", got)
	}
}
