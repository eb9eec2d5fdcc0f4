package tui

import "iter"

// list is the console's one list component: the rows, with the filter,
// cursor and window of listState over them, the drawing of the rows on
// screen (rowCache), and, for the views whose rows come from the server a
// keyset page at a time (the fund's merchants, the audit trail), the
// paging state (paged.go). Every list view uses it: timeline, restore,
// accountability, the fund's contributors and merchants, approvals, the
// audit trail and the incident switcher. Views keep no slice of their own
// beside it, so a position always means the same row to the list and to
// the view drawing it.
type list[T any] struct {
	listState
	rows   []T
	paging // zero for a list whose rows are all in memory
}

// SetRows replaces the rows; text is a row's search text. The selected row
// stays selected by position (listState.SetItems) unless keep finds a row
// to follow (the same entity by id, a row just written).
func (l *list[T]) SetRows(rows []T, text func(*T) string, keep func(*T) bool) {
	texts := make([]string, len(rows))
	for i := range rows {
		texts[i] = text(&rows[i])
	}
	l.rows = rows
	l.SetItems(texts)
	if keep != nil {
		l.Select(keep)
	}
}

// Rows is every row, filtered or not, in order.
func (l *list[T]) Rows() []T { return l.rows }

// Select puts the cursor on the first row keep accepts, when it passes the
// filter, so the selection follows a row that moved (a reorder, a row
// added before it).
func (l *list[T]) Select(keep func(*T) bool) {
	for pos, i := range l.matches {
		if keep(&l.rows[i]) {
			l.cursor = pos
			l.clamp()
			return
		}
	}
}

// At is the row at a position among the matching rows.
func (l *list[T]) At(pos int) *T { return &l.rows[l.matches[pos]] }

// SelectedRow is the row under the cursor; false when nothing matches.
func (l *list[T]) SelectedRow() (*T, bool) {
	i, ok := l.Selected()
	if !ok || i >= len(l.rows) {
		return nil, false
	}
	return &l.rows[i], true
}

// VisibleRows yields the rows on screen with their positions: all a view
// draws of a list, however long it is.
func (l *list[T]) VisibleRows() iter.Seq2[int, *T] {
	return func(yield func(int, *T) bool) {
		from, to := l.Visible()
		for pos := from; pos < to; pos++ {
			if !yield(pos, l.At(pos)) {
				return
			}
		}
	}
}

// table draws the rows on screen as table rows (rows.go), the selected one
// marked; cells lays out one row, and cols is everything besides the row
// and the width that its cells depend on (column widths, a mode), as a
// comparable value. With no row to show it draws one line saying why: none
// when the list is empty, noMatch when the filter hides every row ("" for
// either draws nothing). The rows come from the list's own cache while
// nothing they depend on has changed.
func (l *list[T]) table(st *Styles, w int, cols any, none, noMatch string, cells func(r *T, selected bool) []cell) []string {
	var lines []string
	switch {
	case len(l.rows) == 0 && none != "":
		lines = append(lines, fit("  "+st.Muted.Render(none), w))
	case len(l.rows) > 0 && l.Len() == 0 && noMatch != "":
		lines = append(lines, fit("  "+st.Muted.Render(noMatch), w))
	}
	from, to := l.Visible()
	return append(lines, cachedRows(&l.drawn, st, w, from, to, l.Cursor(), cols, l.At, cells)...)
}

// rowCache is the list component's own drawing of the rows on screen,
// shared by the lists in memory and the paged ones: kept until the rows or
// the filter change (gen), the window or the cursor moves, the width
// changes, or the caller's column layout (cols) does. A frame drawn again
// for another reason lays out no row.
type rowCache struct {
	gen   int // bumped whenever the rows or the filter change
	key   rowKey
	lines []string
	laid  int // rows laid out, for tests
}

type rowKey struct {
	gen, from, to, cursor, w int
	cols                     any
}

// changed forgets the drawing: the rows or their order changed.
func (c *rowCache) changed() { c.gen++ }

// cachedRows is tableRows, from c when nothing the rows depend on changed.
func cachedRows[T any](c *rowCache, st *Styles, w, from, to, cursor int, cols any, at func(int) *T, cells func(r *T, selected bool) []cell) []string {
	k := rowKey{gen: c.gen, from: from, to: to, cursor: cursor, w: w, cols: cols}
	if c.lines == nil || k != c.key {
		c.lines, c.key = tableRows(st, w, from, to, cursor, at, cells), k
		c.laid += to - from
	}
	return c.lines[:len(c.lines):len(c.lines)] // appending to it copies
}

// tableRows draws the rows at positions from..to of a list (at maps a
// position to its row) as table rows w cells wide, the one at cursor
// marked: what every list, in memory or paged, draws of itself.
func tableRows[T any](st *Styles, w, from, to, cursor int, at func(int) *T, cells func(r *T, selected bool) []cell) []string {
	lines := make([]string, 0, to-from)
	for pos := from; pos < to; pos++ {
		selected := pos == cursor
		lines = append(lines, fit(tableRow(st, cells(at(pos), selected), selected), w))
	}
	return lines
}
