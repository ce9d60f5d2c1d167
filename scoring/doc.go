// Package scoring is the rulebook of Gridskill: the one place where points
// are decided. It grades responses to questions, scores live contest rounds,
// ranks workers and teams, computes item statistics for trainers and decides
// whether a worker meets a certification program's requirements.
//
// Every function is pure: no I/O, no clock, no randomness, and nothing beyond
// the standard library. Callers pass in the time of day, the stored answer key
// and the configuration of the contest; the same inputs always give the same
// points.
//
// # Rounding
//
// Points of a graded response, team scores and judge panel scores are rounded
// to hundredths, half away from zero (1.005 is stored as a float slightly
// below it and so becomes 1.00, while 0.125 becomes 0.13). Rounding never
// pushes a result outside its range: a response earns between 0 and the
// question's points inclusive. Contest points are whole numbers.
// Rankings compare scores at hundredths, so that sums of rounded points which
// differ only by floating-point noise tie as a person would expect.
//
// # Ties
//
// At equal scores a ranking rewards answering: more questions answered
// (right or wrong) ranks higher, and only then does the lower total answer
// time. Time alone would put a wrong answer (0 points, some seconds) below
// no answer (0 points, no time), so staying silent would pay (Rank).
//
// # Bad input
//
// Graders never panic and never return NaN or infinities. Configuration that
// cannot be scored (a stake outside the allowed set, a judge score above 100,
// an unknown team method) is reported as an error; data that merely makes a
// statistic meaningless (one attempt, no variance) gives a Stat that is not
// Defined, with the Reason.
package scoring
