package contest

import (
	"maps"
	"testing"

	"gridskill/scoring"
)

// weighedContest has two teams of two and three rounds on different scales:
// a speed round in thousands, a judge round out of 100 and a captain round.
func weighedContest(weights ...float64) (Contest, []resultDoc) {
	c := Contest{ID: "c-w", TeamRule: scoring.TeamRule{Method: scoring.TeamMean},
		Participants: []Participant{{ID: "a", Name: "甲", TeamID: "t1"}, {ID: "b", Name: "乙", TeamID: "t1"}, {ID: "c", Name: "丙", TeamID: "t2"}, {ID: "d", Name: "丁", TeamID: "t2"}},
		Teams:        []Team{{ID: "t1", Name: "一队"}, {ID: "t2", Name: "二队"}},
		Rounds:       []Round{{ID: "r1", Kind: Speed}, {ID: "r2", Kind: Judge, FullMark: 100}, {ID: "r3", Kind: Speed, Captains: true}}}
	for i, w := range weights {
		c.Rounds[i].Weight = w
	}
	docs := []resultDoc{
		{Round: "r1", Entries: []resultEntry{{Worker: "a", Points: 4000}, {Worker: "b", Points: 1000}, {Worker: "c", Points: 2000}, {Worker: "d", Points: 0}}},
		// Only a and c performed in the judge round: the team method counts
		// the entrants who played, not the members who sat it out.
		{Round: "r2", Entries: []resultEntry{{Worker: "a", Points: 50}, {Worker: "c", Points: 90}}},
		{Round: "r3", Captains: true, Entries: []resultEntry{{Worker: "b", Team: "t1", Points: 500}, {Worker: "c", Team: "t2", Points: 1000}}},
	}
	return c, docs
}

func points(rows []Row) map[string]float64 {
	out := map[string]float64{}
	for _, r := range rows {
		out[r.ID] = r.Points
	}
	return out
}

func TestStandingsCombineRoundsByWeight(t *testing.T) {
	tests := []struct {
		name      string
		weights   []float64
		weighted  bool
		overall   map[string]float64
		teams     map[string]float64
		firstName string
	}{
		{"raw points when no round is weighted", nil, false,
			map[string]float64{"a": 4050, "b": 1000, "c": 2090, "d": 0},
			// t1: mean(4050, 1000) + 500; t2: mean(2090, 0) + 1000
			map[string]float64{"t1": 3025, "t2": 2045}, "甲"},
		{"weighted 30/40/30, the speed round normalised to its best", []float64{30, 40, 30}, true,
			// a: 30×4000/4000 + 40×50/100; c: 30×2000/4000 + 40×90/100
			map[string]float64{"a": 50, "b": 7.5, "c": 51, "d": 0},
			// t1: mean(50, 7.5) + 30×500/1000; t2: mean(51, 0) + 30
			map[string]float64{"t1": 43.75, "t2": 55.5}, "丙"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, docs := weighedContest(tt.weights...)
			st, err := combine(c, docs)
			if err != nil {
				t.Fatal(err)
			}
			if st.Weighted != tt.weighted {
				t.Errorf("weighted %v, want %v", st.Weighted, tt.weighted)
			}
			if got := points(st.Overall); !maps.Equal(got, tt.overall) {
				t.Errorf("overall %v, want %v", got, tt.overall)
			}
			if got := points(st.Teams); !maps.Equal(got, tt.teams) {
				t.Errorf("teams %v, want %v", got, tt.teams)
			}
			if st.Overall[0].Name != tt.firstName {
				t.Errorf("first is %s, want %s", st.Overall[0].Name, tt.firstName)
			}
			// Each round's own standing keeps its raw points.
			if got := points(st.Rounds[0].People)["a"]; got != 4000 {
				t.Errorf("the speed round shows a with %v, want 4000", got)
			}
		})
	}
}

func TestRoundRefusesBadWeights(t *testing.T) {
	for _, r := range []Round{{Title: "x", Kind: Speed, Weight: -1}, {Title: "x", Kind: Speed, Weight: 1001}, {Title: "x", Kind: Speed, FullMark: -3}} {
		if err := r.Validate(); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}
