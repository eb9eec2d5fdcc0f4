package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/jmoiron/sqlx"

	"warroom/db"
)

func auditOf(m Model) *auditView {
	for _, v := range m.views {
		if a, ok := v.(*auditView); ok {
			return a
		}
	}
	return nil
}

func chainLen(t *testing.T, conn *sqlx.DB) int {
	t.Helper()
	var n int
	if err := conn.Get(&n, `SELECT count(*) FROM audit_chain`); err != nil {
		t.Fatal(err)
	}
	return n
}

// addNote writes a timeline note as name, as the console would.
func addNote(t *testing.T, conn *sqlx.DB, name, title string) {
	t.Helper()
	err := db.Write(context.Background(), conn, name, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, body, precision, actual_start)
			SELECT id, 'note', $1, '', 'minute', '2020-03-01 10:00+08' FROM incidents LIMIT 1`, title)
		return err
	})
	if err != nil {
		t.Fatalf("add note: %v", err)
	}
}

// The trail is read a page at a time as the cursor goes down: never all of it.
func TestAuditPagesLazily(t *testing.T) {
	conn := demoDB(t)
	total := chainLen(t, conn)
	m := sideModel(t, conn, Options{}, 80, 24)
	v := auditOf(m)
	page := v.pageSize()
	if total <= page {
		t.Fatalf("the demo trail (%d) should be longer than a page of %d", total, page)
	}
	if len(v.rows) != page || v.fetches != 1 {
		t.Fatalf("first read: %d rows in %d fetches, want one page of %d", len(v.rows), v.fetches, page)
	}
	m = keys(t, m, "6")
	s := screen(m)
	if !strings.Contains(s, "SEQ") || !strings.Contains(s, fmt.Sprintf("> %6d", total)) {
		t.Fatalf("newest first, seq %d on top:\n%s", total, s)
	}
	checkFrame(t, s, 80, 24)
	// Down to just before the end of the first page: the second is read.
	for range page - v.listRows() - 2 {
		m = pressSettle(t, m, "j")
	}
	if v.fetches != 1 {
		t.Fatalf("read ahead too early: %d fetches at cursor %d", v.fetches, v.cursor)
	}
	m = pressSettle(t, m, "j")
	if v.fetches != 2 || len(v.rows) != min(2*page, total) {
		t.Fatalf("second page: %d fetches, %d rows", v.fetches, len(v.rows))
	}
	for i := 1; i < len(v.rows); i++ {
		if v.rows[i].seq != v.rows[i-1].seq-1 {
			t.Fatalf("gap or duplicate at %d: %d after %d", i, v.rows[i].seq, v.rows[i-1].seq)
		}
	}
	// G walks to the end, a page at a time, and says so.
	for n := 0; !v.atEnd; n++ {
		if n > total {
			t.Fatal("never reached the end")
		}
		m = pressSettle(t, m, "G")
	}
	// The last page may arrive after the cursor went to the end of the one
	// before it (a trail that is not a whole number of pages): G once more.
	m = pressSettle(t, m, "G")
	if len(v.rows) != total || v.rows[len(v.rows)-1].seq != 1 {
		t.Fatalf("at the end: %d rows, last seq %d, want %d down to 1", len(v.rows), v.rows[len(v.rows)-1].seq, total)
	}
	if s := screen(m); !strings.Contains(s, "to the first") || !strings.Contains(s, ">      1") {
		t.Fatalf("end of the trail:\n%s", s)
	}
}

// New writes reach the top of the list; the selected entry stays selected.
func TestAuditFollowsNewWrites(t *testing.T) {
	conn := demoDB(t)
	m := sideModel(t, conn, Options{}, 120, 40)
	m = keys(t, m, "6", "j", "j")
	_ = screen(m)
	v := auditOf(m)
	sel := v.rows[v.cursor].seq
	addNote(t, conn, "dana", "a note from elsewhere")
	nm, cmd := m.Update(liveMsg(db.Event{Changes: []db.Change{{Table: "timeline_entries", Op: "I", Incident: m.snap.Incident.ID, At: time.Now()}}}))
	m = settle(t, nm.(Model), cmd)
	if v.rows[0].seq != sel+2+1 || v.rows[0].table != "timeline_entries" || v.rows[0].who != "postgres/dana" {
		t.Fatalf("newest row: %+v (selected was %d)", v.rows[0], sel)
	}
	if v.rows[v.cursor].seq != sel {
		t.Fatalf("selection moved: now %d, was %d", v.rows[v.cursor].seq, sel)
	}
	if s := screen(m); !strings.Contains(s, "postgres/dana") {
		t.Fatalf("new row not shown:\n%s", s)
	}
}

// enter shows the entry's before and after, with whatever anyone typed
// made harmless.
func TestAuditDetailSanitised(t *testing.T) {
	conn := demoDB(t)
	addNote(t, conn, "mallory", "pwn\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e title")
	m := sideModel(t, conn, Options{}, 80, 24)
	m = pressSettle(t, m, "6", "enter")
	raw := m.View().Content
	for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u202e"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("screen carries %q", bad)
		}
	}
	s := screen(m)
	for _, want := range []string{"INSERT 1 row of timeline_entries by mallory", "BEFORE", "(none)", "AFTER", `"kind": "note"`, "chain hash"} {
		if !strings.Contains(s, want) {
			t.Fatalf("detail lacks %q:\n%s", want, s)
		}
	}
	checkFrame(t, s, 80, 24)
	// It scrolls; esc goes back to the list.
	m = keys(t, m, "pgdown", "pgdown")
	if s2 := screen(m); s2 == s || !strings.Contains(s2, "lines ") {
		t.Fatalf("pgdown did not scroll:\n%s", s2)
	}
	m = keys(t, m, "esc")
	if s := screen(m); !strings.Contains(s, "LOGIN/ACTOR") {
		t.Fatalf("esc should return to the list:\n%s", s)
	}
}

func TestAuditVerify(t *testing.T) {
	conn := demoDB(t)
	m := sideModel(t, conn, Options{}, 80, 24)
	m = pressSettle(t, m, "6", "v")
	n := chainLen(t, conn)
	if s := screen(m); !strings.Contains(s, fmt.Sprintf("chain intact (%d rows)", n)) {
		t.Fatalf("verify:\n%s", s)
	}
	mustExec(t, conn, `ALTER TABLE audit_log DISABLE TRIGGER append_only;
		UPDATE audit_log SET actor = 'innocent' WHERE id = (SELECT audit_id FROM audit_chain WHERE seq = 3);
		ALTER TABLE audit_log ENABLE TRIGGER append_only`)
	m = pressSettle(t, m, "v")
	s := screen(m)
	if !strings.Contains(s, "CHAIN BROKEN at #3") || !strings.Contains(s, "hash mismatch") {
		t.Fatalf("tampering not shown:\n%s", s)
	}
	if !strings.Contains(m.View().Content, "\x1b[") {
		t.Fatal("the broken link should be coloured")
	}
	checkFrame(t, s, 80, 24)
}

func TestAuditIncidentToggle(t *testing.T) {
	conn := demoDB(t)
	addNote(t, conn, "dana", "in the incident")
	m := sideModel(t, conn, Options{}, 120, 40)
	m = pressSettle(t, m, "6", "i")
	v := auditOf(m)
	for _, r := range v.rows {
		if r.inc != m.snap.Incident.Slug {
			t.Fatalf("only this incident: row %+v", r)
		}
	}
	if s := screen(m); !strings.Contains(s, "this incident") {
		t.Fatalf("scope not shown:\n%s", s)
	}
}

var auditTimes = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\d{2}-\d{2} \d{2}:\d{2}:\d{2}`)

// TestGoldenAudit pins the audit view on the demo incident. The times are
// those of the test's own demo load, so they are masked.
func TestGoldenAudit(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			conn := demoDB(t)
			m := runSide(t, conn, nil, func(m Model) bool { v := auditOf(m); return v.loaded && !v.fwd },
				size[0], size[1], "6", "j")
			out := ansi.Strip(m.View().Content)
			checkFrame(t, out, size[0], size[1])
			out = auditTimes.ReplaceAllStringFunc(out, func(s string) string { return strings.Repeat("x", len(s)) })
			golden.RequireEqual(t, []byte(out))
		})
	}
}
