package web

import (
	"strconv"
	"time"
)

// formatFloat shows a score or a statistic with at most two decimals.
func quizFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// quizZone is the zone exam windows are entered and shown in.
var quizZone = time.FixedZone("CST", 8*3600)

// localTime shows a time as people in China read it.
func localTime(t time.Time) string { return t.In(quizZone).Format("2006-01-02 15:04") }
