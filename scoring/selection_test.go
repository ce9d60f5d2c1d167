package scoring

import "testing"

func TestRankSelection(t *testing.T) {
	weights := []Weight{{CritHours, 30}, {CritExams, 30}, {CritAppraisal, 40}, {CritCases, 0}}
	got := RankSelection(weights, []Standing{
		{ID: "a", Values: map[Criterion]float64{CritHours: 40, CritExams: 90, CritAppraisal: 80}},
		{ID: "b", Values: map[Criterion]float64{CritHours: 20, CritExams: 100, CritAppraisal: 95, CritCases: 9}},
		{ID: "c", Values: map[Criterion]float64{CritHours: 20, CritExams: 100, CritAppraisal: 95}},
		{ID: "d", Values: map[Criterion]float64{}},
	})
	t.Run("RanksByWeightedPoints", func(t *testing.T) {
		// a: 100*.3 + 90*.3 + 80*.4 = 89; b and c: 50*.3 + 100*.3 + 95*.4 = 83.
		if got[0].ID != "a" || got[0].Total != 89 || got[1].Total != 83 || got[3].ID != "d" || got[3].Total != 0 {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("TiesShareARank", func(t *testing.T) {
		if got[1].Rank != 2 || got[2].Rank != 2 || got[3].Rank != 4 || got[1].ID != "b" {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("ExplainsEachWeightedCriterion", func(t *testing.T) {
		if len(got[0].Parts) != 3 || got[0].Parts[0].Points != 100 || got[0].Parts[0].Adds != 30 {
			t.Fatalf("%+v", got[0].Parts)
		}
	})
	t.Run("NoWeightsScoreZero", func(t *testing.T) {
		if r := RankSelection(nil, []Standing{{ID: "x", Values: map[Criterion]float64{CritHours: 5}}}); r[0].Total != 0 {
			t.Fatalf("%+v", r)
		}
	})
}
