package scoring

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

var items3 = []Item{{"q1", 1}, {"q2", 1}, {"q3", 1}}

// sitting returns an attempt by person, started minute minutes into the
// day, with scores on q1, q2, ... in order; NaN leaves an item unseen.
func sitting(person string, minute int, scores ...float64) Attempt {
	a := Attempt{PersonID: person, At: end.Add(time.Duration(minute) * time.Minute), Scores: map[string]float64{}}
	for i, s := range scores {
		if !math.IsNaN(s) {
			a.Scores[fmt.Sprintf("q%d", i+1)] = s
		}
	}
	return a
}

var unseen = math.NaN()

func defined(v float64) Stat    { return Stat{Value: v, Defined: true} }
func undefinedBy(r Reason) Stat { return Stat{Reason: r} }

func checkStat(t *testing.T, name string, got, want Stat) {
	t.Helper()
	if got.Defined != want.Defined || got.Reason != want.Reason || math.Abs(got.Value-want.Value) > 1e-6 {
		t.Errorf("%s = %+v, want %+v", name, got, want)
	}
}

type wantItem struct {
	facility, sd, discrimination, efficiency Stat
	flags                                    []Flag
}

func checkItem(t *testing.T, got ItemStats, want wantItem) {
	t.Helper()
	checkStat(t, got.ID+" facility", got.Facility, want.facility)
	checkStat(t, got.ID+" SD", got.SD, want.sd)
	checkStat(t, got.ID+" discrimination", got.Discrimination, want.discrimination)
	checkStat(t, got.ID+" efficiency", got.Efficiency, want.efficiency)
	if !slices.Equal(got.Flags, want.flags) {
		t.Errorf("%s flags = %v, want %v", got.ID, got.Flags, want.flags)
	}
}

func TestAnalyzeItems(t *testing.T) {
	t.Run("ItemStatisticsByHand", func(t *testing.T) {
		// Totals 3, 2, 1, 1.
		attempts := []Attempt{
			sitting("p1", 0, 1, 1, 1),
			sitting("p2", 0, 1, 1, 0),
			sitting("p3", 0, 1, 0, 0),
			sitting("p4", 0, 0, 0, 1),
		}
		a := AnalyzeItems(items3, attempts, FirstAttempts)
		// q1: x = 1 1 1 0, rest = 2 1 0 1: mean 0.75, var 0.25, cov 0.
		checkItem(t, a.Items[0], wantItem{defined(75), defined(0.5), defined(0), defined(0), []Flag{LowEfficiency}})
		// q2: x = 1 1 0 0, rest = 2 1 1 1: var 1/3 and 1/4, cov 1/6, so
		// r = (1/6)/√(1/12) = √12/6; sorted pairs give the same cov.
		checkItem(t, a.Items[1], wantItem{defined(50), defined(math.Sqrt(1.0 / 3)), defined(100 * math.Sqrt(12) / 6), defined(100), nil})
		// q3: x = 1 0 0 1, rest = 2 2 1 0: var 1/3 and 11/12, cov −1/6, so
		// r = −1/√11; sorted x 0 0 1 1 with rest 0 1 2 2 have cov 1/2.
		checkItem(t, a.Items[2], wantItem{defined(50), defined(math.Sqrt(1.0 / 3)), defined(-100 / math.Sqrt(11)), defined(-100.0 / 3), []Flag{NegativeDiscrimination, LowEfficiency}})
		// Σ item variances 1/4 + 1/3 + 1/3 = 11/12 = variance of totals.
		if got := a.Test; got.Attempts != 4 || got.Items != 3 {
			t.Errorf("test counts = %d attempts, %d items; want 4, 3", got.Attempts, got.Items)
		}
		checkStat(t, "mean", a.Test.Mean, defined(1.75))
		checkStat(t, "SD", a.Test.SD, defined(math.Sqrt(11.0/12)))
		checkStat(t, "alpha", a.Test.Alpha, defined(0))
		checkStat(t, "error ratio", a.Test.ErrorRatio, defined(100))
		checkStat(t, "standard error", a.Test.StandardError, defined(math.Sqrt(11.0/12)))
	})
	t.Run("ReliabilityByHand", func(t *testing.T) {
		// Totals 3, 2, 1, 0: variance 5/3; item variances 1/4, 1/3, 1/4.
		attempts := []Attempt{
			sitting("p1", 0, 1, 1, 1),
			sitting("p2", 0, 1, 1, 0),
			sitting("p3", 0, 1, 0, 0),
			sitting("p4", 0, 0, 0, 0),
		}
		a := AnalyzeItems(items3, attempts, FirstAttempts)
		checkStat(t, "mean", a.Test.Mean, defined(1.5))
		checkStat(t, "SD", a.Test.SD, defined(math.Sqrt(5.0/3)))
		checkStat(t, "alpha", a.Test.Alpha, defined(75))            // 100 × 3/2 × (1 − (5/6)/(5/3))
		checkStat(t, "error ratio", a.Test.ErrorRatio, defined(50)) // 100 × √0.25
		checkStat(t, "standard error", a.Test.StandardError, defined(0.5*math.Sqrt(5.0/3)))
		// q1: x = 1 1 1 0, rest = 2 1 0 0: cov 1/4, var 1/4 and 11/12.
		checkItem(t, a.Items[0], wantItem{defined(75), defined(0.5), defined(100 * 0.25 / (0.5 * math.Sqrt(11.0/12))), defined(100), nil})
	})
	t.Run("NegativeAlphaLeavesErrorUndefined", func(t *testing.T) {
		// Item variances 1/3 and 1/3, totals 1 1 2 with variance 1/3.
		attempts := []Attempt{sitting("p1", 0, 1, 0), sitting("p2", 0, 0, 1), sitting("p3", 0, 1, 1)}
		a := AnalyzeItems([]Item{{"q1", 1}, {"q2", 1}}, attempts, FirstAttempts)
		checkStat(t, "alpha", a.Test.Alpha, defined(-200)) // 100 × 2 × (1 − 2)
		checkStat(t, "error ratio", a.Test.ErrorRatio, undefinedBy(NegativeAlpha))
		checkStat(t, "standard error", a.Test.StandardError, undefinedBy(NegativeAlpha))
	})
	t.Run("FlagsTooEasyAndTooHard", func(t *testing.T) {
		attempts := []Attempt{sitting("p1", 0, 2, 0, 1), sitting("p2", 0, 2, 0, 0), sitting("p3", 0, 2, 1, 1)}
		a := AnalyzeItems([]Item{{"q1", 2}, {"q2", 10}, {"q3", 1}}, attempts, FirstAttempts)
		checkItem(t, a.Items[0], wantItem{defined(100), defined(0), undefinedBy(NoVariance), undefinedBy(NoVariance), []Flag{TooEasy}})
		// q2: mean 1/3 of 10 points.
		if !slices.Equal(a.Items[1].Flags, []Flag{TooHard}) || !a.Items[1].Discrimination.Defined {
			t.Errorf("q2 = %+v, want a defined discrimination and only too hard", a.Items[1])
		}
		checkStat(t, "q2 facility", a.Items[1].Facility, defined(100.0/30))
	})
	t.Run("PartialCreditScores", func(t *testing.T) {
		attempts := []Attempt{sitting("p1", 0, 1.5, 1), sitting("p2", 0, 0.5, 0)}
		a := AnalyzeItems([]Item{{"q1", 2}, {"q2", 1}}, attempts, FirstAttempts)
		checkStat(t, "q1 facility", a.Items[0].Facility, defined(50)) // mean 1 of 2
		checkStat(t, "q1 SD", a.Items[0].SD, defined(math.Sqrt(0.5))) // (0.25 + 0.25) / 1
		checkStat(t, "q1 discrimination", a.Items[0].Discrimination, defined(100))
	})
}

func TestAnalyzeItemsChoosesAttempts(t *testing.T) {
	// p1's first attempt, listed second, scored 0; the retake scored 1.
	attempts := []Attempt{sitting("p1", 30, 1), sitting("p1", 10, 0), sitting("p2", 0, 1)}
	tests := []struct {
		name     string
		choice   AttemptChoice
		attempts int
		facility float64
	}{
		{"FirstAttemptsByStartTime", FirstAttempts, 2, 50},
		{"AllAttempts", AllAttempts, 3, 200.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AnalyzeItems([]Item{{"q1", 1}}, attempts, tt.choice)
			if a.Test.Attempts != tt.attempts {
				t.Errorf("attempts used = %d, want %d", a.Test.Attempts, tt.attempts)
			}
			checkStat(t, "facility", a.Items[0].Facility, defined(tt.facility))
		})
	}
	t.Run("SameStartTimeKeepsTheOneListedFirst", func(t *testing.T) {
		a := AnalyzeItems([]Item{{"q1", 1}}, []Attempt{sitting("p1", 0, 1), sitting("p1", 0, 0)}, FirstAttempts)
		checkStat(t, "facility", a.Items[0].Facility, defined(100))
	})
}

func TestAnalyzeItemsDegenerate(t *testing.T) {
	t.Run("NoAttempts", func(t *testing.T) {
		a := AnalyzeItems(items3, nil, FirstAttempts)
		if a.Test.Attempts != 0 || a.Test.Items != 0 || len(a.Items) != 3 {
			t.Errorf("test = %+v with %d items, want no attempts, no items seen and 3 item entries", a.Test, len(a.Items))
		}
		for _, s := range []Stat{a.Test.Mean, a.Test.SD, a.Test.Alpha, a.Test.ErrorRatio, a.Test.StandardError} {
			checkStat(t, "test stat", s, undefinedBy(NoAttempts))
		}
		checkItem(t, a.Items[0], wantItem{undefinedBy(NoAttempts), undefinedBy(NoAttempts), undefinedBy(NoAttempts), undefinedBy(NoAttempts), nil})
	})
	t.Run("NoItems", func(t *testing.T) {
		a := AnalyzeItems(nil, []Attempt{sitting("p1", 0, 1)}, FirstAttempts)
		if a.Test.Attempts != 0 || len(a.Items) != 0 {
			t.Errorf("analysis = %+v, want nothing used", a)
		}
	})
	t.Run("OneAttempt", func(t *testing.T) {
		a := AnalyzeItems(items3, []Attempt{sitting("p1", 0, 1, 0, 1)}, FirstAttempts)
		checkStat(t, "mean", a.Test.Mean, defined(2))
		for _, s := range []Stat{a.Test.SD, a.Test.Alpha, a.Test.ErrorRatio, a.Test.StandardError} {
			checkStat(t, "test stat", s, undefinedBy(OneAttempt))
		}
		checkItem(t, a.Items[0], wantItem{defined(100), undefinedBy(OneAttempt), undefinedBy(OneAttempt), undefinedBy(OneAttempt), []Flag{TooEasy}})
	})
	t.Run("ZeroVariance", func(t *testing.T) {
		a := AnalyzeItems(items3, []Attempt{sitting("p1", 0, 1, 0, 1), sitting("p2", 0, 1, 0, 1)}, FirstAttempts)
		checkStat(t, "SD", a.Test.SD, defined(0))
		checkStat(t, "alpha", a.Test.Alpha, undefinedBy(NoVariance))
		checkStat(t, "error ratio", a.Test.ErrorRatio, undefinedBy(NoVariance))
		checkItem(t, a.Items[1], wantItem{defined(0), defined(0), undefinedBy(NoVariance), undefinedBy(NoVariance), []Flag{TooHard}})
	})
	t.Run("RestOfTestWithoutVariance", func(t *testing.T) {
		// q1 varies but q2, the rest of the test, does not.
		a := AnalyzeItems([]Item{{"q1", 1}, {"q2", 1}}, []Attempt{sitting("p1", 0, 1, 1), sitting("p2", 0, 0, 1)}, FirstAttempts)
		checkStat(t, "q1 discrimination", a.Items[0].Discrimination, undefinedBy(NoVariance))
		checkStat(t, "q1 SD", a.Items[0].SD, defined(math.Sqrt(0.5)))
	})
	t.Run("ItemNobodySaw", func(t *testing.T) {
		a := AnalyzeItems(items3, []Attempt{sitting("p1", 0, 1, 0), sitting("p2", 0, 0, 0)}, FirstAttempts)
		if a.Items[2].Attempts != 0 || a.Test.Items != 2 {
			t.Errorf("q3 seen by %d attempts, %d items seen; want 0 and 2", a.Items[2].Attempts, a.Test.Items)
		}
		checkItem(t, a.Items[2], wantItem{undefinedBy(NoAttempts), undefinedBy(NoAttempts), undefinedBy(NoAttempts), undefinedBy(NoAttempts), nil})
	})
	t.Run("OneItem", func(t *testing.T) {
		a := AnalyzeItems([]Item{{"q1", 1}}, []Attempt{sitting("p1", 0, 1), sitting("p2", 0, 0)}, FirstAttempts)
		checkStat(t, "SD", a.Test.SD, defined(math.Sqrt(0.5)))
		checkStat(t, "alpha", a.Test.Alpha, undefinedBy(OneItem))
		checkStat(t, "standard error", a.Test.StandardError, undefinedBy(OneItem))
	})
	t.Run("ItemWithoutMaxPoints", func(t *testing.T) {
		a := AnalyzeItems([]Item{{"q1", 0}, {"q2", 1}}, []Attempt{sitting("p1", 0, 1, 1), sitting("p2", 0, 1, 0)}, FirstAttempts)
		checkItem(t, a.Items[0], wantItem{undefinedBy(NoMaxPoints), undefinedBy(NoMaxPoints), undefinedBy(NoMaxPoints), undefinedBy(NoMaxPoints), nil})
		checkStat(t, "mean", a.Test.Mean, defined(0.5)) // q1 is left out of totals
	})
	t.Run("RandomPapersOfOneItemHaveNoReliability", func(t *testing.T) {
		// Two items in the bank, but each paper held one of them: a
		// one-question test has no internal consistency, whatever the bank.
		attempts := []Attempt{sitting("p1", 0, 1, unseen), sitting("p2", 0, 1, unseen), sitting("p3", 0, unseen, 0), sitting("p4", 0, unseen, 0)}
		a := AnalyzeItems([]Item{{"q1", 1}, {"q2", 1}}, attempts, FirstAttempts)
		checkStat(t, "alpha", a.Test.Alpha, undefinedBy(OneItem))
		checkStat(t, "error ratio", a.Test.ErrorRatio, undefinedBy(OneItem))
	})
	t.Run("RandomPapersCountThePaperNotTheBank", func(t *testing.T) {
		// A bank of four, papers of two: p1 and p2 drew q1 q2, p3 and p4
		// drew q3 q4. Totals 2 0 2 0 (variance 4/3); each item's variance is
		// 1/2 over the two attempts that saw it, and each was seen by half
		// the attempts, so a paper's expected item variance is 4 × 1/2 × 1/2
		// = 1, and alpha = 100 × 2/1 × (1 − 1/(4/3)) = 50. Taking p as the
		// bank's four items and adding every item's whole variance gave
		// 100 × 4/3 × (1 − 2/(4/3)) = −66.7: a reliable exam read as one
		// whose questions measure nothing in common.
		attempts := []Attempt{
			sitting("p1", 0, 1, 1, unseen, unseen), sitting("p2", 0, 0, 0, unseen, unseen),
			sitting("p3", 0, unseen, unseen, 1, 1), sitting("p4", 0, unseen, unseen, 0, 0),
		}
		a := AnalyzeItems([]Item{{"q1", 1}, {"q2", 1}, {"q3", 1}, {"q4", 1}}, attempts, FirstAttempts)
		if a.Test.Items != 4 {
			t.Errorf("items = %d, want the 4 some paper held", a.Test.Items)
		}
		checkStat(t, "alpha", a.Test.Alpha, defined(50))
		checkStat(t, "error ratio", a.Test.ErrorRatio, defined(100*math.Sqrt(0.5)))
	})
	t.Run("RandomPapersCapAlphaAtHundred", func(t *testing.T) {
		// Papers of two items from a bank of four; each item is seen by two
		// attempts that agree on it, so the item variances are 0 while
		// totals 2 2 0 0 vary: alpha would be 200.
		attempts := []Attempt{
			sitting("p1", 0, 1, 1, unseen, unseen), sitting("p2", 0, 1, 1, unseen, unseen),
			sitting("p3", 0, unseen, unseen, 0, 0), sitting("p4", 0, unseen, unseen, 0, 0),
		}
		a := AnalyzeItems([]Item{{"q1", 1}, {"q2", 1}, {"q3", 1}, {"q4", 1}}, attempts, FirstAttempts)
		checkStat(t, "alpha", a.Test.Alpha, defined(100))
		checkStat(t, "error ratio", a.Test.ErrorRatio, defined(0))
		checkStat(t, "standard error", a.Test.StandardError, defined(0))
	})
	t.Run("AttemptThatSawNothingIsLeftOut", func(t *testing.T) {
		a := AnalyzeItems(items3, []Attempt{sitting("p1", 0, 1), sitting("p2", 0), sitting("p3", 0, unseen, 1)}, FirstAttempts)
		if a.Test.Attempts != 2 {
			t.Errorf("attempts used = %d, want 2", a.Test.Attempts)
		}
	})
	t.Run("NaNScoreCountsAsNotSeen", func(t *testing.T) {
		attempts := []Attempt{{PersonID: "p1", Scores: map[string]float64{"q1": math.NaN(), "q2": 1}}}
		a := AnalyzeItems(items3, attempts, FirstAttempts)
		if a.Items[0].Attempts != 0 {
			t.Errorf("q1 seen by %d attempts, want 0", a.Items[0].Attempts)
		}
	})
	t.Run("ScoresOutsideTheItemAreLimited", func(t *testing.T) {
		a := AnalyzeItems([]Item{{"q1", 1}}, []Attempt{sitting("p1", 0, 5), sitting("p2", 0, -3)}, FirstAttempts)
		checkStat(t, "facility", a.Items[0].Facility, defined(50))
	})
	t.Run("RepeatedItemCountsOnce", func(t *testing.T) {
		a := AnalyzeItems([]Item{{"q1", 1}, {"q1", 1}}, []Attempt{sitting("p1", 0, 1)}, FirstAttempts)
		if len(a.Items) != 1 || a.Test.Items != 1 {
			t.Errorf("analysis = %+v, want one item", a)
		}
		checkStat(t, "mean", a.Test.Mean, defined(1))
	})
	t.Run("HugeScoresOverflowWithoutNaN", func(t *testing.T) {
		items := []Item{{"q1", math.MaxFloat64}, {"q2", math.MaxFloat64}}
		a := AnalyzeItems(items, []Attempt{sitting("p1", 0, math.MaxFloat64, math.MaxFloat64), sitting("p2", 0, 0, math.MaxFloat64)}, FirstAttempts)
		checkStat(t, "mean", a.Test.Mean, undefinedBy(Overflow))
		checkStat(t, "alpha", a.Test.Alpha, undefinedBy(Overflow))
		checkAnalysisIsFinite(t, a)
	})
}

// checkAnalysisIsFinite checks the promises every analysis keeps: no NaN or
// infinity, Value 0 with a Reason when not Defined, and values in range.
func checkAnalysisIsFinite(t *testing.T, a ItemAnalysis) {
	t.Helper()
	check := func(name string, s Stat, lo, hi float64) {
		t.Helper()
		switch {
		case math.IsNaN(s.Value) || math.IsInf(s.Value, 0):
			t.Fatalf("%s = %+v is not finite", name, s)
		case s.Defined != (s.Reason == ""):
			t.Fatalf("%s = %+v: Defined disagrees with Reason", name, s)
		case !s.Defined && s.Value != 0:
			t.Fatalf("%s = %+v: undefined with a value", name, s)
		case s.Defined && (s.Value < lo || s.Value > hi):
			t.Fatalf("%s = %+v outside [%v, %v]", name, s, lo, hi)
		}
	}
	inf := math.Inf(1)
	for _, it := range a.Items {
		check("facility", it.Facility, 0, 100)
		check("SD", it.SD, 0, inf)
		check("discrimination", it.Discrimination, -100, 100)
		check("efficiency", it.Efficiency, -100, 100)
	}
	check("mean", a.Test.Mean, 0, inf)
	check("SD", a.Test.SD, 0, inf)
	check("alpha", a.Test.Alpha, -inf, 100)
	check("error ratio", a.Test.ErrorRatio, 0, inf)
	check("standard error", a.Test.StandardError, 0, inf)
}

// FuzzAnalyzeItems checks that any scores give an analysis without NaN,
// infinities or panics. Each byte of data is one score of one attempt on one
// of up to four items; 255 means not seen.
func FuzzAnalyzeItems(f *testing.F) {
	f.Add(uint8(3), 1.0, []byte{1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1})
	f.Add(uint8(2), 0.0, []byte{255, 255, 0})
	f.Add(uint8(1), 1e308, []byte{200, 200, 200})
	f.Fuzz(func(t *testing.T, p uint8, max float64, data []byte) {
		p = p%4 + 1
		items := make([]Item, p)
		for j := range items {
			items[j] = Item{ID: fmt.Sprint("q", j), Max: max * float64(j+1)}
		}
		var attempts []Attempt
		for i := 0; i+int(p) <= len(data); i += int(p) {
			a := Attempt{PersonID: fmt.Sprint("p", i%7), At: end.Add(time.Duration(data[i]) * time.Second), Scores: map[string]float64{}}
			for j := range items {
				if b := data[i+j]; b != 255 {
					a.Scores[items[j].ID] = float64(b) / 50 * max
				}
			}
			attempts = append(attempts, a)
		}
		for _, choice := range []AttemptChoice{FirstAttempts, AllAttempts} {
			checkAnalysisIsFinite(t, AnalyzeItems(items, attempts, choice))
		}
	})
}
