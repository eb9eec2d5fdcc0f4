package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// cursorWindow is the part every list shares, whether its rows are all in
// memory (list[T], list.go) or a keyset-paged slice of a longer list
// (list[T] with paging, paged.go: the merchant list, the audit trail): a cursor
// over n rows and the window of height rows kept around it, moved by the
// list keys. Only the rows in the window are ever drawn (tableRows).
type cursorWindow struct {
	cursor int      // selected row
	offset int      // first row on screen
	height int      // rows on screen
	drawn  rowCache // the rows on screen as last drawn (list.go)
}

// rows is the window's height, at least 1.
func (w *cursorWindow) rows() int { return max(w.height, 1) }

// page is how far pgup/pgdn move: a screen less one row of overlap.
func (w *cursorWindow) page() int { return max(w.height-1, 1) }

// keepIn keeps the cursor inside n rows and the window around the cursor.
func (w *cursorWindow) keepIn(n int) {
	h := w.rows()
	w.cursor = min(max(w.cursor, 0), max(n-1, 0))
	if w.cursor < w.offset {
		w.offset = w.cursor
	}
	if w.cursor >= w.offset+h {
		w.offset = w.cursor - h + 1
	}
	w.offset = min(max(w.offset, 0), max(n-h, 0))
}

// visible is the half-open range of rows on screen, of n.
func (w *cursorWindow) visible(n int) (from, to int) {
	return w.offset, min(w.offset+w.rows(), n)
}

// navStep is what a list key asks of the cursor: move by delta rows (a
// page moves the window with it), or jump to an end. A paged list starts
// over at an end it does not hold; a list in memory just goes there.
type navStep struct {
	delta       int
	page        bool
	top, bottom bool
}

// navKey reads a list key (listKeys' Up, Down, Top, Bottom, PageUp,
// PageDown); ok is false for any other key.
func (w *cursorWindow) navKey(msg tea.KeyPressMsg) (s navStep, ok bool) {
	switch {
	case key.Matches(msg, listKeys.Up):
		return navStep{delta: -1}, true
	case key.Matches(msg, listKeys.Down):
		return navStep{delta: 1}, true
	case key.Matches(msg, listKeys.Top):
		return navStep{top: true}, true
	case key.Matches(msg, listKeys.Bottom):
		return navStep{bottom: true}, true
	case key.Matches(msg, listKeys.PageUp):
		return navStep{delta: -w.page(), page: true}, true
	case key.Matches(msg, listKeys.PageDown):
		return navStep{delta: w.page(), page: true}, true
	}
	return navStep{}, false
}

// step applies s to a window over n rows that are all at hand.
func (w *cursorWindow) step(s navStep, n int) {
	switch {
	case s.top:
		w.cursor = 0
	case s.bottom:
		w.cursor = n - 1
	default:
		if s.page {
			w.offset += s.delta
		}
		w.cursor += s.delta
	}
	w.keepIn(n)
}

// pagedEnds is what a keyset-paged list knows about the ends of the rows it
// holds: whether they reach the ends of the whole list, and whether a page
// is on its way at either end. The merchant list pages both ways; the
// audit trail, newest first, pages towards the oldest (fwd, atEnd) only.
type pagedEnds struct {
	atStart, atEnd bool // the first row held is the first of all; the last, the last
	fwd, back      bool // a page is on its way after the last row held; before the first
}

// wantNext reports whether to ask for the page after the n rows held: the
// cursor is within ahead rows of their end, and none is on its way. It
// marks the page as on its way.
func (p *pagedEnds) wantNext(cursor, n, ahead int) bool {
	if p.atEnd || p.fwd || n == 0 || n-1-cursor >= ahead {
		return false
	}
	p.fwd = true
	return true
}

// wantPrev is wantNext at the start.
func (p *pagedEnds) wantPrev(cursor, n, ahead int) bool {
	if p.atStart || p.back || n == 0 || cursor >= ahead {
		return false
	}
	p.back = true
	return true
}
