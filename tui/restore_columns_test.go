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

// An update made long after the incident (today, in a replayed 2020
// incident) names its year and keeps its time of day.
func TestRestoreLateUpdateShowsYearAndTime(t *testing.T) {
	conn := demoDB(t)
	mustExec(t, conn, `INSERT INTO milestone_updates (milestone_id, at, author, from_status, to_status, from_progress, to_progress, note)
		SELECT id, '2026-12-06T15:04:00+08:00', 'alice', 'done', 'done', 100, 100, 'checked again'
		FROM milestones WHERE key = 'core-env'`)
	m := newTestModel(t, conn, 120, 40)
	m = keys(t, m, "2")
	s := screen(m)
	var row string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "> Restore the core") {
			row = l
		}
	}
	if !strings.Contains(row, "2026-12-06 15:04") {
		t.Fatalf("the late update's row should say 2026-12-06 15:04: %q\n%s", row, s)
	}
	checkFrame(t, s, 120, 40)
}
