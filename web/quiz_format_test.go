package web

import (
	"math"
	"testing"

	"gridskill/scoring"
)

func TestStatisticsAreShownRounded(t *testing.T) {
	// The question page showed 区分度: -40.824829046386306, scoring's
	// 100 × r printed with every digit.
	disc := scoring.Stat{Value: -100 / math.Sqrt(6), Defined: true}
	cases := []struct{ name, got, want string }{
		{"Discrimination", coefficientText(disc), "-0.41"},
		{"PositiveCoefficient", coefficientText(scoring.Stat{Value: 75, Defined: true}), "0.75"},
		{"NoMinusZero", coefficientText(scoring.Stat{Value: -0.3, Defined: true}), "0.00"},
		{"Undefined", coefficientText(scoring.Stat{Reason: scoring.OneAttempt}), "–"},
		{"Facility", facilityText(scoring.Stat{Value: 200.0 / 3, Defined: true}), "67%"},
		{"Score", quizFloat(100.0 / 3), "33.33"},
		{"WholeScore", quizFloat(80), "80"},
		{"Percent", percentText(49.5), "50%"},
		{"NaN", quizFloat(math.NaN()), "–"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestEveryFlagAndReasonHasASentence(t *testing.T) {
	for _, f := range []scoring.Flag{scoring.TooEasy, scoring.TooHard, scoring.NegativeDiscrimination, scoring.LowEfficiency} {
		if flagNotes[f] == "" {
			t.Errorf("flag %s has no sentence", f)
		}
	}
	for _, r := range []scoring.Reason{scoring.NoAttempts, scoring.OneAttempt, scoring.NoVariance, scoring.NoMaxPoints, scoring.OneItem, scoring.NegativeAlpha, scoring.Overflow} {
		if reasonNotes[r] == "" {
			t.Errorf("reason %s has no sentence", r)
		}
	}
}
