package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"
)

// FullPointsWindow is how quickly a right answer must come to earn the full
// base points of a timed question.
const FullPointsWindow = 500 * time.Millisecond

// The streak bonus: StreakStep points for each right answer in a row after
// the first, at most MaxStreakBonus.
const (
	StreakStep     = 100
	MaxStreakBonus = 500
)

// ResponseTime returns how long a player took to answer a timed question:
// from shown, when the server showed the options, to received, when the
// answer reached the server, less the player's measured network delay. The
// delay is first limited to [0, maxDelay], so a player cannot buy time by
// faking a slow line. The result is limited to [0, limit]; a limit of 0 or
// less means the question has no time limit, and the result is only kept
// from falling below 0.
func ResponseTime(shown, received time.Time, delay, maxDelay, limit time.Duration) time.Duration {
	delay = max(min(delay, maxDelay), 0)
	elapsed := received.Sub(shown) // saturates rather than overflows
	if elapsed <= delay {
		return 0
	}
	t := elapsed - delay
	if limit > 0 && t > limit {
		return limit
	}
	return t
}

// SpeedPoints returns the points of an answer to a timed question, in the
// style of Kahoot: a wrong or missing answer earns 0; a right one earns
// round(base × (1 − (t / limit) / 2)), so between the full base for an
// instant answer and half of it at the end of the time. A right answer
// within FullPointsWindow earns the full base, as does any right answer to a
// question with no time limit (limit of 0 or less). t is limited to
// [0, limit] first. The arithmetic is exact, and a half rounds up: 937.5
// points are 938. A base of 0 or less earns 0.
func SpeedPoints(correct bool, t, limit time.Duration, base int) int {
	if !correct || base <= 0 {
		return 0
	}
	if limit <= 0 || t <= FullPointsWindow {
		return base
	}
	t = min(t, limit)
	// base × (1 − t/(2·limit)) = base − base·t/(2·limit). The deduction is
	// computed in 128 bits and rounded half down, so that the points round
	// half up. It is at most base/2, so the division cannot overflow.
	hi, lo := bits.Mul64(uint64(base), uint64(t))
	den := 2 * uint64(limit)
	deduction, rem := bits.Div64(hi, lo, den)
	if rem > den-rem {
		deduction++
	}
	return base - int(deduction)
}

// NextStreak returns a player's streak after an answer: one more after a
// right answer, and 0 after a wrong or missing one.
func NextStreak(streak int, correct bool) int {
	if !correct || streak < 0 {
		return 0
	}
	if streak == math.MaxInt {
		return streak
	}
	return streak + 1
}

// StreakBonus returns the bonus for a right answer that makes a streak of n
// right answers in a row: 0 for the first, StreakStep for the second, twice
// that for the third, up to MaxStreakBonus from the sixth on. Contests that
// do not use streaks simply do not add it.
func StreakBonus(n int) int {
	if n <= 1 {
		return 0
	}
	if n > MaxStreakBonus/StreakStep {
		return MaxStreakBonus
	}
	return (n - 1) * StreakStep
}

// Buzz is a player pressing the buzzer (抢答), as the server received it.
type Buzz struct {
	PlayerID string
	// At is when the buzz reached the server. Players' own clocks never count.
	At time.Time
	// Seq is the server's arrival sequence number, which breaks ties of At.
	Seq uint64
}

// BuzzOrder returns the order in which buzzing players may answer: the
// earliest arrival first, ties broken by the lower sequence number. Only a
// player's first buzz counts. The first player answers; when a contest passes
// a question on after a wrong answer, it goes to the next one. The input is
// not changed.
func BuzzOrder(buzzes []Buzz) []Buzz {
	order := slices.Clone(buzzes)
	slices.SortStableFunc(order, func(a, b Buzz) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
			return c
		}
		return cmp.Compare(a.PlayerID, b.PlayerID)
	})
	seen := make(map[string]struct{}, len(order))
	first := order[:0]
	for _, b := range order {
		if _, dup := seen[b.PlayerID]; dup {
			continue
		}
		seen[b.PlayerID] = struct{}{}
		first = append(first, b)
	}
	return first
}

// BuzzerPoints returns the points of a buzzer answer: +points when right and
// −penalty when wrong. A player who buzzed but did not answer in time is
// wrong. Negative points or penalties count as 0, so a wrong answer never
// gains and a right one never loses.
func BuzzerPoints(correct bool, points, penalty int) int {
	if correct {
		return max(points, 0)
	}
	return -max(penalty, 0)
}

// ErrStakeNotAllowed is returned for a wager stake that is not one of the
// contest's allowed stakes.
var ErrStakeNotAllowed = errors.New("stake is not one of the allowed stakes")

// CheckStake reports whether stake is one of the allowed stakes of a wager
// question (风险题). A stake is picked before the question is shown, and
// checked then; a negative stake is never allowed.
func CheckStake(stake int, allowed []int) error {
	if stake < 0 || !slices.Contains(allowed, stake) {
		return fmt.Errorf("%w: %d", ErrStakeNotAllowed, stake)
	}
	return nil
}

// WagerPoints returns the points of a wager answer: +stake when right and
// −stake when wrong or missing. A stake that CheckStake refuses is an error
// wrapping ErrStakeNotAllowed, with 0 points.
func WagerPoints(correct bool, stake int, allowed []int) (int, error) {
	if err := CheckStake(stake, allowed); err != nil {
		return 0, err
	}
	if correct {
		return stake, nil
	}
	return -stake, nil
}

// Errors of JudgeScore.
var (
	ErrNoJudges         = errors.New("no judge scores")
	ErrJudgeScoreBounds = errors.New("judge score outside 0 to 100")
)

// JudgeScore returns the score a judge panel (评委) gives: each judge scores
// 0 to 100, and the score is the mean after dropping one highest and one
// lowest score, or the plain mean when there are fewer than three judges. It
// is rounded to hundredths. No scores is the error ErrNoJudges, and a score
// below 0, above 100 or NaN is an error wrapping ErrJudgeScoreBounds; both
// give a score of 0.
func JudgeScore(scores []float64) (float64, error) {
	if len(scores) == 0 {
		return 0, ErrNoJudges
	}
	var sum float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range scores {
		if !(s >= 0 && s <= 100) {
			return 0, fmt.Errorf("%w: judge %d gave %v", ErrJudgeScoreBounds, i+1, s)
		}
		sum += s
		lo, hi = min(lo, s), max(hi, s)
	}
	n := len(scores)
	if n >= 3 {
		sum -= lo + hi
		n -= 2
	}
	return clamp(round2(sum/float64(n)), 0, 100), nil
}

// PanelScore is a judge panel's score of one performance with how it was
// reached: with three judges or more one highest and one lowest score are
// dropped (去掉一个最高分、去掉一个最低分) and the rest averaged; with fewer,
// all are averaged.
type PanelScore struct {
	Score float64
	// DroppedHigh and DroppedLow are the indexes of the dropped scores, -1
	// when none was dropped. Of equal scores the first is dropped.
	DroppedHigh, DroppedLow int
}

// Panel returns the panel's score as JudgeScore does, and which scores it
// dropped. Errors are JudgeScore's.
func Panel(scores []float64) (PanelScore, error) {
	score, err := JudgeScore(scores)
	if err != nil {
		return PanelScore{DroppedHigh: -1, DroppedLow: -1}, err
	}
	out := PanelScore{Score: score, DroppedHigh: -1, DroppedLow: -1}
	if len(scores) < 3 {
		return out, nil
	}
	out.DroppedHigh, out.DroppedLow = 0, 0
	for i, s := range scores {
		if s > scores[out.DroppedHigh] {
			out.DroppedHigh = i
		}
		if s < scores[out.DroppedLow] {
			out.DroppedLow = i
		}
	}
	if out.DroppedHigh == out.DroppedLow { // all equal: drop two different ones
		out.DroppedLow = 1
	}
	return out, nil
}

// SheetCriterion is one line of a judge's score sheet: what is judged and the
// points it is worth, e.g. 程序规范 30.
type SheetCriterion struct {
	Name   string
	Points float64
}

// Errors of SheetTotal.
var (
	ErrSheet     = errors.New("score sheet criteria do not add up to 100")
	ErrSheetMark = errors.New("mark outside its criterion's points")
)

// CheckSheet reports whether criteria make a score sheet: each worth more
// than 0 points, 100 in all.
func CheckSheet(criteria []SheetCriterion) error {
	var total float64
	for _, c := range criteria {
		if !(c.Points > 0 && c.Points <= 100) {
			return fmt.Errorf("%w: %s is worth %v", ErrSheet, c.Name, c.Points)
		}
		total += c.Points
	}
	if round2(total) != 100 {
		return fmt.Errorf("%w: they add up to %v", ErrSheet, total)
	}
	return nil
}

// SheetTotal returns a judge's score from a weighted score sheet: the sum of
// the marks, each between 0 and its criterion's points, so 0 to 100. Marks
// are given in the criteria's order, one each.
func SheetTotal(criteria []SheetCriterion, marks []float64) (float64, error) {
	if err := CheckSheet(criteria); err != nil {
		return 0, err
	}
	if len(marks) != len(criteria) {
		return 0, fmt.Errorf("%w: %d marks for %d criteria", ErrSheetMark, len(marks), len(criteria))
	}
	var total float64
	for i, m := range marks {
		if !(m >= 0 && m <= criteria[i].Points) {
			return 0, fmt.Errorf("%w: %s got %v of %v", ErrSheetMark, criteria[i].Name, m, criteria[i].Points)
		}
		total += m
	}
	return clamp(round2(total), 0, 100), nil
}
