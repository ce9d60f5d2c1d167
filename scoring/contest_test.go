package scoring

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"gridskill"
)

var shown = time.Date(2025, 3, 15, 9, 30, 0, 0, gridskill.ChinaZone())

func TestResponseTime(t *testing.T) {
	const limit = 20 * time.Second
	tests := []struct {
		name            string
		after           time.Duration // received − shown
		delay, maxDelay time.Duration
		limit           time.Duration
		want            time.Duration
	}{
		{"SubtractsNetworkDelay", 3 * time.Second, 200 * time.Millisecond, 500 * time.Millisecond, limit, 2800 * time.Millisecond},
		{"LimitsDelayToMaxDelay", 3 * time.Second, 2 * time.Second, 500 * time.Millisecond, limit, 2500 * time.Millisecond},
		{"IgnoresNegativeDelay", 3 * time.Second, -time.Second, 500 * time.Millisecond, limit, 3 * time.Second},
		{"IgnoresDelayWhenMaxDelayIsNegative", 3 * time.Second, 200 * time.Millisecond, -time.Second, limit, 3 * time.Second},
		{"ZeroWhenDelayExceedsElapsed", 100 * time.Millisecond, 300 * time.Millisecond, 500 * time.Millisecond, limit, 0},
		{"ZeroWhenReceivedBeforeShown", -2 * time.Second, 0, 0, limit, 0},
		{"ZeroAtTheMomentShown", 0, 0, 0, limit, 0},
		{"LimitedToTheQuestionTime", 25 * time.Second, 200 * time.Millisecond, 500 * time.Millisecond, limit, limit},
		{"ExactlyTheQuestionTime", limit, 0, 0, limit, limit},
		{"UnlimitedWithoutQuestionTime", 25 * time.Second, 0, 0, 0, 25 * time.Second},
		{"UnlimitedWithNegativeQuestionTime", 25 * time.Second, 0, 0, -time.Second, 25 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ResponseTime(shown, shown.Add(tt.after), tt.delay, tt.maxDelay, tt.limit)
			if got != tt.want {
				t.Errorf("ResponseTime(+%v, delay %v, max %v, limit %v) = %v, want %v", tt.after, tt.delay, tt.maxDelay, tt.limit, got, tt.want)
			}
		})
	}
	t.Run("DoesNotOverflowOnExtremeTimes", func(t *testing.T) {
		if got := ResponseTime(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, time.Second, time.Second, limit); got != 0 {
			t.Errorf("ResponseTime(far future to year 1) = %v, want 0", got)
		}
		if got := ResponseTime(time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), time.Second, time.Second, limit); got != limit {
			t.Errorf("ResponseTime(year 1 to far future) = %v, want %v", got, limit)
		}
	})
}

func TestSpeedPoints(t *testing.T) {
	const limit = 20 * time.Second
	tests := []struct {
		name    string
		correct bool
		t       time.Duration
		limit   time.Duration
		base    int
		want    int
	}{
		{"WrongEarnsNothing", false, time.Second, limit, 1000, 0},
		{"WrongInstantEarnsNothing", false, 0, limit, 1000, 0},
		{"InstantEarnsFullBase", true, 0, limit, 1000, 1000},
		{"WithinHalfASecondEarnsFullBase", true, 500 * time.Millisecond, limit, 1000, 1000},
		{"JustAfterHalfASecondLosesPoints", true, 600 * time.Millisecond, limit, 1000, 985},
		{"OneSecondOfTwenty", true, time.Second, limit, 1000, 975},
		{"HalfTheTimeEarnsThreeQuarters", true, 10 * time.Second, limit, 1000, 750},
		{"AtTheEndEarnsHalf", true, limit, limit, 1000, 500},
		{"OverTheTimeEarnsHalf", true, 45 * time.Second, limit, 1000, 500},
		{"NegativeTimeEarnsFullBase", true, -time.Second, limit, 1000, 1000},
		{"HalfPointRoundsUp", true, time.Second, 8 * time.Second, 1000, 938},             // 1000 × (1 − 1/16) = 937.5
		{"OddBaseAtTheEndRoundsUp", true, 20 * time.Second, limit, 999, 500},             // 999 / 2 = 499.5
		{"FractionBelowHalfRoundsDown", true, 7 * time.Second, 8 * time.Second, 100, 56}, // 100 × (1 − 7/16) = 56.25
		{"FractionAboveHalfRoundsUp", true, 5 * time.Second, 8 * time.Second, 100, 69},   // 100 × (1 − 5/16) = 68.75
		{"ShortQuestionWithinWindowEarnsFullBase", true, 300 * time.Millisecond, 400 * time.Millisecond, 1000, 1000},
		{"ZeroQuestionTimeEarnsFullBase", true, 5 * time.Second, 0, 1000, 1000},
		{"NegativeQuestionTimeEarnsFullBase", true, 5 * time.Second, -time.Second, 1000, 1000},
		{"ZeroBaseEarnsNothing", true, 0, limit, 0, 0},
		{"NegativeBaseEarnsNothing", true, 0, limit, -1000, 0},
		{"HugeBaseDoesNotOverflow", true, limit, limit, math.MaxInt64, math.MaxInt64/2 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SpeedPoints(tt.correct, tt.t, tt.limit, tt.base); got != tt.want {
				t.Errorf("SpeedPoints(%v, %v, %v, %d) = %d, want %d", tt.correct, tt.t, tt.limit, tt.base, got, tt.want)
			}
		})
	}
}

// FuzzSpeedPoints checks that speed points never panic, stay between half
// the base and the base for a right answer, are 0 for a wrong one, and never
// grow as the answer comes later.
func FuzzSpeedPoints(f *testing.F) {
	f.Add(true, int64(time.Second), int64(20*time.Second), 1000)
	f.Add(true, int64(math.MaxInt64), int64(math.MaxInt64), math.MaxInt)
	f.Add(false, int64(0), int64(0), 1)
	f.Fuzz(func(t *testing.T, correct bool, answered, limit int64, base int) {
		d, T := time.Duration(answered), time.Duration(limit)
		p := SpeedPoints(correct, d, T, base)
		switch {
		case !correct || base <= 0:
			if p != 0 {
				t.Fatalf("SpeedPoints(%v, %v, %v, %d) = %d, want 0", correct, d, T, base, p)
			}
		case p > base || p < base-base/2:
			t.Fatalf("SpeedPoints(%v, %v, %v, %d) = %d, outside [%d, %d]", correct, d, T, base, p, base-base/2, base)
		}
		if d < math.MaxInt64 {
			if later := SpeedPoints(correct, d+1, T, base); later > p {
				t.Fatalf("SpeedPoints at %v = %d, but at %v = %d", d, p, d+1, later)
			}
		}
	})
}

func TestStreak(t *testing.T) {
	t.Run("BonusByStreakLength", func(t *testing.T) {
		for n, want := range map[int]int{-1: 0, 0: 0, 1: 0, 2: 100, 3: 200, 4: 300, 5: 400, 6: 500, 7: 500, 1000: 500, math.MaxInt: 500} {
			if got := StreakBonus(n); got != want {
				t.Errorf("StreakBonus(%d) = %d, want %d", n, got, want)
			}
		}
	})
	t.Run("WrongAnswerResetsTheStreak", func(t *testing.T) {
		answers := []bool{true, true, false, true, true, true, true, true, true, true}
		want := []int{0, 100, 0, 0, 100, 200, 300, 400, 500, 500}
		streak := 0
		var got []int
		for _, right := range answers {
			streak = NextStreak(streak, right)
			bonus := 0
			if right {
				bonus = StreakBonus(streak)
			}
			got = append(got, bonus)
		}
		if !slices.Equal(got, want) {
			t.Errorf("bonuses = %v, want %v", got, want)
		}
	})
	t.Run("NextStreak", func(t *testing.T) {
		tests := []struct {
			streak  int
			correct bool
			want    int
		}{
			{0, true, 1}, {4, true, 5}, {4, false, 0}, {0, false, 0}, {-3, true, 0}, {math.MaxInt, true, math.MaxInt},
		}
		for _, tt := range tests {
			if got := NextStreak(tt.streak, tt.correct); got != tt.want {
				t.Errorf("NextStreak(%d, %v) = %d, want %d", tt.streak, tt.correct, got, tt.want)
			}
		}
	})
}

func TestBuzzOrder(t *testing.T) {
	at := func(ms int) time.Time { return shown.Add(time.Duration(ms) * time.Millisecond) }
	tests := []struct {
		name   string
		buzzes []Buzz
		want   []string
	}{
		{"EarliestArrivalFirst", []Buzz{{"wang", at(900), 3}, {"li", at(300), 1}, {"zhao", at(600), 2}}, []string{"li", "zhao", "wang"}},
		{"SameArrivalTimeBrokenBySequence", []Buzz{{"wang", at(300), 8}, {"li", at(300), 7}}, []string{"li", "wang"}},
		{"OnlyTheFirstBuzzOfAPlayerCounts", []Buzz{{"li", at(300), 1}, {"wang", at(400), 2}, {"li", at(100), 0}}, []string{"li", "wang"}},
		{"FullyTiedBrokenByPlayerID", []Buzz{{"wang", at(300), 1}, {"li", at(300), 1}}, []string{"li", "wang"}},
		{"NoBuzzes", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.buzzes)
			var got []string
			for _, b := range BuzzOrder(in) {
				got = append(got, b.PlayerID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("BuzzOrder = %v, want %v", got, tt.want)
			}
			if !slices.Equal(in, tt.buzzes) {
				t.Errorf("BuzzOrder changed its input to %v", in)
			}
		})
	}
	t.Run("KeepsTheEarliestBuzzOfARepeatingPlayer", func(t *testing.T) {
		got := BuzzOrder([]Buzz{{"li", at(300), 1}, {"li", at(100), 0}})
		if len(got) != 1 || got[0].Seq != 0 {
			t.Errorf("BuzzOrder = %v, want li's buzz with sequence 0", got)
		}
	})
}

func TestBuzzerPoints(t *testing.T) {
	tests := []struct {
		name            string
		correct         bool
		points, penalty int
		want            int
	}{
		{"RightEarnsThePoints", true, 10, 5, 10},
		{"WrongLosesThePenalty", false, 10, 5, -5},
		{"WrongWithoutPenaltyLosesNothing", false, 10, 0, 0},
		{"NegativePenaltyNeverGains", false, 10, -5, 0},
		{"NegativePointsNeverLose", true, -10, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BuzzerPoints(tt.correct, tt.points, tt.penalty); got != tt.want {
				t.Errorf("BuzzerPoints(%v, %d, %d) = %d, want %d", tt.correct, tt.points, tt.penalty, got, tt.want)
			}
		})
	}
}

func TestWagerPoints(t *testing.T) {
	allowed := []int{10, 20, 30}
	tests := []struct {
		name    string
		correct bool
		stake   int
		allowed []int
		want    int
		wantErr bool
	}{
		{"RightWinsTheStake", true, 20, allowed, 20, false},
		{"WrongLosesTheStake", false, 20, allowed, -20, false},
		{"HighestStake", false, 30, allowed, -30, false},
		{"StakeOutsideTheSetIsAnError", true, 25, allowed, 0, true},
		{"ZeroStakeOutsideTheSetIsAnError", true, 0, allowed, 0, true},
		{"ZeroStakeInTheSetRisksNothing", false, 0, []int{0, 10}, 0, false},
		{"NegativeStakeIsAnErrorEvenIfListed", true, -10, []int{-10, 10}, 0, true},
		{"NoAllowedStakesIsAnError", true, 10, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WagerPoints(tt.correct, tt.stake, tt.allowed)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("WagerPoints(%v, %d, %v) = %d, %v; want %d, error %v", tt.correct, tt.stake, tt.allowed, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrStakeNotAllowed) {
				t.Errorf("error %v is not ErrStakeNotAllowed", err)
			}
		})
	}
}

func TestJudgeScore(t *testing.T) {
	tests := []struct {
		name    string
		scores  []float64
		want    float64
		wantErr error
	}{
		{"OneJudgeIsTheScore", []float64{88}, 88, nil},
		{"TwoJudgesArePlainMean", []float64{80, 91}, 85.5, nil},
		{"ThreeJudgesKeepTheMiddle", []float64{70, 95, 80}, 80, nil},
		{"FiveJudgesDropHighestAndLowest", []float64{90, 85, 88, 70, 99}, 87.67, nil}, // (90+85+88)/3 = 87.666…
		{"DropsOnlyOneOfEqualHighest", []float64{90, 90, 60, 80}, 85, nil},            // (90+80)/2
		{"AllEqual", []float64{80, 80, 80, 80}, 80, nil},
		{"BoundsAreAllowed", []float64{0, 100, 50}, 50, nil},
		{"NoJudgesIsAnError", nil, 0, ErrNoJudges},
		{"ScoreAboveHundredIsAnError", []float64{80, 101, 90}, 0, ErrJudgeScoreBounds},
		{"NegativeScoreIsAnError", []float64{-1, 80}, 0, ErrJudgeScoreBounds},
		{"NaNScoreIsAnError", []float64{math.NaN()}, 0, ErrJudgeScoreBounds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JudgeScore(tt.scores)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("JudgeScore(%v) = %v, %v; want %v, %v", tt.scores, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// FuzzJudgeScore checks that a panel score never panics and stays within
// 0 to 100.
func FuzzJudgeScore(f *testing.F) {
	f.Add(90.0, 85.0, 88.0, 70.0)
	f.Add(0.0, 100.0, 100.0, 0.0)
	f.Fuzz(func(t *testing.T, a, b, c, d float64) {
		for n := 0; n <= 4; n++ {
			scores := []float64{a, b, c, d}[:n]
			got, err := JudgeScore(scores)
			if got < 0 || got > 100 || math.IsNaN(got) || (err != nil && got != 0) {
				t.Fatalf("JudgeScore(%v) = %v, %v", scores, got, err)
			}
		}
	})
}

// FuzzResponseTime checks that a response time is never negative and never
// over the question's time.
func FuzzResponseTime(f *testing.F) {
	f.Add(int64(0), int64(3e9), int64(2e8), int64(5e8), int64(20e9))
	f.Add(int64(math.MaxInt64), int64(math.MinInt64), int64(-1), int64(math.MaxInt64), int64(0))
	f.Fuzz(func(t *testing.T, shownNs, receivedNs, delay, maxDelay, limit int64) {
		got := ResponseTime(time.Unix(0, shownNs), time.Unix(0, receivedNs), time.Duration(delay), time.Duration(maxDelay), time.Duration(limit))
		if got < 0 || (limit > 0 && got > time.Duration(limit)) {
			t.Fatalf("ResponseTime = %v, outside [0, %v]", got, time.Duration(limit))
		}
	})
}

// FuzzWagerPoints checks that wager and buzzer points never exceed the stake
// or the points and penalty at stake, the two rounds where points may be
// negative.
func FuzzWagerPoints(f *testing.F) {
	f.Add(true, 20, 10, 20, 30)
	f.Add(false, -10, -10, 0, math.MinInt)
	f.Fuzz(func(t *testing.T, correct bool, stake, a, b, c int) {
		got, err := WagerPoints(correct, stake, []int{a, b, c})
		switch {
		case err != nil && got != 0:
			t.Fatalf("WagerPoints(%v, %d) = %d with error %v", correct, stake, got, err)
		case err == nil && got != stake && got != -stake:
			t.Fatalf("WagerPoints(%v, %d) = %d, want ±stake", correct, stake, got)
		}
		p := BuzzerPoints(correct, a, b)
		if p != 0 && p != a && p != -b {
			t.Fatalf("BuzzerPoints(%v, %d, %d) = %d", correct, a, b, p)
		}
	})
}
