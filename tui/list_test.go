package tui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

type testRow struct {
	id   int
	name string
}

func testRows(ids ...int) []testRow {
	var rs []testRow
	for _, id := range ids {
		rs = append(rs, testRow{id: id, name: "row" + strconv.Itoa(id)})
	}
	return rs
}

func rowText(r *testRow) string { return r.name }

// TestListFollowsAndShowsOnlyTheWindow: new rows keep the selected row
// selected by identity when it moved, and only the window's rows are
// yielded for drawing, each at its position among the matches.
func TestListFollowsAndShowsOnlyTheWindow(t *testing.T) {
	var l list[testRow]
	l.SetHeight(3)
	l.SetRows(testRows(1, 2, 3, 4, 5, 6, 7, 8), rowText, nil)
	for range 5 {
		l.Update(press("j"))
	}
	if r, ok := l.SelectedRow(); !ok || r.id != 6 {
		t.Fatalf("selected %+v, want row 6", r)
	}
	var drawn []int
	for pos, r := range l.VisibleRows() {
		if *l.At(pos) != *r {
			t.Fatalf("position %d yields %+v, At says %+v", pos, r, *l.At(pos))
		}
		drawn = append(drawn, r.id)
	}
	if len(drawn) != 3 || drawn[2] != 6 {
		t.Fatalf("drew %v, want the 3 rows ending at the cursor's", drawn)
	}
	// Two rows come in before row 6: it stays selected.
	l.SetRows(testRows(9, 10, 1, 2, 3, 4, 5, 6, 7, 8), rowText, func(r *testRow) bool { return r.id == 6 })
	if r, ok := l.SelectedRow(); !ok || r.id != 6 {
		t.Fatalf("after rows were added before it: selected %+v, want row 6", r)
	}
	// A filter narrows what is drawn and what is selectable.
	l.Update(press("/"))
	for _, k := range "row1" {
		l.Update(press(string(k)))
	}
	var got []int
	for _, r := range l.VisibleRows() {
		got = append(got, r.id)
	}
	if len(got) != 2 || got[0] != 10 || got[1] != 1 {
		t.Fatalf("filter row1 drew %v, want [10 1]", got)
	}
	if r, ok := l.SelectedRow(); !ok || (r.id != 10 && r.id != 1) {
		t.Fatalf("selected %+v outside the filter", r)
	}
}

// TestListTableSaysWhyItIsEmpty: an empty list says none, a list whose
// filter hides every row says noMatch, and a list with rows draws exactly
// the rows on screen, the selected one marked.
func TestListTableSaysWhyItIsEmpty(t *testing.T) {
	st := newStyles(DefaultTheme())
	cells := func(r *testRow, _ bool) []cell { return []cell{{text: r.name, w: 10, style: st.Header}} }
	var l list[testRow]
	l.SetHeight(2)
	l.SetRows(nil, rowText, nil)
	if got := l.table(&st, 40, nil, "nothing yet", "no match", cells); len(got) != 1 || !strings.Contains(ansi.Strip(got[0]), "nothing yet") {
		t.Fatalf("empty list drew %q", got)
	}
	l.SetRows(testRows(1, 2, 3), rowText, nil)
	got := l.table(&st, 40, nil, "nothing yet", "no match", cells)
	if len(got) != 2 || !strings.Contains(got[0], "row1") || !strings.Contains(got[1], "row2") {
		t.Fatalf("drew %q, want the 2 rows on screen", got)
	}
	l.Update(press("/"))
	l.Update(press("z"))
	if got := l.table(&st, 40, nil, "nothing yet", "no match", cells); len(got) != 1 || !strings.Contains(ansi.Strip(got[0]), "no match") {
		t.Fatalf("filtered-out list drew %q", got)
	}
}

// TestListRowCache: the list lays its rows out again only when the rows,
// the filter, the cursor, the window, the width or the caller's columns
// change, and then only the rows on screen; a paged list the same.
func TestListRowCache(t *testing.T) {
	st := newStyles(DefaultTheme())
	cells := func(r *testRow, _ bool) []cell { return []cell{{text: r.name, w: 10}} }
	var l list[testRow]
	l.SetHeight(3)
	l.SetRows(testRows(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), rowText, nil)
	draw := func(w int, cols any) string { return strings.Join(l.table(&st, w, cols, "", "", cells), "\n") }
	first := draw(40, 1)
	if l.drawn.laid != 3 {
		t.Fatalf("laid out %d rows for a 3-row window of 10", l.drawn.laid)
	}
	steps := []struct {
		what   string
		do     func()
		w      int
		cols   any
		redraw bool
	}{
		{"nothing changed", func() {}, 40, 1, false},
		{"cursor moved", func() { l.Update(press("j")) }, 40, 1, true},
		{"width changed", func() {}, 50, 1, true},
		{"columns changed", func() {}, 50, 2, true},
		{"rows replaced", func() { l.SetRows(testRows(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), rowText, nil) }, 50, 2, true},
		{"filtered", func() { l.Update(press("/")); l.Update(press("1")) }, 50, 2, true},
		{"the same again", func() {}, 50, 2, false},
	}
	for _, s := range steps {
		before := l.drawn.laid
		s.do()
		draw(s.w, s.cols)
		if got := l.drawn.laid != before; got != s.redraw {
			t.Errorf("%s: laid out again %v, want %v", s.what, got, s.redraw)
		}
	}
	if first == "" {
		t.Fatal("nothing drawn")
	}

	var p list[testRow]
	p.height = 2
	p.apply(pageFirst, testRows(1, 2, 3), true, -1, 0)
	pdraw := func() { p.table(&st, 40, nil, "", "", cells) }
	pdraw()
	before := p.drawn.laid
	pdraw()
	if p.drawn.laid != before {
		t.Fatal("a paged list laid out its rows again with nothing changed")
	}
	p.prepend(testRows(0))
	pdraw()
	if p.drawn.laid == before {
		t.Fatal("rows put in front were not drawn")
	}
}
