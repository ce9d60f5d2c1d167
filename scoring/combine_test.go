package scoring

import (
	"errors"
	"maps"
	"math"
	"testing"
)

func TestCombineRounds(t *testing.T) {
	speed := map[string]float64{"a": 4000, "b": 2000, "c": 0}
	judge := map[string]float64{"a": 60, "b": 90, "c": 80}
	tests := []struct {
		name   string
		rounds []RoundPoints
		want   map[string]float64
	}{
		{"no weights add raw points", []RoundPoints{{Points: speed}, {Points: judge}},
			map[string]float64{"a": 4060, "b": 2090, "c": 80}},
		{"normalised to each round's best", []RoundPoints{{Scale: RoundScale{Weight: 50}, Points: speed}, {Scale: RoundScale{Weight: 50}, Points: judge}},
			// a: 50×4000/4000 + 50×60/90; b: 50×2000/4000 + 50×90/90; c: 0 + 50×80/90
			map[string]float64{"a": 83.33, "b": 75, "c": 44.44}},
		{"a fixed full mark", []RoundPoints{{Scale: RoundScale{Weight: 40, FullMark: 5000}, Points: speed}, {Scale: RoundScale{Weight: 60, FullMark: 100}, Points: judge}},
			map[string]float64{"a": 68, "b": 70, "c": 48}},
		{"weighted 30/40/30", []RoundPoints{
			{Scale: RoundScale{Weight: 30, FullMark: 100}, Points: map[string]float64{"a": 80}},
			{Scale: RoundScale{Weight: 40, FullMark: 100}, Points: map[string]float64{"a": 50}},
			{Scale: RoundScale{Weight: 30, FullMark: 100}, Points: map[string]float64{"a": 100}}},
			map[string]float64{"a": 74}},
		{"an unweighted round of a weighted contest counts nothing", []RoundPoints{{Scale: RoundScale{Weight: 100}, Points: judge}, {Points: speed}},
			map[string]float64{"a": 66.67, "b": 100, "c": 88.89}},
		{"negative points count below zero", []RoundPoints{{Scale: RoundScale{Weight: 10}, Points: map[string]float64{"a": 200, "b": -100}}},
			map[string]float64{"a": 10, "b": -5}},
		{"a round whose best is zero adds nothing", []RoundPoints{{Scale: RoundScale{Weight: 10}, Points: map[string]float64{"a": 0, "b": -100}}},
			map[string]float64{"a": 0, "b": 0}},
		{"an entrant who skipped a round gets nothing from it", []RoundPoints{
			{Scale: RoundScale{Weight: 50}, Points: map[string]float64{"a": 10, "b": 5}},
			{Scale: RoundScale{Weight: 50}, Points: map[string]float64{"a": 10}}},
			map[string]float64{"a": 100, "b": 25}},
		{"above a fixed full mark", []RoundPoints{{Scale: RoundScale{Weight: 10, FullMark: 100}, Points: map[string]float64{"a": 150}}},
			map[string]float64{"a": 15}},
		{"no rounds", nil, map[string]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CombineRounds(tt.rounds)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCombineRoundsRefusesBadInput(t *testing.T) {
	tests := []struct {
		name   string
		rounds []RoundPoints
		want   error
	}{
		{"negative weight", []RoundPoints{{Scale: RoundScale{Weight: -1}}}, ErrRoundScale},
		{"weight above the maximum", []RoundPoints{{Scale: RoundScale{Weight: MaxWeight + 1}}}, ErrRoundScale},
		{"NaN weight", []RoundPoints{{Scale: RoundScale{Weight: math.NaN()}}}, ErrRoundScale},
		{"negative full mark", []RoundPoints{{Scale: RoundScale{Weight: 1, FullMark: -5}}}, ErrRoundScale},
		{"infinite full mark", []RoundPoints{{Scale: RoundScale{Weight: 1, FullMark: math.Inf(1)}}}, ErrRoundScale},
		{"NaN points", []RoundPoints{{Points: map[string]float64{"a": math.NaN()}}}, ErrMemberScore},
		{"overflow", []RoundPoints{{Scale: RoundScale{Weight: MaxWeight, FullMark: 1e-300}, Points: map[string]float64{"a": 1e300}}}, ErrMemberScore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CombineRounds(tt.rounds)
			if !errors.Is(err, tt.want) || got != nil {
				t.Errorf("got %v, %v; want error %v", got, err, tt.want)
			}
		})
	}
}
