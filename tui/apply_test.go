package tui

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/recovery"
)

// rowChange is the change the feed would deliver for the row of table with
// id, as it is in the database now (to_jsonb, as the trigger writes it).
func rowChange(t *testing.T, conn *sqlx.DB, table string, id int64, op string) db.Change {
	t.Helper()
	var row json.RawMessage
	mustGet(t, conn, &row, `SELECT to_jsonb(x) FROM `+table+` x WHERE id = $1`, id)
	var head struct {
		Incident int64 `json:"incident_id"`
		Version  int   `json:"version"`
	}
	if err := json.Unmarshal(row, &head); err != nil {
		t.Fatal(err)
	}
	return db.Change{Table: table, Op: op, Incident: head.Incident, ID: id, Version: head.Version,
		By: "alice", Row: row, At: time.Now()}
}

// A load in flight may have read the database before a change that is
// applied from its row meanwhile: the change is applied again on the load's
// result, so the screen never steps back. Older rows, other incidents and
// tables the console cannot apply behave as before.
func TestRowAppliedDuringLoadSurvivesIt(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	var id int64
	mustGet(t, conn, &id, `SELECT id FROM milestones WHERE key = 'core-env'`)
	old := rowChange(t, conn, "milestones", id, "U")

	load := m.reload(partMilestones)
	stale := load().(snapshotMsg) // read before the change below
	setMilestone(t, conn, "alice", "core-env", 55)
	c := rowChange(t, conn, "milestones", id, "U")

	nm, cmd := m.Update(liveMsg{Changes: []db.Change{c}})
	m = nm.(Model)
	if cmd != nil || milestoneProgress(m, "core-env") != 55 {
		t.Fatalf("the row should apply at once, without a load (progress %d)", milestoneProgress(m, "core-env"))
	}
	m = step(t, m, stale)
	if got := milestoneProgress(m, "core-env"); got != 55 || m.loading {
		t.Fatalf("after the older load: progress %d, loading %v", got, m.loading)
	}

	// An older row of the same milestone changes nothing.
	before := m.snap
	if nm, cmd = m.Update(liveMsg{Changes: []db.Change{old}}); cmd != nil || nm.(Model).snap != before {
		t.Fatal("an older row should be ignored")
	}
	// Another incident's row: not this console's business.
	other := c
	other.Incident += 1000
	if nm, cmd = m.Update(liveMsg{Changes: []db.Change{other}}); cmd != nil || nm.(Model).snap != before {
		t.Fatal("another incident's row should be ignored")
	}
	// A row the console does not apply (people) is read again.
	var person int64
	mustGet(t, conn, &person, `SELECT min(id) FROM people`)
	p := rowChange(t, conn, "people", person, "U")
	if _, cmd = m.Update(liveMsg{Changes: []db.Change{p}}); cmd == nil || cmd().(snapshotMsg).parts != partAccountability {
		t.Fatal("a row of a table the console does not apply should reload its part")
	}
	// A row that does not decode (a newer schema) is read again too.
	bad := c
	bad.Row = json.RawMessage(`{"id": ` + itoa(id) + `}`)
	if _, cmd = m.Update(liveMsg{Changes: []db.Change{bad}}); cmd == nil {
		t.Fatal("a row missing columns should reload")
	}
}

// After the feed reconnects, everything is read again.
func TestReconnectReloadsEverything(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	_, cmd := m.Update(liveMsg{Reconnected: true})
	if cmd == nil || cmd().(snapshotMsg).parts != partAll {
		t.Fatal("a reconnect should reload everything")
	}
}

// A row is applied only when every column is there and it is the row and
// version its notification names; a column name inside a text value does
// not count as the column.
func TestDecodeRowChecksColumnsAndIdentity(t *testing.T) {
	full := `{"id": 7, "milestone_id": 3, "at": "2020-02-25T10:00:00+08:00", "author": "alice", ` +
		`"from_status": null, "to_status": "in_progress", "from_progress": 10, "to_progress": 20, "note": "ok"}`
	c := db.Change{Table: "milestone_updates", Op: "I", ID: 7, Row: json.RawMessage(full)}
	r, ok := decodeRow[updateRow](c, updateRowKeys)
	if !ok || r.MilestoneID != 3 || r.ToProgress != 20 || *r.FromProgress != 10 || r.Note != "ok" {
		t.Fatalf("full row: ok=%v %+v", ok, r)
	}
	c.ID = 8
	if _, ok := decodeRow[updateRow](c, updateRowKeys); ok {
		t.Fatal("a row with another id was accepted")
	}
	c.ID = 7
	// "note" renamed, with the old name (quoted, as JSON escapes it) in a value.
	renamed := `{"id": 7, "milestone_id": 3, "at": "2020-02-25T10:00:00+08:00", "author": "a\"note\": b", ` +
		`"from_status": null, "to_status": "in_progress", "from_progress": 10, "to_progress": 20, "remark": "ok"}`
	c.Row = json.RawMessage(renamed)
	if _, ok := decodeRow[updateRow](c, updateRowKeys); ok {
		t.Fatal("a row without a note column was accepted")
	}
	ms := `{"id": 3, "incident_id": 1, "key": "k", "title": "t", "owner": "", "status": "planned", "progress": 0, ` +
		`"position": 1, "planned_start": null, "planned_end": null, "actual_start": null, "actual_end": null, ` +
		`"updated_at": "2020-02-25T10:00:00+08:00", "updated_by": "x", "version": 4, "voided_at": null}`
	mc := db.Change{Table: "milestones", Op: "U", ID: 3, Version: 4, Row: json.RawMessage(ms)}
	if _, ok := decodeRow[milestoneRow](mc, milestoneRowKeys); !ok {
		t.Fatal("milestone at its version refused")
	}
	mc.Version = 5
	if _, ok := decodeRow[milestoneRow](mc, milestoneRowKeys); ok {
		t.Fatal("a milestone at another version than the notification's was accepted")
	}
}

// A milestone update's insert replayed after a load that already holds the
// row (since moved by an update) replaces it: one row per id, in order.
func TestReplayedHistoryInsertDoesNotDuplicate(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2020, 2, 25, h, 0, 0, 0, time.UTC) }
	s := &Snapshot{History: map[int64][]recovery.Update{
		1: {{ID: 10, MilestoneID: 1, At: at(1)}, {ID: 11, MilestoneID: 1, At: at(5)}},
	}}
	next := applyUpdate(s, "I", updateRow{ID: 11, MilestoneID: 1, At: at(10), ToProgress: 30})
	h := next.History[1]
	if len(h) != 2 || h[1].ID != 11 || !h[1].At.Equal(at(10)) || h[1].ToProgress != 30 {
		t.Fatalf("history after a replayed insert: %+v", h)
	}
	// A genuinely new latest row is appended, and s keeps what it showed.
	next = applyUpdate(next, "I", updateRow{ID: 12, MilestoneID: 1, At: at(11)})
	if h := next.History[1]; len(h) != 3 || h[2].ID != 12 || len(s.History[1]) != 2 || s.History[1][1].ID != 11 {
		t.Fatalf("append: %+v; the older snapshot now %+v", h, s.History[1])
	}
}
