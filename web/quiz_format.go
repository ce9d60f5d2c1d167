package web

import (
	"math"
	"strconv"
	"time"

	"gridskill"
	"gridskill/scoring"
)

// quizFloat shows a score with at most two decimals, trailing zeros left
// out: 12.5, 3, 33.33.
func quizFloat(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// percentText shows a percentage rounded to a whole number: 67%.
func percentText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.Itoa(int(math.Round(v))) + "%"
}

// coefficientText shows a statistic scoring keeps as 100 × a coefficient
// (discrimination, Cronbach's alpha) the way trainers read it, from −1 to 1
// with two decimals: −0.41. An undefined one is a dash.
func coefficientText(st scoring.Stat) string {
	if !st.Defined {
		return "–"
	}
	v := math.Round(st.Value) / 100
	if v == 0 {
		v = 0 // no −0.00
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// facilityText shows a defined facility as a whole percentage, or a dash.
func facilityText(st scoring.Stat) string {
	if !st.Defined {
		return "–"
	}
	return percentText(st.Value)
}

// localTime shows a time as people in China read it.
func localTime(t time.Time) string { return t.In(gridskill.ChinaZone()).Format("2006-01-02 15:04") }

// flagNotes says in a sentence what each item flag means.
var flagNotes = map[scoring.Flag]string{
	scoring.TooEasy:                "Nearly everyone answered it right, so it cannot tell who has mastered the point.",
	scoring.TooHard:                "Few answered it right: check the question and its key, or teach the point again.",
	scoring.NegativeDiscrimination: "Those who did well on the rest of the exam did worse on this question: its key may be wrong or its wording misleading.",
	scoring.LowEfficiency:          "It tells those who know the subject from those who do not only weakly.",
}

// reasonNotes says why a statistic could not be worked out.
var reasonNotes = map[scoring.Reason]string{
	scoring.NoAttempts:    "nobody has answered it yet",
	scoring.OneAttempt:    "needs at least two attempts",
	scoring.NoVariance:    "everyone scored the same, so nothing tells them apart",
	scoring.NoMaxPoints:   "the question carries no points",
	scoring.OneItem:       "needs papers of at least two questions",
	scoring.NegativeAlpha: "the questions do not measure one ability",
	scoring.Overflow:      "the scores cannot be compared",
}

// FlagNote is a flag's sentence, translated.
func (p Page) FlagNote(f scoring.Flag) string {
	if n, ok := flagNotes[f]; ok {
		return p.T(n)
	}
	return p.T("Look at this question again.")
}

// StatNote is why an undefined statistic has no value, translated; empty
// for a defined one.
func (p Page) StatNote(st scoring.Stat) string {
	if st.Defined {
		return ""
	}
	if n, ok := reasonNotes[st.Reason]; ok {
		return p.T(n)
	}
	return p.T("cannot be worked out yet")
}

// AlphaNote reads Cronbach's alpha in a sentence.
func (p Page) AlphaNote(st scoring.Stat) string {
	switch {
	case !st.Defined:
		return p.StatNote(st)
	case st.Value >= 80:
		return p.T("The exam's questions agree well: its scores can be relied on.")
	case st.Value >= 60:
		return p.T("The exam's questions agree fairly: its scores are usable.")
	}
	return p.T("The exam's questions agree poorly: the scores say little about ability; check the questions flagged below.")
}

// Facility, Coefficient and Rate show statistics in templates. Rate is not
// called Percent: a page embedding Page and a type with its own Percent
// (courses.Item) would have two at one depth, and its template found the
// wrong one and broke the module page.
func (Page) Facility(st scoring.Stat) string    { return facilityText(st) }
func (Page) Coefficient(st scoring.Stat) string { return coefficientText(st) }
func (Page) Rate(v float64) string              { return percentText(v) }

// Duration shows a time used in minutes and seconds.
func (p Page) Duration(d time.Duration) string {
	s := int(math.Round(d.Seconds()))
	if s < 60 {
		return p.T("%d s", s)
	}
	return p.T("%d min %d s", s/60, s%60)
}

// secs is a number of seconds as a duration.
func secs(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }
