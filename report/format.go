package report

import (
	"fmt"
	"time"

	"warroom/compensation"
)

// formatFixed is n/d with four decimals, trailing zeros trimmed: exact
// integer arithmetic, no float (n, d > 0).
func formatFixed(n, d int64) string {
	whole, rest := n/d, n%d
	frac := rest * 10000 / d
	return compensation.TrimDecimal(fmt.Sprintf("%d.%04d", whole, frac))
}

// money is fen as yuan with separators: 1500000000000 -> "15,000,000,000.00".
func money(fen int64) string { return compensation.FormatFen(fen) }

// stamp is a moment in the report's zone, the zone's abbreviation named.
func (r *Report) stamp(t time.Time) string {
	return t.In(r.Loc).Format("2006-01-02 15:04 MST")
}

// stampZone is stamp with the zone's full name, for the summary.
func (r *Report) stampZone(t time.Time) string {
	return r.stamp(t) + " (" + r.Incident.TimeZone + ")"
}

// at is an entry or milestone time in the zone: the date alone when only
// the day is known, "" for none.
func (r *Report) at(t *time.Time, precision string) string {
	if t == nil {
		return ""
	}
	if precision == "day" {
		return t.In(r.Loc).Format("2006-01-02")
	}
	return t.In(r.Loc).Format("2006-01-02 15:04")
}

// span is an entry's or milestone's planned or actual time as a cell:
// the start, and the end (the time alone on the same day) after a dash,
// on a line of its own in HTML so date columns stay narrow.
func (r *Report) span(start, end *time.Time, precision string) cell {
	s := r.at(start, precision)
	if end == nil || s == "" {
		return cell{Main: s}
	}
	e := r.at(end, precision)
	if len(e) > 10 && len(s) > 10 && e[:10] == s[:10] {
		return cell{Main: s + " – " + e[11:]}
	}
	return cell{Main: s + " –", To: e}
}

// daysHours is "8 days 14 hours" for a duration of a day or more
// (minutes dropped), "" under a day.
func (r *Report) daysHours(d time.Duration) string {
	h := int64(d / time.Hour)
	switch {
	case h < 24:
		return ""
	case h < 48:
		return fmt.Sprintf(r.Words.OneDayHours, h%24)
	}
	return fmt.Sprintf(r.Words.DaysHours, h/24, h%24)
}
