package scoring

import "math"

// Spread is how many values there are, their mean, the lowest and the
// highest. With no values all are 0.
type Spread struct {
	N              int
	Mean, Min, Max float64
}

// SpreadOf summarizes values; NaN values are left out.
func SpreadOf(xs []float64) Spread {
	var s Spread
	var total float64
	for _, x := range xs {
		if math.IsNaN(x) {
			continue
		}
		if s.N == 0 || x < s.Min {
			s.Min = x
		}
		if s.N == 0 || x > s.Max {
			s.Max = x
		}
		s.N++
		total += x
	}
	if s.N > 0 {
		s.Mean = total / float64(s.N)
	}
	return s
}

// Deciles counts percentages in ten bins of ten points: 0 to under 10, ...,
// 90 to 100 (100 is in the last bin). Values below 0 count in the first bin,
// above 100 in the last; NaN is left out.
func Deciles(pcts []float64) [10]int {
	var bins [10]int
	for _, p := range pcts {
		if math.IsNaN(p) {
			continue
		}
		i := int(math.Floor(p / 10))
		bins[max(0, min(i, 9))]++
	}
	return bins
}

// Share is part of whole as a percentage, 0 when whole is 0.
func Share(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}
