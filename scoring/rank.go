package scoring

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Entry is one participant's result in a ranking.
type Entry struct {
	ID    string
	Score float64
	// Answered is how many questions the participant answered, right or
	// wrong. At equal scores more answers rank higher, so answering never
	// ranks below staying silent (see Rank).
	Answered int
	// Time is the participant's total answer time.
	Time time.Duration
	// Finished is when the participant finished; the zero Time means not
	// finished.
	Finished time.Time
}

// Ranked is an Entry with its place in a ranking.
type Ranked struct {
	Entry
	Rank int
}

// Rank returns the entries in ranking order with standard competition ranks
// ("1224"): the higher score first, then more questions answered, then the
// lower total answer time, then the earlier finish, an entry that has not
// finished coming after every entry that has. Answers count before time
// because a player who answers spends answer time and one who stays silent
// spends none: with time first, a wrong answer (0 points, 8 s) would rank
// below no answer (0 points, 0 s), and keeping quiet would pay. Scores are
// compared rounded to hundredths, and a NaN score comes last. Entries equal
// on all four share a rank, and the next rank skips the
// places they took. Entries that share a rank are listed by ID, then in input
// order, so the result is the same on every run. The input is not changed.
func Rank(entries []Entry) []Ranked {
	keys := make([]rankKey, len(entries))
	for i, e := range entries {
		keys[i] = newRankKey(e, i)
	}
	// The radix sort is stable, so full ties stay in input order until the
	// rare runs of them are put in ID order.
	keys = radixSort(keys)
	ranked := make([]Ranked, len(keys))
	for start := 0; start < len(keys); {
		end := start + 1
		for end < len(keys) && keys[end].ties(keys[start]) {
			end++
		}
		run := keys[start:end]
		if len(run) > 1 {
			slices.SortStableFunc(run, func(a, b rankKey) int {
				return strings.Compare(entries[a.index].ID, entries[b.index].ID)
			})
		}
		for i, k := range run {
			ranked[start+i] = Ranked{Entry: entries[k.index], Rank: start + 1}
		}
		start = end
	}
	return ranked
}

// rankKey holds what ranking compares, unpacked from an Entry into unsigned
// numbers that sort in ranking order, so that ranking a large contest
// compares plain numbers.
type rankKey struct {
	score    uint64 // the score at hundredths, highest first, NaN last
	answered uint32 // the questions answered, most first
	time     uint64 // the answer time, lowest first
	finished uint64 // the finish in Unix seconds, earliest first, unfinished last
	nanos    uint32 // the nanoseconds of the finish
	index    uint32 // the entry's position in the input; 4 billion entries is far beyond any contest
}

func newRankKey(e Entry, index int) rankKey {
	k := rankKey{
		score:    descending(round2(e.Score)),
		answered: ^uint32(min(max(e.Answered, 0), math.MaxUint32)),
		time:     uint64(e.Time) ^ signBit,
		finished: math.MaxUint64,
		index:    uint32(index),
	}
	if !e.Finished.IsZero() {
		k.finished = uint64(e.Finished.Unix()) ^ signBit
		k.nanos = uint32(e.Finished.Nanosecond())
	}
	return k
}

const signBit = 1 << 63

// descending maps a float64 to a uint64 that sorts the numbers from highest
// to lowest, with -0 equal to 0 and NaN after every number.
func descending(x float64) uint64 {
	switch {
	case math.IsNaN(x):
		return math.MaxUint64
	case x == 0:
		x = 0 // -0 and 0 share a key
	}
	bits := math.Float64bits(x)
	if bits&signBit != 0 {
		bits = ^bits // negative numbers: larger magnitude sorts lower
	} else {
		bits |= signBit
	}
	return ^bits // highest first
}

// keyBytes is the number of bytes of a rankKey that ranking compares.
const keyBytes = 8 + 4 + 8 + 8 + 4

// digit returns byte d of what ranking compares in k, byte 0 being the
// least significant.
func (k *rankKey) digit(d int) uint8 {
	switch {
	case d < 4:
		return uint8(k.nanos >> (8 * d))
	case d < 12:
		return uint8(k.finished >> (8 * (d - 4)))
	case d < 20:
		return uint8(k.time >> (8 * (d - 12)))
	case d < 24:
		return uint8(k.answered >> (8 * (d - 20)))
	default:
		return uint8(k.score >> (8 * (d - 24)))
	}
}

// radixSort sorts keys into ranking order by a least-significant-digit
// radix sort, which is stable and does a fixed amount of work per key: for
// 100,000 entries it takes a third of the time of slices.SortFunc, which
// ranking a province-wide preliminary needs. Bytes that are the same in every
// key, such as the high bytes of answer times, are skipped. It returns the
// sorted keys, in keys or in a new slice.
func radixSort(keys []rankKey) []rankKey {
	var counts [keyBytes][256]int
	for i := range keys {
		for d := range keyBytes {
			counts[d][keys[i].digit(d)]++
		}
	}
	buf := make([]rankKey, len(keys))
	for d := range keyBytes {
		c := &counts[d]
		if len(keys) == 0 || c[keys[0].digit(d)] == len(keys) {
			continue // every key has the same byte here
		}
		offset := 0
		for b := range c {
			c[b], offset = offset, offset+c[b]
		}
		for i := range keys {
			b := keys[i].digit(d)
			buf[c[b]] = keys[i]
			c[b]++
		}
		keys, buf = buf, keys
	}
	return keys
}

// ties reports whether a and b share a rank.
func (a rankKey) ties(b rankKey) bool {
	return a.score == b.score && a.answered == b.answered && a.time == b.time && a.finished == b.finished && a.nanos == b.nanos
}
