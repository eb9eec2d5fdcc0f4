package tui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/v2/linechart/timeserieslinechart"

	"warroom/compensation"
)

// minChartHeight is the smallest drawdown chart worth drawing: two rows go
// to the X axis and its labels, so this leaves four rows of curve.
const minChartHeight = 6

// drawdownChart draws what is left of the fund after each day's payouts, in
// yuan, at most w x h (the height is rounded down to suit the Y labels). It starts from the full pledge the day before the
// first payout so the first day's drop shows. It is slow (a canvas per
// call), so callers cache the result.
func drawdownChart(st *Styles, pts []compensation.DrawdownPoint, pledgedFen int64, loc *time.Location, w, h int) string {
	if len(pts) == 0 || w < 20 || h < minChartHeight {
		return ""
	}
	// Four equal steps up the Y axis put labels on 0, 25%, 50%, 75% and
	// 100% of the range (so the pledge itself is labelled); the two spare
	// rows are the X axis and its dates.
	yStep := (h - 2) / 4
	h = 4*yStep + 2
	if loc == nil {
		loc = time.UTC
	}
	series := make([]timeserieslinechart.TimePoint, 0, len(pts)+1)
	series = append(series, timeserieslinechart.TimePoint{
		Time: pts[0].Day.AddDate(0, 0, -1), Value: fenToYuan(pledgedFen),
	})
	lo, hi := fenToYuan(pledgedFen), fenToYuan(pledgedFen)
	for _, p := range pts {
		y := fenToYuan(p.RemainingFen)
		lo, hi = math.Min(lo, y), math.Max(hi, y)
		series = append(series, timeserieslinechart.TimePoint{Time: p.Day, Value: y})
	}
	lo = niceFloor(lo, hi)
	first, last := series[0].Time, series[len(series)-1].Time

	// One date label per ~10 columns: "03-01" is five cells and the chart
	// skips a label that would touch the previous one. A span over a new
	// year labels months with their year, so the labels read in order.
	layout, xStep := axisDateLayout(first.In(loc), last.In(loc))
	c := timeserieslinechart.New(w, h,
		timeserieslinechart.WithXLabelFormatter(func(_ int, v float64) string {
			return time.Unix(int64(v), 0).In(loc).Format(layout)
		}),
		timeserieslinechart.WithYLabelFormatter(func(_ int, v float64) string {
			return compactYuan(v)
		}),
		timeserieslinechart.WithXYSteps(xStep, yStep),
		timeserieslinechart.WithTimeRange(first, last),
		timeserieslinechart.WithYRange(lo, hi),
		timeserieslinechart.WithAxesStyles(st.Muted, st.Muted),
		timeserieslinechart.WithStyle(st.Info),
	)
	for _, p := range series {
		c.Push(p)
	}
	c.DrawBraille()
	return strings.TrimRight(c.View(), "\n")
}

// axisDateLayout is the X labels' date layout and spacing: month-day
// within one year (the caption names it), year-month across years.
func axisDateLayout(first, last time.Time) (layout string, step int) {
	if first.Year() == last.Year() {
		return "01-02", 10
	}
	return "2006-01", 12
}

// drawdownSpan names the chart's dates with their years, for its caption.
func drawdownSpan(pts []compensation.DrawdownPoint, loc *time.Location) string {
	if len(pts) == 0 {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	return pts[0].Day.In(loc).Format("2006-01-02") + " to " + pts[len(pts)-1].Day.In(loc).Format("2006-01-02")
}

// niceFloor picks the bottom of the Y axis so that the four label steps
// down from hi are round numbers (150M, 130M, ...) and the curve fills the
// height: a fund that has paid out a third would otherwise be a flat line
// along the top. The axis spans at least a quarter of hi, so a drop of a
// fraction of a percent stays a small step instead of filling the chart.
// It falls back to 0 when the drop is most of the range.
func niceFloor(lo, hi float64) float64 {
	if hi <= 0 || lo < 0 {
		if hi <= lo {
			return hi - 1
		}
		return lo
	}
	need := max((hi-lo)*1.05/4, hi/16)
	mag := math.Pow(10, math.Floor(math.Log10(need)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 5, 10} {
		if step := m * mag; step >= need {
			if floor := hi - 4*step; floor > 0 {
				return floor
			}
			break
		}
	}
	return 0
}

// fenToYuan is for chart coordinates only: money itself is never a float.
func fenToYuan(fen int64) float64 { return float64(fen) / 100 }

// compactYuan labels an axis: 150000000 -> "150M", 92500000 -> "92.5M".
func compactYuan(v float64) string {
	neg := v < 0
	a := math.Abs(v)
	var s string
	switch {
	case a >= 1e9:
		s = trimPointZero(strconv.FormatFloat(a/1e9, 'f', 1, 64)) + "B"
	case a >= 1e6:
		s = trimPointZero(strconv.FormatFloat(a/1e6, 'f', 1, 64)) + "M"
	case a >= 1e3:
		s = trimPointZero(strconv.FormatFloat(a/1e3, 'f', 1, 64)) + "K"
	default:
		s = strconv.FormatFloat(a, 'f', 0, 64)
	}
	if neg && s != "0" {
		s = "-" + s
	}
	return s
}

func trimPointZero(s string) string { return strings.TrimSuffix(s, ".0") }
