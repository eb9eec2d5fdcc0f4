package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"warroom/glossary"
)

// listKeys are the keys every list view shares. Views list them in their
// ShortHelp/FullHelp so the help screen stays truthful.
var listKeys = struct {
	Up, Down, Top, Bottom, PageUp, PageDown, Filter, Clear key.Binding
}{
	Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
	Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
	Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
	Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
	PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
	Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
	Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
}

// promptKeys are the keys of an open / prompt besides typing: the list
// narrows as the user types, and the arrows still move the cursor.
var promptKeys = struct{ Keep, Drop, Up, Down key.Binding }{
	Keep: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
	Drop: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "drop filter")),
	Up:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
	Down: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
}

// listNavKeys are the keys that move the cursor, as one column.
func listNavKeys() []key.Binding {
	k := listKeys
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}
}

// ShortHelp is the list keys worth a place in the one-line help bar, for
// the state the list is in (the prompt open or not).
func (l *listState) ShortHelp() []key.Binding {
	if l.Capturing() {
		return []key.Binding{promptKeys.Keep, promptKeys.Drop, promptKeys.Down, promptKeys.Up}
	}
	return []key.Binding{listKeys.Down, listKeys.Up, listKeys.Filter}
}

// FullHelp is the list keys as one column of the ? screen; esc is offered
// only while there is a filter for it to clear.
func (l *listState) FullHelp() []key.Binding {
	if l.Capturing() {
		return []key.Binding{promptKeys.Keep, promptKeys.Drop, promptKeys.Up, promptKeys.Down}
	}
	b := append(listNavKeys(), listKeys.Filter)
	if l.filter != "" {
		b = append(b, listKeys.Clear)
	}
	return b
}

// listState is the filter, cursor and window of an in-memory list (list[T]
// holds the rows): it only ever exposes the rows that fit on screen, so
// views render O(height) rows however long the list is, and knows nothing
// about the rows beyond one search text each.
//
// Positions (cursor, offset, Visible) count matching rows; Item maps a
// position back to the index in list[T]'s rows.
type listState struct {
	cursorWindow           // over positions in matches
	haystack     []string  // lower-cased search text per item
	matches      []int     // item indices passing the filter, in order
	filter       string    // the filter in force: the prompt's text while it is open
	input        lineInput // the / prompt; focused while it takes keys as text
}

// SetItems replaces the searchable text of every item (call it from SetData).
// The selected item stays selected when it is still there; otherwise the
// cursor stays at the same position, clamped.
func (l *listState) SetItems(texts []string) {
	prev, had := l.Selected()
	l.haystack = make([]string, len(texts))
	for i, t := range texts {
		l.haystack[i] = strings.ToLower(t)
	}
	l.refilter()
	if had {
		for pos, i := range l.matches {
			if i == prev {
				l.cursor = pos
				break
			}
		}
	}
	l.clamp()
}

// SetHeight sets how many rows are visible (at least 1).
func (l *listState) SetHeight(h int) {
	l.height = max(h, 1)
	l.clamp()
}

// Len is the number of rows passing the filter; Total ignores the filter.
func (l *listState) Len() int   { return len(l.matches) }
func (l *listState) Total() int { return len(l.haystack) }

// Cursor is the selected position among the matching rows.
func (l *listState) Cursor() int { return l.cursor }

// Item maps a position among the matching rows to an item index.
func (l *listState) Item(pos int) int { return l.matches[pos] }

// Selected is the item index under the cursor; false when nothing matches.
func (l *listState) Selected() (int, bool) {
	if l.cursor < 0 || l.cursor >= len(l.matches) {
		return 0, false
	}
	return l.matches[l.cursor], true
}

// Visible is the half-open range of positions on screen.
func (l *listState) Visible() (from, to int) { return l.visible(len(l.matches)) }

// Filter is the current filter text; Filtering reports one is active.
func (l *listState) Filter() string  { return l.filter }
func (l *listState) Filtering() bool { return l.filter != "" || l.input.Editing() }

// Capturing is true while the filter prompt takes keys as text.
func (l *listState) Capturing() bool { return l.input.Editing() }

// Update handles navigation and filter keys. It reports whether the key was
// used, so the view knows to drop its cached rendering.
func (l *listState) Update(msg tea.KeyPressMsg) bool {
	if l.input.Editing() {
		return l.edit(msg)
	}
	if s, ok := l.navKey(msg); ok {
		l.step(s, len(l.matches))
		return true
	}
	switch {
	case key.Matches(msg, listKeys.Filter):
		l.input.Open(l.filter)
	case key.Matches(msg, listKeys.Clear) && l.filter != "":
		l.setFilter("")
	default:
		return false
	}
	return true
}

// Paste types a bracketed paste into the open prompt; it reports whether
// the prompt was open to take it.
func (l *listState) Paste(msg tea.PasteMsg) bool {
	if !l.input.Editing() {
		return false
	}
	return l.edit(msg)
}

// edit handles a key or a paste while the filter prompt is open. The list
// narrows as the user types; enter keeps the filter, esc drops it, up and
// down move the cursor; everything else edits the text.
func (l *listState) edit(msg tea.Msg) bool {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, promptKeys.Drop):
			l.input.Close()
			l.setFilter("")
			return true
		case key.Matches(k, promptKeys.Keep):
			l.input.Close()
			return true
		case key.Matches(k, promptKeys.Up):
			l.move(-1)
			return true
		case key.Matches(k, promptKeys.Down):
			l.move(1)
			return true
		}
	}
	l.input.Update(msg)
	if f := l.input.Value(); f != l.filter {
		l.setFilter(f)
	}
	return true // the prompt owns the keyboard
}

func (l *listState) setFilter(f string) {
	prev, had := l.Selected()
	l.filter = f
	l.refilter()
	l.cursor = 0
	if had {
		for pos, i := range l.matches {
			if i == prev {
				l.cursor = pos
				break
			}
		}
	}
	l.offset = 0
	l.clamp()
}

// refilter keeps items containing every space-separated term of the filter,
// case-insensitively, so "cutover 03-03" finds the go-live entry.
func (l *listState) refilter() {
	l.drawn.changed()
	terms := strings.Fields(strings.ToLower(l.filter))
	l.matches = l.matches[:0]
	for i, h := range l.haystack {
		ok := true
		for _, t := range terms {
			if !strings.Contains(h, t) {
				ok = false
				break
			}
		}
		if ok {
			l.matches = append(l.matches, i)
		}
	}
}

func (l *listState) move(d int) {
	l.cursor += d
	l.clamp()
}

// clamp keeps cursor inside the list and the window around the cursor.
func (l *listState) clamp() { l.keepIn(len(l.matches)) }

// FilterLine is the prompt or the active filter with its match count, or ""
// when no filter is in play (so the view can give that row to the list).
func (l *listState) FilterLine(st *Styles, width int) string {
	if !l.Filtering() {
		return ""
	}
	count := st.Muted.Render(" " + glossary.Count(len(l.matches)) + "/" + glossary.Count(len(l.haystack)))
	var s string
	if l.input.Editing() {
		s = st.Section.Render("/") + l.input.View(st) + count
	} else {
		s = st.Muted.Render("filter: ") + l.filter + count + st.Muted.Render("  (esc clears)")
	}
	return fit(s, width)
}

// ellipsis marks cut text. One cell in most terminals; swap it here if a
// CJK terminal setup draws it double-wide.
const ellipsis = "…"

// fit cuts s (which may hold ANSI styles and wide characters) to w cells and
// pads it with spaces to exactly w, so columns line up with CJK names.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) > w {
		s = ansi.Truncate(s, w, ellipsis)
	}
	if pad := w - lipgloss.Width(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// fitRight right-aligns s in w cells (numbers, percentages).
func fitRight(s string, w int) string {
	if lipgloss.Width(s) > w {
		return ansi.Truncate(s, w, ellipsis)
	}
	return strings.Repeat(" ", w-lipgloss.Width(s)) + s
}
