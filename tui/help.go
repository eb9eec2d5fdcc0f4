package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// helpBar is the one-line footer and the ? screen. The footer is bubbles'
// short help (it drops what does not fit and shows an ellipsis); the full
// screen is laid out here because bubbles' full help drops whole columns at
// 80 cells instead of wrapping them.
type helpBar struct {
	model    help.Model
	st       *Styles
	readOnly bool // readonly.go: leave out the keys that write

	// The footer drawn last and what it showed: it is drawn on every
	// message (each clock tick, each change), and almost always shows the
	// same keys as before. Drawing it through lipgloss was about a sixth
	// of a served console's CPU.
	shortKey string
	shortOut string
}

func newHelpBar(st *Styles) *helpBar {
	m := help.New()
	m.Styles = help.Styles{
		Ellipsis:       st.Muted,
		ShortKey:       st.Bold,
		ShortDesc:      st.Muted,
		ShortSeparator: st.Muted,
		FullKey:        st.Bold,
		FullDesc:       st.Muted,
		FullSeparator:  st.Muted,
	}
	return &helpBar{model: m, st: st}
}

// short is the footer: the view's own keys first, since they change with
// the view, then the global ones. While the view takes text, q, ?, tab and
// the digits type into it, so only ctrl+c is offered.
func (h *helpBar) short(v view, width int) string {
	var b []key.Binding
	if v != nil {
		b = append(b, v.ShortHelp()...)
	}
	if h.readOnly {
		b = withoutWrites(v, b)
	}
	if v != nil && v.Capturing() {
		b = append(b, globalKeys.ForceQuit)
	} else {
		b = append(b, globalShortHelp()...)
	}
	k := footerKey(b, width)
	if k == h.shortKey && h.shortOut != "" {
		return h.shortOut
	}
	h.model.SetWidth(width - 1)
	h.shortKey, h.shortOut = k, fit(" "+h.model.ShortHelpView(b), width)
	return h.shortOut
}

// footerKey is everything the footer shows of bindings at width: each
// one's state and help text.
func footerKey(bindings []key.Binding, width int) string {
	var sb strings.Builder
	sb.WriteString(strconv.Itoa(width))
	for _, b := range bindings {
		if !b.Enabled() {
			sb.WriteString("\x00-")
			continue
		}
		h := b.Help()
		sb.WriteString("\x00")
		sb.WriteString(h.Key)
		sb.WriteString("\x01")
		sb.WriteString(h.Desc)
	}
	return sb.String()
}

// full is the ? screen: a section per keymap, each a flow of columns that
// wraps onto further rows when the terminal is narrow.
func (h *helpBar) full(v view, width, height int) string {
	var lines []string
	section := func(title string, groups [][]key.Binding) {
		if h.readOnly {
			kept := make([][]key.Binding, 0, len(groups))
			for _, g := range groups {
				if g = withoutWrites(v, g); len(g) > 0 {
					kept = append(kept, g)
				}
			}
			groups = kept
		}
		lines = append(lines, " "+h.st.Section.Render(title), "")
		lines = append(lines, h.columns(groups, width)...)
		lines = append(lines, "")
	}
	if v != nil {
		section(v.Name()+" keys", v.FullHelp())
	}
	section("Global keys", globalFullHelp())
	lines = append(lines, " "+h.st.Muted.Render("press ? or esc to close"))
	for i := range lines {
		lines[i] = fit(lines[i], width)
	}
	return strings.Join(padLines(lines, height, width), "\n")
}

func (h *helpBar) columns(groups [][]key.Binding, width int) []string {
	const gap = 4
	var rows [][]string // rendered columns waiting to be joined on one row
	var out []string
	used := 0
	flush := func() {
		if len(rows) == 0 {
			return
		}
		joined := lipgloss.JoinHorizontal(lipgloss.Top, interleave(rows, strings.Repeat(" ", gap))...)
		for _, l := range strings.Split(joined, "\n") {
			out = append(out, "  "+l)
		}
		rows, used = nil, 0
	}
	for _, g := range groups {
		keyW := 0
		for _, b := range g {
			if b.Enabled() {
				keyW = max(keyW, lipgloss.Width(b.Help().Key))
			}
		}
		var col []string
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			col = append(col, h.st.Bold.Render(fit(b.Help().Key, keyW))+"  "+h.st.Muted.Render(b.Help().Desc))
		}
		if len(col) == 0 {
			continue
		}
		colW := 0
		for _, l := range col {
			colW = max(colW, lipgloss.Width(l))
		}
		if used > 0 && used+gap+colW > width-2 {
			flush()
		}
		if used > 0 {
			used += gap
		}
		used += colW
		rows = append(rows, col)
	}
	flush()
	return out
}

func interleave(cols [][]string, sep string) []string {
	var out []string
	for i, c := range cols {
		if i > 0 {
			out = append(out, sep)
		}
		out = append(out, strings.Join(c, "\n"))
	}
	return out
}

// padLines makes exactly height lines of width cells, so a short screen
// overwrites everything the previous frame left behind.
func padLines(lines []string, height, width int) []string {
	if len(lines) > height {
		lines = lines[:height]
	}
	blank := strings.Repeat(" ", max(width, 0))
	for len(lines) < height {
		lines = append(lines, blank)
	}
	return lines
}
