package scoring

import (
	"errors"
	"fmt"
	"math"
)

// RoundScale says how one round's points enter a contest's overall score.
//
// A round of a weighted contest counts Weight × points ÷ full, where full is
// FullMark when it is set and otherwise the best points anyone scored in the
// round (normalised to its maximum). So with weights 30, 40 and 30 the
// overall score is out of 100 whatever scale each round keeps: a speed round
// of thousands of points does not drown a judge round scored 0–100. Points
// above a fixed full mark count above the weight, negative points (buzzer and
// wager rounds) count below zero, and a round whose best points are 0 or less
// adds nothing when normalised to its maximum.
type RoundScale struct {
	// Weight is the round's share of the overall score; 0 leaves the round
	// out of a weighted contest.
	Weight float64
	// FullMark, when above 0, is the points that earn the whole weight.
	FullMark float64
}

// MaxWeight is the largest weight a round may carry.
const MaxWeight = 1000

// ErrRoundScale is returned for a weight or full mark outside its range.
var ErrRoundScale = errors.New("round weight or full mark out of range")

// Validate reports whether the scale can be used: a weight between 0 and
// MaxWeight and a full mark of 0 or more, both finite.
func (s RoundScale) Validate() error {
	if !(s.Weight >= 0 && s.Weight <= MaxWeight) {
		return fmt.Errorf("%w: weight %v", ErrRoundScale, s.Weight)
	}
	if !(s.FullMark >= 0) || math.IsInf(s.FullMark, 0) {
		return fmt.Errorf("%w: full mark %v", ErrRoundScale, s.FullMark)
	}
	return nil
}

// RoundPoints is one finished round's points by entrant, with its scale.
type RoundPoints struct {
	Scale  RoundScale
	Points map[string]float64
}

// Weighted reports whether any round carries a weight. A contest whose
// rounds carry none adds their raw points, as contests did before weights.
func Weighted(rounds []RoundPoints) bool {
	for _, r := range rounds {
		if r.Scale.Weight > 0 {
			return true
		}
	}
	return false
}

// CombineRounds returns each entrant's overall score over the rounds: the
// plain sum of points when no round is weighted, and otherwise the sum of
// each weighted round's Scaled points (see RoundScale), rounded to
// hundredths. An entrant who did not play a round gets nothing from it.
// A scale that fails Validate, or points that are NaN or infinite, is an
// error and no scores.
func CombineRounds(rounds []RoundPoints) (map[string]float64, error) {
	weighted := Weighted(rounds)
	out := map[string]float64{}
	for i, r := range rounds {
		if err := r.Scale.Validate(); err != nil {
			return nil, fmt.Errorf("round %d: %w", i+1, err)
		}
		scaled, err := Scaled(r, weighted)
		if err != nil {
			return nil, fmt.Errorf("round %d: %w", i+1, err)
		}
		for id, p := range scaled {
			out[id] += p
		}
	}
	for id, p := range out {
		if math.IsInf(p, 0) || math.IsNaN(p) {
			return nil, fmt.Errorf("%w: %s's overall score overflows", ErrMemberScore, id)
		}
		out[id] = round2(p)
	}
	return out, nil
}

// Scaled returns one round's points as they count overall: raw when the
// contest is not weighted, and Weight × points ÷ full when it is.
func Scaled(r RoundPoints, weighted bool) (map[string]float64, error) {
	best := math.Inf(-1)
	for id, p := range r.Points {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("%w: %s scored %v", ErrMemberScore, id, p)
		}
		best = max(best, p)
	}
	out := make(map[string]float64, len(r.Points))
	full := r.Scale.FullMark
	if full <= 0 {
		full = best
	}
	for id, p := range r.Points {
		switch {
		case !weighted:
			out[id] = p
		case r.Scale.Weight == 0 || full <= 0:
			out[id] = 0
		default:
			out[id] = r.Scale.Weight * p / full
		}
	}
	return out, nil
}
