package scoring

import (
	"math"
	"slices"
	"time"
)

// Item is one question of a test, for item statistics.
type Item struct {
	ID string
	// Max is the item's points; an item without positive, finite Max has no
	// statistics.
	Max float64
}

// usable reports whether the item has a positive, finite Max, which
// statistics need.
func (it Item) usable() bool {
	return it.Max > 0 && it.Max <= math.MaxFloat64
}

// Attempt is one person's scored sitting of a test.
type Attempt struct {
	PersonID string
	// At is when the attempt started; a person's earliest attempt is their
	// first, and of two at the same time the one listed first.
	At time.Time
	// Scores holds the points obtained on each item the attempt saw, by item
	// ID. An item absent from Scores was not seen, which is not the same as
	// a score of 0. Scores are limited to [0, Max]; NaN counts as not seen.
	Scores map[string]float64
}

// AttemptChoice says which attempts item statistics use.
type AttemptChoice int

// The attempt choices.
const (
	// FirstAttempts uses each person's first attempt only, so that practice
	// on a second try does not make items look easier than they are.
	FirstAttempts AttemptChoice = iota
	// AllAttempts uses every attempt.
	AllAttempts
)

// Reason says why a Stat is not defined.
type Reason string

// The reasons a Stat is not defined.
const (
	// NoAttempts means that no attempt used saw the item, or that there are
	// no attempts.
	NoAttempts Reason = "no_attempts"
	// OneAttempt means that only one attempt was used, and a spread or a
	// correlation needs two.
	OneAttempt Reason = "one_attempt"
	// NoVariance means that every attempt scored the same, on the item or on
	// the rest of the test, so nothing tells the attempts apart.
	NoVariance Reason = "no_variance"
	// NoMaxPoints means that the item's Max is not a positive, finite number.
	NoMaxPoints Reason = "no_max_points"
	// OneItem means that only one item was seen, and reliability needs two.
	OneItem Reason = "one_item"
	// NegativeAlpha means that Cronbach's alpha is below zero: the items do
	// not measure one thing, and the error estimates mean nothing.
	NegativeAlpha Reason = "negative_alpha"
	// Overflow means that the scores are too large, or differ too little, for
	// floating-point arithmetic.
	Overflow Reason = "overflow"
)

// Stat is a statistic that some data leave undefined. When it is not
// Defined, Value is 0 and Reason says why; it is never NaN or infinite.
type Stat struct {
	Value   float64
	Defined bool
	Reason  Reason
}

// Flag marks an item a trainer should look at.
type Flag string

// The item flags.
const (
	// TooEasy marks an item whose facility index is above 90 %.
	TooEasy Flag = "too_easy"
	// TooHard marks an item whose facility index is below 20 %.
	TooHard Flag = "too_hard"
	// NegativeDiscrimination marks an item that people who did well on the
	// rest of the test did worse on; its key may be wrong.
	NegativeDiscrimination Flag = "negative_discrimination"
	// LowEfficiency marks an item whose discriminative efficiency is below
	// 15 %: it tells strong and weak candidates apart poorly.
	LowEfficiency Flag = "low_efficiency"
)

const (
	tooEasyAbove       = 90
	tooHardBelow       = 20
	lowEfficiencyBelow = 15
)

// ItemStats are the statistics of one item over the attempts that saw it.
//
// Spreads use the sample variance, dividing by n − 1 as Moodle's quiz
// statistics do, so they need at least two attempts. An attempt's total is
// the sum of its scores on the items analysed, taken to millionths of a
// point so that floating-point noise is not mistaken for a difference.
type ItemStats struct {
	ID string
	// Attempts is how many of the attempts used saw the item.
	Attempts int
	// Facility is the mean score as a percentage of Max: 0 to 100.
	Facility Stat
	// SD is the standard deviation of the item's scores, in points.
	SD Stat
	// Discrimination is 100 × the Pearson correlation between the item's
	// score and the rest of the test (the total less the item): −100 to 100.
	Discrimination Stat
	// Efficiency is the discriminative efficiency: 100 × Cov(x, X − x) divided
	// by the covariance the item would have if both x and X − x were sorted
	// in the same order, the largest it could have with these scores:
	// −100 to 100.
	Efficiency Stat
	// Flags lists what a trainer should look at, only from defined stats.
	Flags []Flag
}

// TestStats are the statistics of a whole test.
type TestStats struct {
	// Attempts is how many attempts were used: the chosen attempts that saw
	// at least one item.
	Attempts int
	// Items is p, the number of items that some attempt saw.
	Items int
	// Mean and SD are those of the attempts' totals, in points.
	Mean Stat
	SD   Stat
	// Alpha is Cronbach's alpha, Moodle's coefficient of internal consistency
	// (CIC): 100 × p/(p − 1) × (1 − Σ item variances / variance of totals).
	// It needs two attempts, papers of two items or more on average and
	// totals that differ. It may be negative. When attempts saw different
	// items (random papers), p is the mean number of items a paper held and
	// each item's variance, from the attempts that saw it, weighs by the share
	// of attempts that saw it: the expected sum over one paper. That is an
	// estimate that may exceed 100; it is then reported as 100.
	Alpha Stat
	// ErrorRatio is 100 × √(1 − Alpha/100), in percent; undefined with
	// NegativeAlpha when Alpha is negative.
	ErrorRatio Stat
	// StandardError is ErrorRatio × SD / 100, in points: how far an attempt's
	// total may be from the person's true score.
	StandardError Stat
}

// ItemAnalysis is the statistics of a test and of each of its items.
type ItemAnalysis struct {
	Test TestStats
	// Items holds one entry for each distinct item ID, in the order given.
	Items []ItemStats
}

// AnalyzeItems computes item and test statistics from scored attempts, for
// trainers and dashboards. choice says whether to use each person's first
// attempt or all of them. Items listed twice count once. Degenerate data give
// Stats that are not Defined, never NaN or a panic: no attempts (NoAttempts),
// one attempt (OneAttempt), equal scores (NoVariance), one item (OneItem).
func AnalyzeItems(items []Item, attempts []Attempt, choice AttemptChoice) ItemAnalysis {
	items = distinctItems(items)
	rows := scoreRows(items, chooseAttempts(attempts, choice))

	a := ItemAnalysis{Items: make([]ItemStats, len(items))}
	var c consistency
	for j, it := range items {
		var xs, rests []float64
		for _, r := range rows {
			if r.seen[j] {
				xs = append(xs, r.x[j])
				rests = append(rests, tidy(r.total-r.x[j]))
			}
		}
		a.Items[j] = itemStats(it, xs, rests)
		if len(xs) > 0 {
			c.items++
			if len(xs) > 1 {
				// An item weighs by the share of attempts that saw it: on
				// random papers its variance is part of a paper's only
				// that often.
				c.itemVariance += variance(xs) * float64(len(xs)) / float64(len(rows))
			}
		}
	}

	totals := make([]float64, len(rows))
	for i, r := range rows {
		totals[i] = r.total
		c.seen += r.count
	}
	a.Test = testStats(totals, c)
	return a
}

// consistency is what Cronbach's alpha needs of the items.
type consistency struct {
	// items is how many items some attempt saw; seen is the sum over the
	// attempts of how many items each saw.
	items, seen int
	// itemVariance is the expected sum of item variances on one paper: each
	// item's variance times the share of attempts that saw it.
	itemVariance float64
}

// itemStats computes one item's statistics from its scores xs and the
// matching scores on the rest of the test.
func itemStats(it Item, xs, rests []float64) ItemStats {
	s := ItemStats{ID: it.ID, Attempts: len(xs)}
	if !it.usable() {
		s.Facility = undefined(NoMaxPoints)
		s.SD, s.Discrimination, s.Efficiency = s.Facility, s.Facility, s.Facility
		return s
	}
	if len(xs) == 0 {
		s.Facility = undefined(NoAttempts)
		s.SD, s.Discrimination, s.Efficiency = s.Facility, s.Facility, s.Facility
		return s
	}
	s.Facility = bounded(100*mean(xs)/it.Max, 0, 100)
	if len(xs) == 1 {
		s.SD = undefined(OneAttempt)
		s.Discrimination, s.Efficiency = s.SD, s.SD
	} else {
		s.SD = stat(math.Sqrt(variance(xs)))
		s.Discrimination, s.Efficiency = discrimination(xs, rests)
	}

	if s.Facility.Defined && s.Facility.Value > tooEasyAbove {
		s.Flags = append(s.Flags, TooEasy)
	}
	if s.Facility.Defined && s.Facility.Value < tooHardBelow {
		s.Flags = append(s.Flags, TooHard)
	}
	if s.Discrimination.Defined && s.Discrimination.Value < 0 {
		s.Flags = append(s.Flags, NegativeDiscrimination)
	}
	if s.Efficiency.Defined && s.Efficiency.Value < lowEfficiencyBelow {
		s.Flags = append(s.Flags, LowEfficiency)
	}
	return s
}

// discrimination returns the discrimination index and the discriminative
// efficiency of an item from two or more pairs of item and rest scores.
func discrimination(xs, rests []float64) (index, efficiency Stat) {
	if constant(xs) || constant(rests) {
		return undefined(NoVariance), undefined(NoVariance)
	}
	c := covariance(xs, rests)
	index = bounded(100*c/math.Sqrt(variance(xs))/math.Sqrt(variance(rests)), -100, 100)
	covMax := covariance(sorted(xs), sorted(rests))
	if !(covMax > 0) { // positive when both vary, short of overflow or underflow
		return index, undefined(Overflow)
	}
	return index, bounded(100*c/covMax, -100, 100)
}

// testStats computes the test's statistics from the attempts' totals and
// what the items add up to.
func testStats(totals []float64, c consistency) TestStats {
	t := TestStats{Attempts: len(totals), Items: c.items}
	switch len(totals) {
	case 0:
		t.Mean = undefined(NoAttempts)
		t.SD, t.Alpha, t.ErrorRatio, t.StandardError = t.Mean, t.Mean, t.Mean, t.Mean
		return t
	case 1:
		t.Mean = stat(totals[0])
		t.SD = undefined(OneAttempt)
		t.Alpha, t.ErrorRatio, t.StandardError = t.SD, t.SD, t.SD
		return t
	}
	t.Mean = stat(mean(totals))
	varTotal := variance(totals)
	t.SD = stat(math.Sqrt(varTotal))

	switch {
	case !t.SD.Defined:
		t.Alpha = t.SD
	case t.Items < 2 || c.seen <= len(totals):
		t.Alpha = undefined(OneItem)
	case constant(totals):
		t.Alpha = undefined(NoVariance)
	default:
		// p is the items on a paper, on average: the bank's size on fixed
		// papers, less on random ones, where counting every item of the bank
		// read a consistent exam as one measuring nothing (alpha far below 0).
		p := float64(c.seen) / float64(len(totals))
		t.Alpha = stat(min(100*p/(p-1)*(1-c.itemVariance/varTotal), 100))
	}
	switch {
	case !t.Alpha.Defined:
		t.ErrorRatio = t.Alpha
	case t.Alpha.Value < 0:
		t.ErrorRatio = undefined(NegativeAlpha)
	default:
		t.ErrorRatio = stat(100 * math.Sqrt(1-t.Alpha.Value/100))
	}
	if t.ErrorRatio.Defined {
		t.StandardError = stat(t.ErrorRatio.Value * t.SD.Value / 100)
	} else {
		t.StandardError = t.ErrorRatio
	}
	return t
}

// scoreRow is one attempt's scores on the items analysed.
type scoreRow struct {
	x     []float64 // by item index
	seen  []bool
	count int // items seen
	total float64
}

// scoreRows lays out the attempts' scores by item index, leaving out items
// without a usable Max and attempts that saw no item.
func scoreRows(items []Item, attempts []Attempt) []scoreRow {
	rows := make([]scoreRow, 0, len(attempts))
	for _, a := range attempts {
		r := scoreRow{x: make([]float64, len(items)), seen: make([]bool, len(items))}
		seenAny := false
		for j, it := range items {
			s, ok := a.Scores[it.ID]
			if !ok || math.IsNaN(s) || !it.usable() {
				continue
			}
			r.x[j] = clamp(s, 0, it.Max)
			r.seen[j] = true
			r.count++
			r.total += r.x[j]
			seenAny = true
		}
		if seenAny {
			r.total = tidy(r.total)
			rows = append(rows, r)
		}
	}
	return rows
}

// chooseAttempts returns the attempts to analyse, in the order given.
func chooseAttempts(attempts []Attempt, choice AttemptChoice) []Attempt {
	if choice == AllAttempts {
		return attempts
	}
	first := make(map[string]int, len(attempts))
	for i, a := range attempts {
		if j, ok := first[a.PersonID]; !ok || a.At.Before(attempts[j].At) {
			first[a.PersonID] = i
		}
	}
	chosen := make([]Attempt, 0, len(first))
	for i, a := range attempts {
		if first[a.PersonID] == i {
			chosen = append(chosen, a)
		}
	}
	return chosen
}

func distinctItems(items []Item) []Item {
	seen := make(map[string]struct{}, len(items))
	distinct := make([]Item, 0, len(items))
	for _, it := range items {
		if _, dup := seen[it.ID]; !dup {
			seen[it.ID] = struct{}{}
			distinct = append(distinct, it)
		}
	}
	return distinct
}

// stat returns a defined Stat, or an Overflow one if v is not finite.
func stat(v float64) Stat {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return undefined(Overflow)
	}
	return Stat{Value: v, Defined: true}
}

// bounded returns a defined Stat limited to [lo, hi] against rounding, or an
// Overflow one if v is not finite.
func bounded(v, lo, hi float64) Stat {
	s := stat(v)
	if s.Defined {
		s.Value = clamp(s.Value, lo, hi)
	}
	return s
}

func undefined(why Reason) Stat { return Stat{Reason: why} }

// tidy rounds a total to millionths of a point, so that sums of the same
// scores added in a different order compare equal.
func tidy(v float64) float64 {
	if math.Abs(v) >= 1e9 {
		return v
	}
	return math.Round(v*1e6) / 1e6
}

func mean(xs []float64) float64 {
	return sum(xs) / float64(len(xs))
}

// variance is the sample variance of two or more values.
func variance(xs []float64) float64 {
	return covariance(xs, xs)
}

// covariance is the sample covariance of two or more pairs.
func covariance(xs, ys []float64) float64 {
	mx, my := mean(xs), mean(ys)
	var s float64
	for i := range xs {
		s += (xs[i] - mx) * (ys[i] - my)
	}
	return s / float64(len(xs)-1)
}

func constant(xs []float64) bool {
	for _, x := range xs[1:] {
		if x != xs[0] {
			return false
		}
	}
	return true
}

func sorted(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s
}
