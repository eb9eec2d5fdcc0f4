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
	if got := l.table(&st, 40, "nothing yet", "no match", cells); len(got) != 1 || !strings.Contains(ansi.Strip(got[0]), "nothing yet") {
		t.Fatalf("empty list drew %q", got)
	}
	l.SetRows(testRows(1, 2, 3), rowText, nil)
	got := l.table(&st, 40, "nothing yet", "no match", cells)
	if len(got) != 2 || !strings.Contains(got[0], "row1") || !strings.Contains(got[1], "row2") {
		t.Fatalf("drew %q, want the 2 rows on screen", got)
	}
	l.Update(press("/"))
	l.Update(press("z"))
	if got := l.table(&st, 40, "nothing yet", "no match", cells); len(got) != 1 || !strings.Contains(ansi.Strip(got[0]), "no match") {
		t.Fatalf("filtered-out list drew %q", got)
	}
}
