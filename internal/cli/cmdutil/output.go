package cmdutil

import (
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"warroom/textsafe"
)

// CleanLine sanitises one line of database or file text for the terminal.
func CleanLine(s string) string { return textsafe.SanitizeLine(s) }

// AddJSONFlag declares --json, the one switch every listing and summary
// shares, for scripts.
func AddJSONFlag(c *cobra.Command, v *bool) {
	c.Flags().BoolVar(v, "json", false, "print JSON for scripts")
}

// Column of a plain-text table.
type Column struct {
	Title string
	Right bool // numbers align right
}

// WriteTable prints rows under a header, columns padded by display width so
// Chinese names line up. Cells are sanitised: they come from the database.
func WriteTable(w io.Writer, cols []Column, rows [][]string) error {
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = ansi.StringWidth(c.Title)
	}
	clean := make([][]string, len(rows))
	for r, row := range rows {
		clean[r] = make([]string, len(cols))
		for i := range cols {
			if i < len(row) {
				clean[r][i] = CleanLine(row[i])
			}
			widths[i] = max(widths[i], ansi.StringWidth(clean[r][i]))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		for i, cell := range cells {
			pad := strings.Repeat(" ", widths[i]-ansi.StringWidth(cell))
			if i > 0 {
				b.WriteString("  ")
			}
			switch {
			case cols[i].Right:
				b.WriteString(pad + cell)
			case i == len(cells)-1:
				b.WriteString(cell) // no trailing blanks
			default:
				b.WriteString(cell + pad)
			}
		}
		b.WriteByte('\n')
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.Title
	}
	line(titles)
	for _, row := range clean {
		line(row)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteTableOr is WriteTable, or the line none when there are no rows: a
// bare header reads like a failure.
func WriteTableOr(w io.Writer, cols []Column, rows [][]string, none string) error {
	if len(rows) == 0 {
		_, err := io.WriteString(w, none+"\n")
		return err
	}
	return WriteTable(w, cols, rows)
}

// WriteJSON prints v indented, for scripts (`--json`), with C1 and bidi
// controls escaped like the C0 ones (textsafe.WriteJSON).
func WriteJSON(w io.Writer, v any) error { return textsafe.WriteJSON(w, v) }

// FormatWhen shows a time in the incident's zone, as a date alone when only
// the date is known.
func FormatWhen(t time.Time, precision string, loc *time.Location) string {
	switch precision {
	case "day":
		return t.In(loc).Format("2006-01-02")
	case "approx": // a time not known exactly
		return t.In(loc).Format("2006-01-02 ~15:04")
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// FormatAt shows an instant in the incident's zone with the zone's
// abbreviation, for a line that names no zone elsewhere:
// "2020-03-01 22:00 CST".
func FormatAt(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// FormatWhenZoned is FormatWhen with the zone named after a time of day,
// for a line no header names the zone for: "2020-03-01 22:00 CST".
func FormatWhenZoned(t time.Time, precision string, loc *time.Location) string {
	if precision == "day" {
		return FormatWhen(t, precision, loc)
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
