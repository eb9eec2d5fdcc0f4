package main

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"warroom/textsafe"
)

// cleanLine sanitises one line of database or file text for the terminal.
func cleanLine(s string) string { return textsafe.SanitizeLine(s) }

// column of a plain-text table.
type column struct {
	title string
	right bool // numbers align right
}

// writeTable prints rows under a header, columns padded by display width so
// Chinese names line up. Cells are sanitised: they come from the database.
func writeTable(w io.Writer, cols []column, rows [][]string) error {
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = ansi.StringWidth(c.title)
	}
	clean := make([][]string, len(rows))
	for r, row := range rows {
		clean[r] = make([]string, len(cols))
		for i := range cols {
			if i < len(row) {
				clean[r][i] = cleanLine(row[i])
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
			case cols[i].right:
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
		titles[i] = c.title
	}
	line(titles)
	for _, row := range clean {
		line(row)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON prints v indented, for scripts (`--json`), with C1 and bidi
// controls escaped like the C0 ones (textsafe.WriteJSON).
func writeJSON(w io.Writer, v any) error { return textsafe.WriteJSON(w, v) }
