package tui

import "testing"

func seqRows(from, n int) []int {
	rs := make([]int, n)
	for i := range rs {
		rs[i] = from + i
	}
	return rs
}

// TestPagedListAppliesPages: keys pressed past the rows held are owed and
// paid when the page lands; rows far behind the cursor are dropped past
// the cap; an end not held asks to start over there.
func TestPagedListAppliesPages(t *testing.T) {
	var p list[int]
	p.height = 5
	p.restart()
	p.apply(pageFirst, seqRows(0, 10), true, -1, 20)
	if next, prev := p.wants(10); !next || prev {
		t.Fatalf("wants next=%v prev=%v at the first page, want only the next", next, prev)
	}
	// Twelve rows down while the next page is on its way: two are owed.
	for range 12 {
		p.navigate(navStep{delta: 1})
	}
	if p.cursor != 9 || p.owed != 3 {
		t.Fatalf("cursor %d owed %d, want 9 and 3", p.cursor, p.owed)
	}
	p.landed(pageNext)
	p.apply(pageNext, seqRows(10, 10), true, -1, 20)
	if r, _ := p.selected(); r != 12 || p.owed != 0 {
		t.Fatalf("after the page: on row %d owed %d, want row 12", r, p.owed)
	}
	p.landed(pageNext)
	p.apply(pageNext, seqRows(20, 10), true, -1, 20)
	// Only rows above the screen go: the cap is not a hard limit.
	if len(p.rows) >= 30 || p.atStart || p.base <= 0 || p.rows[0] != p.base {
		t.Fatalf("held %d rows from %d (base %d, atStart %v): rows far above were not dropped", len(p.rows), p.rows[0], p.base, p.atStart)
	}
	if r, _ := p.selected(); r != 12 {
		t.Fatalf("dropping rows moved the selection to %d", r)
	}
	if kind, restart := p.navigate(navStep{top: true}); !restart || kind != pageFirst {
		t.Fatalf("g with the first rows dropped: restart=%v kind=%v, want pageFirst", restart, kind)
	}
	if kind, restart := p.navigate(navStep{bottom: true}); !restart || kind != pageLast {
		t.Fatalf("G with the last rows not read: restart=%v kind=%v, want pageLast", restart, kind)
	}
}

// TestPagedListForwardOnly: a list that reads from its first row only (the
// audit trail) goes to the last row held on G instead of starting over.
func TestPagedListForwardOnly(t *testing.T) {
	p := list[int]{paging: paging{forwardOnly: true}}
	p.height = 5
	p.apply(pageFirst, seqRows(0, 10), true, -1, 0)
	if _, restart := p.navigate(navStep{bottom: true}); restart {
		t.Fatal("G started a forward-only list over at its end")
	}
	if r, _ := p.selected(); r != 9 {
		t.Fatalf("G went to row %d, want the last held, 9", r)
	}
}
