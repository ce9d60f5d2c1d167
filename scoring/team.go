package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// TeamMethod is how a contest turns its members' scores into a team score.
// Teams are usually communities. Its values are stored with contests, so
// they never change.
type TeamMethod string

// The team methods.
const (
	// TeamMean scores a team by the mean of its members' scores.
	TeamMean TeamMethod = "mean"
	// TeamBestN scores a team by the sum of its N best members' scores; a
	// team with fewer than N members sums them all.
	TeamBestN TeamMethod = "best_n"
	// TeamPerCapita scores a team by the sum of its members' scores divided
	// by its size, but by no less than MinSize: a team below the minimum
	// counts its missing members as zero.
	TeamPerCapita TeamMethod = "per_capita"
)

// TeamRule is a contest's choice of team method with its setting.
type TeamRule struct {
	Method TeamMethod
	// N is how many best members count under TeamBestN; at least 1.
	N int
	// MinSize is the smallest size TeamPerCapita divides by; 0 or more.
	MinSize int
}

// Validate reports whether the rule can score teams: a known method, N of
// at least 1 for TeamBestN and MinSize of at least 0 for TeamPerCapita.
func (r TeamRule) Validate() error {
	switch r.Method {
	case TeamMean:
		return nil
	case TeamBestN:
		if r.N < 1 {
			return fmt.Errorf("best-N team rule needs N of at least 1, not %d", r.N)
		}
		return nil
	case TeamPerCapita:
		if r.MinSize < 0 {
			return fmt.Errorf("per-capita team rule needs a minimum size of 0 or more, not %d", r.MinSize)
		}
		return nil
	default:
		return fmt.Errorf("unknown team method %q", r.Method)
	}
}

// ErrMemberScore is returned when a member's score is NaN or infinite, or
// scores are so large that the team score overflows.
var ErrMemberScore = errors.New("member score out of range")

// TeamScore returns the score of a team whose members scored scores, by the
// rule's method, rounded to hundredths. Member scores may be negative, as
// buzzer and wager rounds allow. A team without members scores 0 by every
// method. A rule that fails Validate, or a member score that is NaN or
// infinite (ErrMemberScore), is an error with a score of 0.
func TeamScore(scores []float64, rule TeamRule) (float64, error) {
	if err := rule.Validate(); err != nil {
		return 0, err
	}
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return 0, fmt.Errorf("%w: member %d scored %v", ErrMemberScore, i+1, s)
		}
	}
	if len(scores) == 0 {
		return 0, nil
	}
	var score float64
	switch rule.Method {
	case TeamMean:
		score = sum(scores) / float64(len(scores))
	case TeamBestN:
		best := slices.Clone(scores)
		slices.SortFunc(best, func(a, b float64) int { return cmp.Compare(b, a) })
		score = sum(best[:min(rule.N, len(best))])
	case TeamPerCapita:
		score = sum(scores) / float64(max(len(scores), rule.MinSize))
	}
	if math.IsInf(score, 0) {
		return 0, fmt.Errorf("%w: the team score overflows", ErrMemberScore)
	}
	return round2(score), nil
}

// Team is one team's members and their results.
type Team struct {
	ID      string
	Members []Entry
}

// RankTeams ranks teams as Rank ranks people: the higher team score first,
// then the lower answer time, then the earlier finish. A team's answer time
// is the mean answer time of the members that count (all of them, or the N
// best under TeamBestN, chosen in member ranking order), so that teams of
// different sizes compare fairly; its finish is the latest finish of those
// members, and it has not finished while one of them has not. A team
// without members scores 0, has not finished and has the longest Duration as
// its time, so that it ranks after every team with the same score. The
// returned entries carry the team ID, score, time and finish. Errors are
// those of TeamScore.
func RankTeams(teams []Team, rule TeamRule) ([]Ranked, error) {
	entries := make([]Entry, len(teams))
	for i, t := range teams {
		e, err := teamEntry(t, rule)
		if err != nil {
			return nil, fmt.Errorf("team %q: %w", t.ID, err)
		}
		entries[i] = e
	}
	return Rank(entries), nil
}

// teamEntry sums up a team as one ranking entry.
func teamEntry(t Team, rule TeamRule) (Entry, error) {
	e := Entry{ID: t.ID}
	scores := make([]float64, len(t.Members))
	for i, m := range t.Members {
		scores[i] = m.Score
	}
	score, err := TeamScore(scores, rule)
	if err != nil {
		return e, err
	}
	e.Score = score
	counted := t.Members
	if rule.Method == TeamBestN && len(counted) > rule.N {
		counted = make([]Entry, rule.N)
		for i, r := range Rank(t.Members)[:rule.N] {
			counted[i] = r.Entry
		}
	}
	if len(counted) == 0 {
		e.Time = math.MaxInt64 // it answered nothing, which is never quicker
		return e, nil
	}
	var total float64
	for _, m := range counted {
		total += float64(m.Time)
	}
	e.Time = durationOf(total / float64(len(counted)))
	e.Finished = counted[0].Finished
	for _, m := range counted {
		if m.Finished.IsZero() {
			e.Finished = time.Time{}
			break
		}
		if m.Finished.After(e.Finished) {
			e.Finished = m.Finished
		}
	}
	return e, nil
}

// durationOf converts nanoseconds held in a float64 to a Duration, rounding
// and saturating.
func durationOf(ns float64) time.Duration {
	switch {
	case ns >= math.MaxInt64:
		return math.MaxInt64
	case ns <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(math.Round(ns))
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}
