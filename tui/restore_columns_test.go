package tui

import (
	"strings"
	"testing"
)

// Titles come before notes: the note column shows only beside whole titles.
func TestRestoreTitlesBeforeNotes(t *testing.T) {
	conn := demoDB(t)
	for _, tc := range []struct {
		w        int
		wantNote bool
	}{{110, false}, {120, false}, {180, true}} {
		m := newTestModel(t, conn, tc.w, 40)
		m = keys(t, m, "2")
		s := screen(m)
		if got := strings.Contains(s, "LAST NOTE"); got != tc.wantNote {
			t.Errorf("%d columns: note column shown %v, want %v:\n%s", tc.w, got, tc.wantNote, s)
		}
		// From 120 columns the 48-character first title fits whole.
		if tc.w >= 120 && !strings.Contains(s, "> Restore the core business production environment") {
			t.Errorf("%d columns: the first title is cut:\n%s", tc.w, s)
		}
		if tc.wantNote && !strings.Contains(s, "Merge pre-2020-02-23 data with the 2020-02-23 to 03-02 data") {
			t.Errorf("%d columns: a title is cut while the note takes the room:\n%s", tc.w, s)
		}
	}
}
