package web

import "strconv"

// The charts are SVG drawn by small templates (views/dashboard/charts.html)
// from coordinates computed here: no script, no fonts, a few hundred bytes a
// bar, and they print as they show. A Go charting library would draw whole
// images whose bars cannot each be a link with a table beside them.

// bar is one bar of a horizontal bar chart, in a 360-wide view box.
type bar struct {
	Label string
	Value int // percent
	Text  string
	Href  string
	Y     int
	W     int
}

// barChart is a percentage per unit.
type barChart struct {
	Title  string
	Bars   []bar
	Height int
}

const (
	barHeight = 26
	barLeft   = 120
	barSpan   = 190
)

func newBarChart(title string, bars []bar) barChart {
	for i := range bars {
		bars[i].Y = i*(barHeight+6) + 4
		bars[i].W = max(1, bars[i].Value*barSpan/100)
		bars[i].Text = strconv.Itoa(bars[i].Value) + "%"
		if r := []rune(bars[i].Label); len(r) > 7 {
			bars[i].Label = string(r[:6]) + "…"
		}
	}
	return barChart{Title: title, Bars: bars, Height: len(bars)*(barHeight+6) + 8}
}

// column is one month of the trend: two series side by side.
type column struct {
	Label      string
	X          int
	A, B       int // values
	HA, HB     int // bar heights
	YA, YB     int
	TitleA, TB string
}

// trendChart is two counts by month over twelve months.
type trendChart struct {
	Title, SeriesA, SeriesB string
	Cols                    []column
}

const trendHeight = 120

func newTrendChart(title, a, b string, labels []string, as, bs []int) trendChart {
	top := 1
	for i := range labels {
		top = max(top, as[i], bs[i])
	}
	t := trendChart{Title: title, SeriesA: a, SeriesB: b}
	for i, l := range labels {
		c := column{Label: l[5:], X: 8 + i*29, A: as[i], B: bs[i]}
		c.HA, c.HB = as[i]*trendHeight/top, bs[i]*trendHeight/top
		c.YA, c.YB = 10+trendHeight-c.HA, 10+trendHeight-c.HB
		c.TitleA, c.TB = l+" "+a+" "+strconv.Itoa(as[i]), l+" "+b+" "+strconv.Itoa(bs[i])
		t.Cols = append(t.Cols, c)
	}
	return t
}
