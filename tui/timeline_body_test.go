package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"warroom/db/dbtest"
	"warroom/incident"
)

// A 20,000-character body scrolls in the detail pane with ctrl+d and
// ctrl+u, which ? offers only while the body overflows.
func TestTimelineLongBodyScrolls(t *testing.T) {
	conn := demoDB(t)
	inc := dbtest.Get[int64](t, conn, `SELECT id FROM incidents ORDER BY id LIMIT 1`)
	var b strings.Builder
	for i := 1; b.Len() < 20000; i++ {
		fmt.Fprintf(&b, "word%04d ", i)
	}
	body := b.String()
	if _, err := incident.AddEntry(context.Background(), conn, inc, incident.EntryInput{
		Kind: "comms", Title: "Long statement", Body: body,
		At: time.Date(2020, 3, 6, 12, 0, 0, 0, time.UTC),
	}); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, conn, 100, 30)
	m = step(t, m, press("G")) // the newest entry, last on the timeline
	s := screen(m)
	if !strings.Contains(s, "Long statement") || !strings.Contains(s, "word0001") || !strings.Contains(s, "ctrl+d/ctrl+u scroll") {
		t.Fatalf("the long entry's pane does not start at the top with a scroll line:\n%s", s)
	}
	if !helpOffers(m, "ctrl+d") {
		t.Fatal("? does not offer ctrl+d while the body overflows")
	}
	first := s
	for range 200 { // far past the end: the last line stays in view
		m = step(t, m, keyMsg("ctrl+d"))
	}
	s = screen(m)
	last := strings.Fields(body)[len(strings.Fields(body))-1]
	if strings.Contains(s, "word0001 ") || !strings.Contains(s, last) {
		t.Fatalf("ctrl+d did not reach the body's end (%s):\n%s", last, s)
	}
	for range 200 {
		m = step(t, m, keyMsg("ctrl+u"))
	}
	if s = screen(m); s != first {
		t.Fatalf("ctrl+u did not come back to the top:\n%s", s)
	}
	// A short entry's pane has nothing to scroll, and ? says so.
	m = step(t, m, press("g"))
	if helpOffers(m, "ctrl+d") || strings.Contains(screen(m), "ctrl+d/ctrl+u scroll") {
		t.Fatalf("a short body offers scrolling:\n%s", screen(m))
	}
}

func helpOffers(m Model, k string) bool {
	for _, b := range helpBindings(m) {
		for _, bk := range b.Keys() {
			if bk == k {
				return true
			}
		}
	}
	return false
}
