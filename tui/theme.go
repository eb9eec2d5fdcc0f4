package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Theme is the palette; styles are built from it once, in newStyles.
type Theme struct {
	Accent, Muted, Text, Good, Warn, Bad, Info, Selection color.Color
	// Kind gives timeline entry kinds their colour.
	Kind map[string]color.Color
	// Status gives milestone and action-item statuses their colour.
	Status map[string]color.Color
}

// DefaultTheme reads on dark and light terminals alike (ANSI 256 colours).
func DefaultTheme() Theme {
	c := lipgloss.Color
	return Theme{
		Accent: c("39"), Muted: c("245"), Text: c("252"), Good: c("42"),
		Warn: c("214"), Bad: c("196"), Info: c("75"), Selection: c("237"),
		Kind: map[string]color.Color{
			"window": c("245"), "outage": c("196"), "restore": c("42"),
			"recovery": c("48"), "rehearsal": c("141"), "cutover": c("214"),
			"comms": c("75"), "note": c("252"),
		},
		Status: map[string]color.Color{
			"planned": c("245"), "open": c("245"), "in_progress": c("75"),
			"blocked": c("196"), "done": c("42"), "dropped": c("240"),
		},
	}
}

// Styles are the console's lipgloss styles, built once from a Theme.
type Styles struct {
	Theme      Theme
	Title      lipgloss.Style // incident title in the header
	Header     lipgloss.Style // header line
	Tab        lipgloss.Style
	ActiveTab  lipgloss.Style
	Muted      lipgloss.Style
	Bold       lipgloss.Style
	Selected   lipgloss.Style // the cursor row
	Section    lipgloss.Style // a heading inside a view
	Good, Warn lipgloss.Style
	Bad, Info  lipgloss.Style
	Footer     lipgloss.Style
	Banner     lipgloss.Style // a full-width warning line (errors, disconnects)
	Box        lipgloss.Style // bordered panel
}

func newStyles(t Theme) Styles {
	s := lipgloss.NewStyle
	return Styles{
		Theme:     t,
		Title:     s().Bold(true).Foreground(t.Accent),
		Header:    s().Foreground(t.Text),
		Tab:       s().Foreground(t.Muted).Padding(0, 1),
		ActiveTab: s().Bold(true).Foreground(t.Accent).Underline(true).Padding(0, 1),
		Muted:     s().Foreground(t.Muted),
		Bold:      s().Bold(true),
		Selected:  s().Background(t.Selection).Bold(true),
		Section:   s().Bold(true).Foreground(t.Accent),
		Good:      s().Foreground(t.Good),
		Warn:      s().Foreground(t.Warn),
		Bad:       s().Foreground(t.Bad),
		Info:      s().Foreground(t.Info),
		Footer:    s().Foreground(t.Muted),
		Banner:    s().Bold(true).Foreground(lipgloss.Color("231")).Background(t.Bad),
		Box:       s().Border(lipgloss.RoundedBorder()).BorderForeground(t.Muted),
	}
}

// KindStyle colours a timeline kind; unknown kinds get the plain text colour.
func (s Styles) KindStyle(kind string) lipgloss.Style {
	if c, ok := s.Theme.Kind[kind]; ok {
		return lipgloss.NewStyle().Foreground(c)
	}
	return lipgloss.NewStyle().Foreground(s.Theme.Text)
}

// StatusStyle colours a milestone or action-item status.
func (s Styles) StatusStyle(status string) lipgloss.Style {
	if c, ok := s.Theme.Status[status]; ok {
		return lipgloss.NewStyle().Foreground(c)
	}
	return lipgloss.NewStyle().Foreground(s.Theme.Text)
}
