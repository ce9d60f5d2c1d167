package scoring

import (
	"errors"
	"math"
	"testing"
)

func TestPanel(t *testing.T) {
	tests := []struct {
		scores    []float64
		want      float64
		high, low int
	}{
		{[]float64{90, 70, 80}, 80, 0, 1},
		{[]float64{85, 95, 60, 88}, 86.5, 1, 2},
		{[]float64{80, 80, 80}, 80, 0, 1},
		{[]float64{70, 90}, 80, -1, -1},
		{[]float64{75}, 75, -1, -1},
	}
	for _, tt := range tests {
		got, err := Panel(tt.scores)
		if err != nil || got.Score != tt.want || got.DroppedHigh != tt.high || got.DroppedLow != tt.low {
			t.Errorf("Panel(%v) = %+v, %v; want %v dropping %d and %d", tt.scores, got, err, tt.want, tt.high, tt.low)
		}
	}
	if _, err := Panel(nil); !errors.Is(err, ErrNoJudges) {
		t.Errorf("no scores: %v", err)
	}
	if _, err := Panel([]float64{50, 101, 60}); !errors.Is(err, ErrJudgeScoreBounds) {
		t.Errorf("a score above 100: %v", err)
	}
}

func TestSheetTotal(t *testing.T) {
	sheet := []SheetCriterion{{"程序规范", 30}, {"沟通技巧", 40}, {"处置效果", 30}}
	tests := []struct {
		name     string
		criteria []SheetCriterion
		marks    []float64
		want     float64
		err      error
	}{
		{"full marks", sheet, []float64{30, 40, 30}, 100, nil},
		{"a typical sheet", sheet, []float64{25, 33.5, 27}, 85.5, nil},
		{"zero", sheet, []float64{0, 0, 0}, 0, nil},
		{"a mark above its points", sheet, []float64{31, 40, 29}, 0, ErrSheetMark},
		{"a negative mark", sheet, []float64{-1, 40, 30}, 0, ErrSheetMark},
		{"NaN", sheet, []float64{math.NaN(), 40, 30}, 0, ErrSheetMark},
		{"too few marks", sheet, []float64{30, 40}, 0, ErrSheetMark},
		{"criteria not adding up to 100", []SheetCriterion{{"程序规范", 30}, {"沟通技巧", 40}}, []float64{30, 40}, 0, ErrSheet},
		{"a criterion worth nothing", []SheetCriterion{{"程序规范", 0}, {"沟通技巧", 100}}, []float64{0, 40}, 0, ErrSheet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SheetTotal(tt.criteria, tt.marks)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Errorf("got %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}
