package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"warroom/compensation"
)

// xLabels are the dates under the chart, left to right.
func xLabels(chart string, re *regexp.Regexp) []string {
	lines := strings.Split(ansi.Strip(chart), "\n")
	return re.FindAllString(lines[len(lines)-1], -1)
}

func TestDrawdownAxisAcrossYearsReadsInOrder(t *testing.T) {
	st := newStyles(DefaultTheme())
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	// Payouts in March 2020, then one more made today, years later.
	pts := []compensation.DrawdownPoint{
		{Day: day(2020, 3, 5), RemainingFen: 140e8},
		{Day: day(2020, 4, 30), RemainingFen: 100e8},
		{Day: day(2026, 12, 6), RemainingFen: 90e8},
	}
	out := drawdownChart(&st, pts, 150e8, loc, 80, 10)
	got := xLabels(out, regexp.MustCompile(`\d{4}-\d{2}`))
	if len(got) < 2 {
		t.Fatalf("labels across years should carry their year, got %q:\n%s", got, ansi.Strip(out))
	}
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			t.Fatalf("labels out of order: %q", got)
		}
	}
	if got[0] != "2020-03" || got[len(got)-1] < "2025" {
		t.Fatalf("labels should run from 2020-03 towards 2026: %q", got)
	}
	if span := drawdownSpan(pts, loc); span != "2020-03-05 to 2026-12-06" {
		t.Fatalf("caption span %q", span)
	}

	// Within one year the labels stay month-day; the caption has the year.
	out = drawdownChart(&st, pts[:2], 150e8, loc, 80, 10)
	if got := xLabels(out, regexp.MustCompile(`\d{2}-\d{2}`)); len(got) < 2 || got[0] != "03-04" {
		t.Fatalf("one-year labels: %q\n%s", got, ansi.Strip(out))
	}
}
