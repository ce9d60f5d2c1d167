package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gridskill"
)

// end is when a test contest ends; finishes are given as seconds before it.
var end = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

func entry(id string, score float64, seconds int, finishedBefore int) Entry {
	return Entry{ID: id, Score: score, Time: time.Duration(seconds) * time.Second, Finished: end.Add(-time.Duration(finishedBefore) * time.Second)}
}

// places renders a ranking as "id:rank" strings, which read well in failures.
func places(ranked []Ranked) []string {
	out := make([]string, len(ranked))
	for i, r := range ranked {
		out[i] = fmt.Sprintf("%s:%d", r.ID, r.Rank)
	}
	return out
}

func TestRank(t *testing.T) {
	tests := []struct {
		name    string
		entries []Entry
		want    []string
	}{
		{"StandardCompetitionRanking", []Entry{
			entry("d", 70, 60, 0), entry("c", 80, 60, 0), entry("a", 90, 60, 0), entry("b", 80, 60, 0),
		}, []string{"a:1", "b:2", "c:2", "d:4"}},
		{"HigherScoreBeatsLowerTime", []Entry{
			entry("fast", 80, 10, 0), entry("slow", 90, 500, 0),
		}, []string{"slow:1", "fast:2"}},
		{"LowerTimeBreaksScoreTie", []Entry{
			entry("a", 80, 100, 0), entry("b", 80, 90, 0),
		}, []string{"b:1", "a:2"}},
		{"EarlierFinishBreaksTimeTie", []Entry{
			entry("a", 80, 90, 10), entry("b", 80, 90, 20),
		}, []string{"b:1", "a:2"}},
		{"UnfinishedComesAfterFinished", []Entry{
			{ID: "a", Score: 80, Time: time.Minute}, entry("b", 80, 60, 0),
		}, []string{"b:1", "a:2"}},
		{"TwoUnfinishedTie", []Entry{
			{ID: "b", Score: 80, Time: time.Minute}, {ID: "a", Score: 80, Time: time.Minute},
		}, []string{"a:1", "b:1"}},
		{"WrongAnswerRanksAboveNoAnswer", []Entry{
			{ID: "silent", Score: 0}, {ID: "wrong", Score: 0, Answered: 1, Time: 8 * time.Second},
		}, []string{"wrong:1", "silent:2"}},
		{"MoreAnswersBreakScoreTieBeforeTime", []Entry{
			{ID: "one", Score: 1000, Answered: 1, Time: 2 * time.Second}, {ID: "three", Score: 1000, Answered: 3, Time: 30 * time.Second},
		}, []string{"three:1", "one:2"}},
		{"ScoreStillBeatsAnswering", []Entry{
			{ID: "busy", Score: 0, Answered: 5}, {ID: "right", Score: 10, Answered: 1},
		}, []string{"right:1", "busy:2"}},
		{"SameAnswersThenTimeDecides", []Entry{
			{ID: "slow", Score: 0, Answered: 2, Time: 9 * time.Second}, {ID: "fast", Score: 0, Answered: 2, Time: 3 * time.Second},
		}, []string{"fast:1", "slow:2"}},
		{"AllTiedShareFirstListedByID", []Entry{
			entry("c", 50, 60, 5), entry("a", 50, 60, 5), entry("b", 50, 60, 5),
		}, []string{"a:1", "b:1", "c:1"}},
		{"TieInTheMiddleSkipsPlaces", []Entry{
			entry("e", 10, 1, 0), entry("a", 90, 1, 0), entry("c", 50, 1, 0), entry("b", 50, 1, 0), entry("d", 50, 1, 0),
		}, []string{"a:1", "b:2", "c:2", "d:2", "e:5"}},
		{"ScoresEqualAtHundredthsTie", []Entry{
			entry("b", 0.1+0.2, 60, 0), entry("a", 0.3, 60, 0),
		}, []string{"a:1", "b:1"}},
		{"ScoresDifferingAtHundredthsDoNotTie", []Entry{
			entry("a", 80.01, 60, 0), entry("b", 80.02, 60, 0),
		}, []string{"b:1", "a:2"}},
		{"NaNScoreComesLast", []Entry{
			entry("a", math.NaN(), 1, 0), entry("b", -5, 60, 0),
		}, []string{"b:1", "a:2"}},
		{"NegativeScoresRankBelowZero", []Entry{
			entry("a", -10, 1, 0), entry("b", 0, 60, 0),
		}, []string{"b:1", "a:2"}},
		{"SameInstantInAnotherZoneTies", []Entry{
			{ID: "b", Score: 1, Finished: end}, {ID: "a", Score: 1, Finished: end.In(gridskill.ChinaZone())},
		}, []string{"a:1", "b:1"}},
		{"DuplicateIDsKeepInputOrder", []Entry{
			entry("a", 1, 1, 1), entry("a", 1, 1, 1),
		}, []string{"a:1", "a:1"}},
		{"OneEntryIsFirst", []Entry{entry("a", 0, 0, 0)}, []string{"a:1"}},
		{"NoEntries", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := places(Rank(tt.entries)); !slices.Equal(got, tt.want) {
				t.Errorf("Rank = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRankDoesNotChangeItsInput(t *testing.T) {
	entries := []Entry{entry("b", 1, 1, 0), entry("a", 2, 1, 0)}
	before := slices.Clone(entries)
	ranked := Rank(entries)
	if !slices.Equal(entries, before) {
		t.Errorf("Rank changed its input to %v", entries)
	}
	if ranked[0].Entry != before[1] {
		t.Errorf("Rank()[0] = %+v, want the entry %+v unchanged", ranked[0].Entry, before[1])
	}
}

func TestRankIsDeterministic(t *testing.T) {
	entries := randomEntries(1000, 7)
	want := places(Rank(entries))
	shuffled := slices.Clone(entries)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if got := places(Rank(shuffled)); !slices.Equal(got, want) {
		t.Error("Rank of shuffled entries differs from Rank of the same entries in order")
	}
}

// randomEntries returns n entries with many ties: scores in whole points,
// times in whole seconds, finishes in whole minutes.
func randomEntries(n int, seed uint64) []Entry {
	r := rand.New(rand.NewPCG(seed, seed))
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = Entry{
			ID:       fmt.Sprintf("w%06d", r.IntN(n)),
			Score:    float64(r.IntN(101)),
			Time:     time.Duration(r.IntN(600)) * time.Second,
			Finished: end.Add(-time.Duration(r.IntN(60)) * time.Minute),
		}
	}
	return entries
}

func BenchmarkRank100k(b *testing.B) {
	entries := randomEntries(100_000, 1)
	for b.Loop() {
		Rank(entries)
	}
}

// FuzzRank checks that ranking never panics and that ranks start at 1,
// never fall, and equal the position of the first of each tie.
func FuzzRank(f *testing.F) {
	f.Add([]byte{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		var entries []Entry
		for i := 0; i+3 <= len(data); i += 3 {
			score := float64(data[i]) / 3
			if data[i] == 255 {
				score = math.NaN()
			}
			finished := end.Add(time.Duration(data[i+2]) * time.Second)
			if data[i+2] == 0 {
				finished = time.Time{}
			}
			entries = append(entries, Entry{ID: fmt.Sprint(data[i] % 3), Score: score, Time: time.Duration(data[i+1]) * time.Second, Finished: finished})
		}
		ranked := Rank(entries)
		if len(ranked) != len(entries) {
			t.Fatalf("Rank returned %d entries for %d", len(ranked), len(entries))
		}
		for i, r := range ranked {
			if r.Rank < 1 || r.Rank > i+1 || (i > 0 && r.Rank < ranked[i-1].Rank) || (r.Rank != i+1 && r.Rank != ranked[i-1].Rank) {
				t.Fatalf("rank %d at position %d after %v", r.Rank, i+1, places(ranked[:i]))
			}
		}
	})
}
