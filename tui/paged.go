package tui

// The paging half of the list component (list.go): the views whose rows
// come from the server a keyset page at a time (the fund's merchants, the
// audit trail) use the same list[T] as the views whose rows are all in
// memory, with paging's state besides. The list applies the pages that
// arrive (apply), drops rows far from the cursor, says which pages to ask
// for next (wants), and keeps keys pressed before a page arrives (moveBy,
// owed). What a page holds and how it is read stay with the view: the
// list only needs T. A paged list has no filter of its own (the merchant
// search runs on the server), so its positions are indexes into rows.
//
// base is the position of rows[0] among all rows of the list, or -1 while
// unknown (after a jump to the end before the count is in).
type paging struct {
	pagedEnds      // rows[0] is the first row of all, the last row the last; pages on their way
	base      int  // position of rows[0] among all rows
	gen       int  // bumped when the list starts over; older answers are dropped
	loading   bool // starting over: nothing to show yet
	fetches   int  // pages asked for (tests check paging is lazy)
	maxRows   int  // the most rows ever held at once (tests)
	owed      int  // rows the cursor still has to move once they arrive
	// forwardOnly: the source reads from its first row only (the audit
	// trail, newest first), so G goes to the last row held.
	forwardOnly bool
}

// paged makes the rows held the list's positions again after a page
// changed them: every row matches (no search text), in order.
func (p *list[T]) paged() {
	if n := len(p.rows); cap(p.haystack) >= n {
		p.haystack = p.haystack[:n] // all "": a paged list sets no search text
	} else {
		p.haystack = make([]string, n)
	}
	p.refilter()
}

// What a page answer does to the rows held.
type pageKind int

const (
	pageFirst   pageKind = iota // start over at the first row
	pageLast                    // start over at the last row
	pageNext                    // append after the last row held
	pagePrev                    // prepend before the first row held
	pageRefresh                 // re-read the rows held, the first included
)

// restart forgets the rows held, to read them again from one end; the
// caller asks for the page (and bumps gen, so answers to the old rows are
// dropped).
func (p *list[T]) restart() {
	p.gen++
	p.drawn.changed()
	p.rows, p.cursor, p.offset, p.owed = nil, 0, 0, 0
	p.fwd, p.back, p.loading = false, false, true
	p.atStart, p.atEnd = false, false // nothing is known of the new rows yet
	p.paged()
}

// landed marks a page of kind as no longer on its way (whatever its fate).
func (p *list[T]) landed(kind pageKind) {
	switch kind {
	case pageNext:
		p.fwd = false
	case pagePrev:
		p.back = false
	}
}

// apply puts one page of rows in; full says the page was as long as asked
// for (so more may follow), total is the count of all rows when known
// (-1 when not). Past capRows rows held, rows far from the cursor are
// dropped (0 keeps them all).
func (p *list[T]) apply(kind pageKind, rows []T, full bool, total, capRows int) {
	p.drawn.changed()
	switch kind {
	case pageFirst:
		p.rows, p.base, p.atStart, p.atEnd = rows, 0, true, !full
		p.cursor, p.offset, p.loading = 0, 0, false
	case pageLast:
		p.rows, p.atEnd, p.atStart = rows, true, !full
		p.base = -1
		switch {
		case p.atStart:
			p.base = 0
		case total >= 0:
			p.base = total - len(rows)
		}
		p.cursor, p.loading = len(rows)-1, false
		p.offset = max(len(rows)-p.height, 0)
	case pageNext:
		p.rows = append(p.rows, rows...)
		p.atEnd = !full
		// Drop rows far above the screen.
		if n := min(len(p.rows)-capRows, p.offset); capRows > 0 && n > 0 {
			p.rows = append([]T(nil), p.rows[n:]...)
			p.cursor -= n
			p.offset -= n
			if p.base >= 0 {
				p.base += n
			}
			p.atStart = false
		}
	case pagePrev:
		p.rows = append(append([]T(nil), rows...), p.rows...)
		p.cursor += len(rows)
		p.offset += len(rows)
		switch {
		case !full:
			p.atStart, p.base = true, 0
		case p.base >= 0:
			p.base -= len(rows)
		}
		// Drop rows far below the screen.
		if n := min(len(p.rows)-capRows, len(p.rows)-(p.offset+p.height)); capRows > 0 && n > 0 {
			p.rows = p.rows[:len(p.rows)-n]
			p.atEnd = false
		}
	case pageRefresh:
		p.rows, p.atEnd = rows, !full
		if len(rows) == 0 {
			p.atStart = true
		}
	}
	p.maxRows = max(p.maxRows, len(p.rows))
	p.paged()
	p.clamp()
	if kind == pageNext || kind == pagePrev {
		p.payOwed()
	}
}

// wants says which pages to ask for: the ones at an end the cursor is
// within ahead rows of, not held and not on their way. It marks them as
// on their way.
func (p *list[T]) wants(ahead int) (next, prev bool) {
	if p.loading || len(p.rows) == 0 {
		return false, false
	}
	return p.wantNext(p.cursor, len(p.rows), ahead), p.wantPrev(p.cursor, len(p.rows), ahead)
}

// navigate applies a list key. An end the list does not hold is read
// afresh: restart is true with the kind of page to start over from.
func (p *list[T]) navigate(s navStep) (kind pageKind, restart bool) {
	switch {
	case s.top || s.bottom:
		p.owed = 0
		if s.top && !p.atStart {
			return pageFirst, true
		}
		if s.bottom && !p.atEnd && !p.forwardOnly {
			return pageLast, true
		}
		p.step(s, len(p.rows))
	default:
		if s.page {
			p.offset += s.delta
		}
		p.moveBy(s.delta)
	}
	return 0, false
}

// moveBy moves the cursor d rows. Rows past either end of the window that
// are still to come (a page is on its way) are owed: the cursor goes the
// rest of the way when they arrive, so keys pressed faster than pages load
// are not lost.
func (p *list[T]) moveBy(d int) {
	d += p.owed // keys pressed while owed add up
	p.owed = 0
	p.cursor += d
	switch {
	case p.cursor >= len(p.rows) && !p.atEnd && len(p.rows) > 0:
		p.owed = p.cursor - (len(p.rows) - 1)
	case p.cursor < 0 && !p.atStart && len(p.rows) > 0:
		p.owed = p.cursor
	default:
		p.owed = 0
	}
	p.clamp()
}

// payOwed moves the cursor by what it is owed, as far as the rows go.
func (p *list[T]) payOwed() {
	if p.owed == 0 {
		return
	}
	p.offset += p.owed
	p.moveBy(0)
}

// selected is the row under the cursor.
func (p *list[T]) selected() (T, bool) {
	if p.cursor < 0 || p.cursor >= len(p.rows) {
		var zero T
		return zero, false
	}
	return p.rows[p.cursor], true
}

// prepend puts rows that came before the first row held in front of it
// (the audit trail's newest entries); the cursor stays on its row unless
// it was on the first, which follows the newest.
func (p *list[T]) prepend(rows []T) {
	p.drawn.changed()
	p.rows = append(rows[:len(rows):len(rows)], p.rows...)
	if p.cursor > 0 {
		p.cursor += len(rows)
	}
	p.paged()
	p.clamp()
}

// edit changes the rows held in place (fn sees each); the drawing is
// made again.
func (p *list[T]) edit(fn func(r *T)) {
	p.drawn.changed()
	for i := range p.rows {
		fn(&p.rows[i])
	}
}
