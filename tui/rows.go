package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"warroom/incident"
)

// cell is one column of a hand-rolled table row: plain (already sanitised)
// text cut and padded to w cells, then styled. Styling after fitting keeps
// escape codes out of the width arithmetic and lets a selected row paint
// its background across every cell.
type cell struct {
	text  string
	w     int
	style lipgloss.Style
	right bool // right-align (numbers)
	raw   bool // text is already styled and exactly w cells wide
}

// tableRow joins cells with one-space gaps. A selected row gets a cursor
// mark (visible even without colour) and the selection background.
func tableRow(st *Styles, cells []cell, selected bool) string {
	var b strings.Builder
	mark, gap := "  ", " "
	if selected {
		sel := st.Selected
		mark, gap = sel.Render("> "), sel.Render(" ")
	}
	b.WriteString(mark)
	for i, c := range cells {
		if i > 0 {
			b.WriteString(gap)
		}
		if c.raw {
			b.WriteString(c.text)
			continue
		}
		var t string
		if c.right {
			t = fitRight(c.text, c.w)
		} else {
			t = fit(c.text, c.w)
		}
		s := c.style
		if selected {
			s = s.Background(st.Theme.Selection).Bold(true)
		}
		b.WriteString(s.Render(t))
	}
	return b.String()
}

// rule is a muted horizontal line, optionally with a title at its start.
func rule(st *Styles, title string, w int) string {
	if title == "" {
		return st.Muted.Render(strings.Repeat("─", max(w, 0)))
	}
	t := " " + title + " "
	return st.Muted.Render("──") + st.Section.Render(fit(t, min(lipgloss.Width(t), max(w-2, 0)))) +
		st.Muted.Render(strings.Repeat("─", max(w-2-lipgloss.Width(t), 0)))
}

// whenText is a time in the incident's zone; date only when only the date
// is known, so the console never invents a midnight.
func whenText(t time.Time, precision string, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	switch precision {
	case "day":
		return t.In(loc).Format("2006-01-02")
	case "approx": // a time not known exactly
		return t.In(loc).Format("2006-01-02 ~15:04")
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// spanText is a compact window "02:05-07:40" or "02-17 19:00 - 02-23 19:00";
// "" without an end.
func spanText(start, end *time.Time, precision string, loc *time.Location) string {
	if start == nil || end == nil {
		return ""
	}
	s, e := start.In(loc), end.In(loc)
	if precision == "day" {
		if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
			return s.Format("01-02")
		}
		return s.Format("01-02") + " - " + e.Format("01-02")
	}
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return s.Format("15:04") + "-" + e.Format("15:04")
	}
	return s.Format("01-02 15:04") + " - " + e.Format("01-02 15:04")
}

// duration says a span the way the clock does, without the T+.
func duration(d time.Duration) string {
	return incident.FormatDuration(d)
}

// drift says how far actual is from planned: "on time", "5m late", "20m early".
func drift(planned, actual time.Time) string {
	d := actual.Sub(planned)
	switch {
	case d > -time.Minute && d < time.Minute:
		return "on time"
	case d > 0:
		return duration(d) + " late"
	default:
		return duration(-d) + " early"
	}
}

// wrapText wraps sanitised multi-line text to w cells (width-aware, so CJK
// wraps correctly) and returns at most n lines, marking a cut with an ellipsis.
func wrapText(s string, w, n int) []string {
	if w <= 0 || n <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wordWrap(para, w)...)
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	if len(out) > n {
		out = out[:n]
		last := out[n-1]
		if lipgloss.Width(last)+1 > w {
			last = ansi.Truncate(last, w-1, "")
		}
		out[n-1] = strings.TrimRight(last, " ") + ellipsis
	}
	return out
}

// wordWrap breaks plain text at spaces only (ansi.Wrap also breaks after
// hyphens, which splits dates like 2020-02-17). A word wider than w, such
// as a run of Chinese text without spaces, is cut at the cell boundary.
func wordWrap(s string, w int) []string {
	var out []string
	line, lineW := "", 0
	for _, word := range strings.Fields(s) {
		ww := lipgloss.Width(word)
		switch {
		case lineW > 0 && lineW+1+ww <= w:
			line += " " + word
			lineW += 1 + ww
			continue
		case lineW > 0:
			out = append(out, line)
		}
		line, lineW = word, ww
		if ww > w {
			parts := strings.Split(ansi.Hardwrap(word, w, false), "\n")
			out = append(out, parts[:len(parts)-1]...)
			line = parts[len(parts)-1]
			lineW = lipgloss.Width(line)
		}
	}
	if lineW > 0 || len(out) == 0 {
		out = append(out, line)
	}
	return out
}
