package web

import (
	"strconv"
	"time"

	"gridskill"
)

// formatFloat shows a score or a statistic with at most two decimals.
func quizFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// localTime shows a time as people in China read it.
func localTime(t time.Time) string { return t.In(gridskill.ChinaZone()).Format("2006-01-02 15:04") }
