package scoring

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTeamScore(t *testing.T) {
	mean := TeamRule{Method: TeamMean}
	best2 := TeamRule{Method: TeamBestN, N: 2}
	perCapita5 := TeamRule{Method: TeamPerCapita, MinSize: 5}
	tests := []struct {
		name    string
		scores  []float64
		rule    TeamRule
		want    float64
		wantErr string
	}{
		{"MeanOfMembers", []float64{80, 90, 70}, mean, 80, ""},
		{"MeanWithHalfPoint", []float64{80, 85}, mean, 82.5, ""},
		{"MeanRoundedToHundredths", []float64{1, 1, 2}, mean, 1.33, ""}, // 4/3
		{"MeanOfSingleMember", []float64{77}, mean, 77, ""},
		{"MeanOfNoMembersIsZero", nil, mean, 0, ""},
		{"MeanWithNegativeScores", []float64{-30, 10}, mean, -10, ""},
		{"BestNSumsTheBest", []float64{70, 90, 80}, best2, 170, ""},
		{"BestNWithFewerMembersSumsAll", []float64{55.5}, best2, 55.5, ""},
		{"BestNWithTiedMembers", []float64{80, 80, 80}, best2, 160, ""},
		{"BestNSingleMemberOfOne", []float64{42}, TeamRule{Method: TeamBestN, N: 1}, 42, ""},
		{"BestNOfNoMembersIsZero", nil, best2, 0, ""},
		{"BestNWithNegativeScores", []float64{-10, 5, -3}, best2, 2, ""},
		{"PerCapitaBelowMinimumCountsMissingAsZero", []float64{80, 90, 70}, perCapita5, 48, ""}, // 240/5
		{"PerCapitaAboveMinimumDividesBySize", []float64{80, 90, 70}, TeamRule{Method: TeamPerCapita, MinSize: 2}, 80, ""},
		{"PerCapitaAtMinimum", []float64{80, 90, 70, 60, 50}, perCapita5, 70, ""},
		{"PerCapitaSingleMemberBelowMinimum", []float64{90}, TeamRule{Method: TeamPerCapita, MinSize: 3}, 30, ""},
		{"PerCapitaWithoutMinimumIsTheMean", []float64{90}, TeamRule{Method: TeamPerCapita}, 90, ""},
		{"PerCapitaOfNoMembersIsZero", nil, TeamRule{Method: TeamPerCapita}, 0, ""},
		{"UnknownMethodIsAnError", []float64{1}, TeamRule{Method: "median"}, 0, "unknown team method"},
		{"BestNWithoutNIsAnError", []float64{1}, TeamRule{Method: TeamBestN}, 0, "N of at least 1"},
		{"NegativeMinimumIsAnError", []float64{1}, TeamRule{Method: TeamPerCapita, MinSize: -1}, 0, "minimum size"},
		{"NaNMemberScoreIsAnError", []float64{1, math.NaN()}, mean, 0, "member 2"},
		{"InfiniteMemberScoreIsAnError", []float64{math.Inf(-1)}, best2, 0, "member 1"},
		{"OverflowIsAnError", []float64{math.MaxFloat64, math.MaxFloat64}, mean, 0, "overflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TeamScore(tt.scores, tt.rule)
			if got != tt.want {
				t.Errorf("TeamScore(%v, %+v) = %v, want %v", tt.scores, tt.rule, got, tt.want)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("TeamScore(%v, %+v) error = %v, want nil", tt.scores, tt.rule, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("TeamScore(%v, %+v) error = %v, want one containing %q", tt.scores, tt.rule, err, tt.wantErr)
			}
		})
	}
	t.Run("MemberScoreErrorsAreErrMemberScore", func(t *testing.T) {
		if _, err := TeamScore([]float64{math.NaN()}, mean); !errors.Is(err, ErrMemberScore) {
			t.Errorf("error = %v, want ErrMemberScore", err)
		}
	})
	t.Run("DoesNotChangeItsInput", func(t *testing.T) {
		scores := []float64{70, 90, 80}
		TeamScore(scores, best2)
		if !slices.Equal(scores, []float64{70, 90, 80}) {
			t.Errorf("TeamScore changed its input to %v", scores)
		}
	})
}

func TestRankTeams(t *testing.T) {
	member := func(score float64, seconds int) Entry { return entry("", score, seconds, 0) }
	tests := []struct {
		name  string
		teams []Team
		rule  TeamRule
		want  []string
	}{
		{"MeanTieBrokenByMeanAnswerTime", []Team{
			{"dongcheng", []Entry{member(90, 60), member(70, 100)}}, // 80, 80 s
			{"xicheng", []Entry{member(80, 50)}},                    // 80, 50 s
			{"nancheng", []Entry{member(60, 10)}},
		}, TeamRule{Method: TeamMean}, []string{"xicheng:1", "dongcheng:2", "nancheng:3"}},
		{"BestNCountsOnlyTheBestMembersTime", []Team{
			{"a", []Entry{member(90, 100), member(50, 50)}}, // 90 in 100 s; all members would be 75 s
			{"b", []Entry{member(90, 80)}},                  // 90 in 80 s
		}, TeamRule{Method: TeamBestN, N: 1}, []string{"b:1", "a:2"}},
		{"PerCapitaSmallTeamLoses", []Team{
			{"small", []Entry{member(100, 10)}},                               // 100/3
			{"full", []Entry{member(60, 60), member(60, 60), member(60, 60)}}, // 60
		}, TeamRule{Method: TeamPerCapita, MinSize: 3}, []string{"full:1", "small:2"}},
		{"FullyTiedTeamsShareRankByID", []Team{
			{"b", []Entry{member(80, 60)}},
			{"a", []Entry{member(80, 60)}},
		}, TeamRule{Method: TeamMean}, []string{"a:1", "b:1"}},
		{"TeamWithoutMembersComesLast", []Team{
			{"empty", nil},
			{"one", []Entry{member(0, 60)}},
		}, TeamRule{Method: TeamMean}, []string{"one:1", "empty:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ranked, err := RankTeams(tt.teams, tt.rule)
			if err != nil {
				t.Fatalf("RankTeams: %v", err)
			}
			if got := places(ranked); !slices.Equal(got, tt.want) {
				t.Errorf("RankTeams = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("TeamEntryCarriesScoreMeanTimeAndLastFinish", func(t *testing.T) {
		team := Team{"dongcheng", []Entry{entry("wang", 90, 60, 30), entry("li", 75, 90, 10)}}
		ranked, err := RankTeams([]Team{team}, TeamRule{Method: TeamMean})
		want := Entry{ID: "dongcheng", Score: 82.5, Time: 75 * time.Second, Finished: end.Add(-10 * time.Second)}
		if err != nil || ranked[0].Entry != want {
			t.Errorf("RankTeams = %+v, %v; want %+v", ranked, err, want)
		}
	})
	t.Run("TeamWithUnfinishedMemberHasNotFinished", func(t *testing.T) {
		team := Team{"x", []Entry{entry("wang", 90, 60, 30), {ID: "li", Score: 75}}}
		ranked, err := RankTeams([]Team{team}, TeamRule{Method: TeamMean})
		if err != nil || !ranked[0].Finished.IsZero() {
			t.Errorf("RankTeams = %+v, %v; want an unfinished team", ranked, err)
		}
	})
	t.Run("InvalidRuleIsAnError", func(t *testing.T) {
		if _, err := RankTeams([]Team{{"x", nil}}, TeamRule{Method: TeamBestN}); err == nil {
			t.Error("RankTeams with N = 0 succeeded, want an error")
		}
	})
}

// FuzzTeamScore checks that team scores never panic, never return NaN or
// infinities, and lie between the lowest and highest member score when the
// method averages.
func FuzzTeamScore(f *testing.F) {
	f.Add(80.0, 90.0, 70.0, 2, 5)
	f.Add(-1.0, 0.0, math.MaxFloat64, 0, -1)
	f.Fuzz(func(t *testing.T, a, b, c float64, n, minSize int) {
		scores := []float64{a, b, c}
		for _, rule := range []TeamRule{{Method: TeamMean}, {Method: TeamBestN, N: n}, {Method: TeamPerCapita, MinSize: minSize}} {
			got, err := TeamScore(scores, rule)
			if math.IsNaN(got) || math.IsInf(got, 0) || (err != nil && got != 0) {
				t.Fatalf("TeamScore(%v, %+v) = %v, %v", scores, rule, got, err)
			}
			lo, hi := slices.Min(scores), slices.Max(scores)
			if err == nil && rule.Method == TeamMean && (got < round2(lo) || got > round2(hi)) {
				t.Fatalf("TeamScore(%v, mean) = %v, outside [%v, %v]", scores, got, lo, hi)
			}
		}
	})
}
