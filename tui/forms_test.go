package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/incident"
	"warroom/recovery"
)

// newActorModel is newTestModel with writes attributed to actor.
func newActorModel(t *testing.T, conn *sqlx.DB, actor string, w, h int) Model {
	t.Helper()
	m := New(conn, Options{Now: func() time.Time { return fixedNow }, Actor: actor})
	m = step(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return step(t, m, m.Init()())
}

// driveDeadline bounds one command. Clock commands answer within a second
// (tea.Every, the side views' ticks) or five (a load retry); a write or a
// read that takes longer is a failure to see, not a message to drop.
const driveDeadline = 30 * time.Second

// drive runs cmd and everything it leads to (write, answer, reload) the way
// the program would, synchronously. Every command must answer: one that
// does not within driveDeadline fails the test. Clock messages are dropped
// once they arrive, so the clock does not tick forever.
func drive(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 100 {
			t.Fatal("drive: too many messages")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(driveDeadline):
			t.Fatalf("drive: command %d did not answer within %v", n, driveDeadline)
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		switch msg.(type) {
		case writeRequestMsg, writeDoneMsg, ReloadMsg, snapshotMsg, chosenMsg, incidentsMsg:
		default:
			continue // ticks and the like
		}
		nm, next := m.Update(msg)
		m = nm.(Model)
		queue = append(queue, next)
	}
	return m
}

// press2 knows the form's extra keys.
func press2(k string) tea.KeyPressMsg {
	switch k {
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "K":
		return tea.KeyPressMsg{Code: 'k', ShiftedCode: 'K', Mod: tea.ModShift, Text: "K"}
	}
	return press(k)
}

// act presses one key and drives whatever it starts to the end.
func act(t *testing.T, m Model, k string) Model {
	t.Helper()
	nm, cmd := m.Update(press2(k))
	return drive(t, nm.(Model), cmd)
}

// openForm is the form of the active view, nil when none is open.
func openForm(m Model) *form {
	if m.switcher.open {
		if m.switcher.declare != nil {
			return m.switcher.declare.f
		}
		return nil
	}
	switch v := m.views[m.active].(type) {
	case *restoreView:
		if v.edit != nil {
			return v.edit.f
		}
	case *timelineView:
		if v.edit != nil {
			return v.edit.f
		}
		if v.quick != nil {
			return v.quick.f
		}
	case *accountabilityView:
		if v.edit != nil {
			return v.edit.f
		}
	case *fundView:
		if v.form != nil {
			return v.form.f
		}
	}
	return nil
}

// fill focuses the named field, clears it and types s.
func fill(t *testing.T, m Model, field, s string) Model {
	t.Helper()
	f := openForm(m)
	if f == nil || f.Field(field) == nil {
		t.Fatalf("no form field %q", field)
	}
	for i := 0; f.fields[f.focus].name != field; i++ {
		if i > len(f.fields) {
			t.Fatalf("cannot focus %q", field)
		}
		m = keys(t, m, "tab")
	}
	m = step(t, m, press2("ctrl+u")) // clears the text before the cursor
	return typed(t, m, s)
}

// errorBeside is the error line printed under the field labelled label.
func errorBeside(s, label string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, label) && i+1 < len(lines) && strings.Contains(lines[i+1], "! ") {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return ""
}

func milestone(t *testing.T, conn *sqlx.DB, key string) recovery.Milestone {
	t.Helper()
	var m recovery.Milestone
	if err := conn.Get(&m, `SELECT id, key, title, owner, status, progress, position, version, updated_by, updated_at
		FROM milestones WHERE key = $1`, key); err != nil {
		t.Fatal(err)
	}
	return m
}

func countRowsSQL(t *testing.T, conn *sqlx.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMilestoneFormRefusesBadProgressBesideTheField(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 80, 24)
	before := milestone(t, conn, "core-env")
	hist := countRowsSQL(t, conn, `SELECT count(*) FROM milestone_updates`)

	m = keys(t, m, "2", "e")
	if openForm(m) == nil || !m.views[1].Capturing() {
		t.Fatal("e should open the update form and capture keys")
	}
	m = fill(t, m, "progress", "140")
	m = act(t, m, "enter")
	s := screen(m)
	if got := errorBeside(s, "Progress %"); !strings.Contains(got, "140 is outside 0-100") {
		t.Fatalf("no error beside progress (%q):\n%s", got, s)
	}
	checkFrame(t, s, 80, 24)
	if openForm(m) == nil || !strings.Contains(s, "140") {
		t.Fatal("the form must stay open with the input")
	}
	if after := milestone(t, conn, "core-env"); after.Version != before.Version || after.Progress != 100 {
		t.Fatalf("written despite the error: %+v", after)
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM milestone_updates`); n != hist {
		t.Fatalf("history grew from %d to %d", hist, n)
	}

	// Not a number at all is caught before any write.
	m = fill(t, m, "progress", "lots")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Progress %"); !strings.Contains(got, "whole number") {
		t.Fatalf("non-number: %q", got)
	}

	// Blocked needs a note: the error lands beside the note.
	m = fill(t, m, "progress", "60")
	m = fill(t, m, "status", "")
	m = keys(t, m, "b")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Note"); !strings.Contains(got, "say what blocks it") {
		t.Fatalf("blocked without a note: %q\n%s", got, screen(m))
	}
	m = act(t, m, "esc")
	if openForm(m) == nil || !strings.Contains(screen(m), "Discard what you typed?") {
		t.Fatal("esc with typed input should ask before discarding it")
	}
	m = act(t, m, "y")
	if openForm(m) != nil || m.views[1].Capturing() {
		t.Fatal("esc then y should close the form")
	}
}

func TestMilestoneFormSavesWithHistory(t *testing.T) {
	conn := demoDB(t)
	m := newActorModel(t, conn, "alice", 120, 40)
	m = keys(t, m, "2", "j", "e") // all-env
	m = fill(t, m, "progress", "90")
	m = fill(t, m, "status", "")
	m = keys(t, m, "i") // in progress
	m = fill(t, m, "note", "reopened: one region still degraded")
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("form still open after a valid save:\n%s", screen(m))
	}
	got := milestone(t, conn, "all-env")
	if got.Status != "in_progress" || got.Progress != 90 || got.UpdatedBy != "alice" {
		t.Fatalf("milestone not updated: %+v", got)
	}
	h, err := recovery.History(context.Background(), conn, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if last.Author != "alice" || *last.FromStatus != "done" || *last.FromProgress != 100 || last.ToProgress != 90 ||
		last.Note != "reopened: one region still degraded" {
		t.Fatalf("history row: %+v", last)
	}
	s := screen(m)
	for _, want := range []string{"saved all-env", "alice done 100% -> in progress 90% · reopened: one region", "in progress"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	checkFrame(t, s, 120, 40)
}

func TestDoneSetsProgressTo100(t *testing.T) {
	conn := demoDB(t)
	mustExec(t, conn, `UPDATE milestones SET status = 'in_progress', progress = 40, actual_end = NULL WHERE key = 'cutover'`)
	m := newTestModel(t, conn, 120, 40)
	m = keys(t, m, "2", "G", "e")
	m = fill(t, m, "status", "")
	m = keys(t, m, "d")
	if v := openForm(m).Value("progress"); v != "100" {
		t.Fatalf("choosing done should set 100%%, got %q", v)
	}
	act(t, m, "enter")
	var end *time.Time
	if err := conn.Get(&end, `SELECT actual_end FROM milestones WHERE key = 'cutover'`); err != nil || end == nil {
		t.Fatalf("done should set the actual end: %v %v", end, err)
	}
}

func TestConcurrentMilestoneEditIsRefused(t *testing.T) {
	conn := demoDB(t)
	a := newActorModel(t, conn, "alice", 120, 40)
	b := newActorModel(t, conn, "bob", 120, 40)
	a = keys(t, a, "2", "e")
	b = keys(t, b, "2", "e")
	a = fill(t, a, "note", "from alice")
	b = fill(t, b, "progress", "100")
	b = fill(t, b, "note", "from bob")
	act(t, a, "enter")
	b = act(t, b, "enter")

	s := screen(b)
	if !strings.Contains(s, "changed by alice at") || !strings.Contains(s, "reload?") {
		t.Fatalf("second save not refused as a conflict:\n%s", s)
	}
	// When, in the incident's zone (the demo's is Asia/Shanghai).
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "changed by alice at") && (!strings.Contains(line, " CST") || strings.Contains(line, "UTC")) {
			t.Errorf("conflict time not in the incident's zone: %q", line)
		}
	}
	if openForm(b) == nil || openForm(b).Value("note") != "from bob" || !strings.Contains(s, "from bob") {
		t.Fatal("the refused form must keep bob's input")
	}
	var notes []string
	ms := milestone(t, conn, "core-env")
	if err := conn.Select(&notes, `SELECT note FROM milestone_updates WHERE milestone_id = $1 ORDER BY id DESC LIMIT 1`, ms.ID); err != nil {
		t.Fatal(err)
	}
	if notes[0] != "from alice" || ms.UpdatedBy != "alice" {
		t.Fatalf("database should keep alice's save: %v %+v", notes, ms)
	}

	// ctrl+r rebases on alice's version, keeps bob's text, and saves.
	b = act(t, b, "ctrl+r")
	if f := openForm(b); f == nil || f.Value("note") != "from bob" || !strings.Contains(screen(b), "reloaded") {
		t.Fatalf("reload lost the input:\n%s", screen(b))
	}
	b = act(t, b, "enter")
	if openForm(b) != nil {
		t.Fatalf("save after reload failed:\n%s", screen(b))
	}
	if got := milestone(t, conn, "core-env"); got.UpdatedBy != "bob" || got.Version != ms.Version+1 {
		t.Fatalf("bob's save after reload: %+v", got)
	}
}

func TestAddAndMoveMilestones(t *testing.T) {
	conn := demoDB(t)
	m := newActorModel(t, conn, "ic", 80, 24)
	m = keys(t, m, "2", "a")
	m = fill(t, m, "key", "Bad Key")
	m = fill(t, m, "title", "Billing database")
	m = fill(t, m, "planned_end", "tomorrow")
	m = act(t, m, "enter")
	s := screen(m)
	if got := errorBeside(s, "Planned end"); !strings.Contains(got, "is not a time") {
		t.Fatalf("bad planned end: %q\n%s", got, s)
	}
	m = fill(t, m, "planned_end", "2020-03-06 18:00")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Key"); !strings.Contains(got, "lower-case") {
		t.Fatalf("bad key should be refused beside the key: %q\n%s", got, screen(m))
	}
	m = fill(t, m, "key", "billing-db")
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("add failed:\n%s", screen(m))
	}
	added := milestone(t, conn, "billing-db")
	if added.Position != 7 || added.Title != "Billing database" {
		t.Fatalf("added: %+v", added)
	}
	if s := screen(m); !strings.Contains(s, "> Billing database") || !strings.Contains(s, "ETA: too little history") {
		t.Fatalf("the new milestone should be selected, with its ETA state:\n%s", s)
	}
	m = act(t, m, "K")
	if got := milestone(t, conn, "billing-db"); got.Position != 6 {
		t.Fatalf("K should move it up: position %d", got.Position)
	}
	if s := screen(m); !strings.Contains(s, "> Billing database") {
		t.Fatalf("selection should follow the moved milestone:\n%s", s)
	}
	act(t, m, "J")
	if got := milestone(t, conn, "billing-db"); got.Position != 7 {
		t.Fatalf("J should move it down: position %d", got.Position)
	}
}

func TestETAShownPerMilestoneAndOverall(t *testing.T) {
	conn := demoDB(t)
	// A milestone with two readings 2h apart: 20% -> 60% projects the
	// remaining 40% to 2h after the last reading.
	var id int64
	err := conn.Get(&id, `INSERT INTO milestones (incident_id, key, title, status, progress, position, updated_at)
		SELECT id, 'verify', 'Verify merchant data', 'in_progress', 60, 99, '2020-03-04 02:00+08' FROM incidents
		RETURNING id`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(`INSERT INTO milestone_updates (milestone_id, at, to_status, to_progress, author) VALUES
		($1, '2020-03-04 00:00+08', 'in_progress', 20, 'x'), ($1, '2020-03-04 02:00+08', 'in_progress', 60, 'x')`, id)
	if err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, conn, 120, 40)
	m = keys(t, m, "2", "G")
	s := screen(m)
	if !strings.Contains(s, "ETA 03-04 04:00") || !strings.Contains(s, "2 updates recorded") {
		t.Fatalf("milestone ETA missing:\n%s", s)
	}
	if !strings.Contains(firstLines(s, 3), "ETA") {
		t.Fatalf("overall ETA missing:\n%s", firstLines(s, 3))
	}
	// One reading is too little to project, and the console says so.
	mustExec(t, conn, `UPDATE milestones SET progress = 10, status = 'in_progress', actual_end = NULL WHERE key = 'cutover'`)
	m = newTestModel(t, conn, 120, 40)
	m = keys(t, m, "2", "G", "k")
	if s := screen(m); !strings.Contains(s, "ETA: too little history to project") && !strings.Contains(s, "ETA: no progress recently") {
		t.Fatalf("no reason for a missing ETA:\n%s", s)
	}
}

func TestTimelineAddValidatesAndSaves(t *testing.T) {
	conn := demoDB(t)
	m := newActorModel(t, conn, "scribe", 80, 24)
	before := countRowsSQL(t, conn, `SELECT count(*) FROM timeline_entries`)
	m = keys(t, m, "a")
	m = fill(t, m, "at", "half past nine")
	m = act(t, m, "enter")
	s := screen(m)
	if got := errorBeside(s, "Time"); !strings.Contains(got, "is not a time") {
		t.Fatalf("bad time: %q\n%s", got, s)
	}
	if got := errorBeside(s, "Title"); !strings.Contains(got, "must not be empty") {
		t.Fatalf("empty title: %q\n%s", got, s)
	}
	checkFrame(t, s, 80, 24)
	if !strings.Contains(s, "[note]") {
		t.Errorf("the chosen kind must stay visible at 80 columns:\n%s", s)
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM timeline_entries`); n != before {
		t.Fatal("an invalid entry was written")
	}
	m = fill(t, m, "at", "2020-03-04 09:30")
	m = fill(t, m, "kind", "")
	m = keys(t, m, "c", "c") // cutover, then comms
	m = fill(t, m, "title", "Status page updated")
	m = fill(t, m, "body", "First line")
	m = step(t, m, tea.KeyPressMsg{Code: tea.KeyEnter, Mod: tea.ModAlt})
	m = typed(t, m, "second line")
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("valid add failed:\n%s", screen(m))
	}
	var e incident.Entry
	if err := conn.Get(&e, `SELECT id, kind, title, body, author, actual_start, planned_start, precision, version
		FROM timeline_entries WHERE title = 'Status page updated'`); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2020, 3, 4, 1, 30, 0, 0, time.UTC)
	if e.Kind != "comms" || e.Author != "scribe" || e.ActualStart == nil || !e.ActualStart.Equal(want) ||
		e.PlannedStart != nil || e.Body != "First line\nsecond line" {
		t.Fatalf("entry: %+v", e)
	}
	if s := screen(m); !strings.Contains(s, "> 2020-03-04 09:30  comms") {
		t.Fatalf("the new entry should be selected:\n%s", s)
	}
}

func TestTimelineCorrectionKeepsEarlierVersion(t *testing.T) {
	conn := demoDB(t)
	a := newActorModel(t, conn, "alice", 120, 40)
	b := newActorModel(t, conn, "bob", 120, 40)
	a = keys(t, a, "e") // the first entry: Baseline window opens
	b = keys(t, b, "e")
	if f := openForm(a); f == nil || f.Value("at") != "2020-02-17 19:00" || f.Value("end") != "2020-02-23 19:00" ||
		f.Value("title") != "Baseline window opens" {
		t.Fatalf("edit form not prefilled: %+v", openForm(a))
	}
	a = fill(t, a, "title", "Baseline window opens (corrected)")
	a = act(t, a, "enter")
	if openForm(a) != nil {
		t.Fatalf("correction failed:\n%s", screen(a))
	}
	var id int64
	if err := conn.Get(&id, `SELECT id FROM timeline_entries WHERE title = 'Baseline window opens (corrected)'`); err != nil {
		t.Fatal(err)
	}
	h, err := incident.EntryHistory(context.Background(), conn, id)
	if err != nil || len(h) != 1 || h[0].Title != "Baseline window opens" || h[0].ReplacedBy != "alice" {
		t.Fatalf("history: %+v %v", h, err)
	}
	s := screen(a)
	for _, want := range []string{"corrected: 1 earlier version", "v1 02-17 19:00 window Baseline window opens · replaced by alice"} {
		if !strings.Contains(s, want) {
			t.Errorf("detail lacks %q:\n%s", want, s)
		}
	}
	// Bob opened the same entry before alice saved: his save is refused.
	b = fill(t, b, "title", "Baseline opens")
	b = act(t, b, "enter")
	if s := screen(b); !strings.Contains(s, "changed by alice") || openForm(b).Value("title") != "Baseline opens" {
		t.Fatalf("conflicting correction not refused:\n%s", s)
	}
	var title string
	if err := conn.Get(&title, `SELECT title FROM timeline_entries WHERE id = $1`, id); err != nil || title != "Baseline window opens (corrected)" {
		t.Fatalf("alice's correction overwritten: %q %v", title, err)
	}
}

func TestWritesRefusedWhileDisconnected(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 80, 24)
	m = keys(t, m, "2", "e")
	m = fill(t, m, "note", "keep me")
	m.feedDown = true
	m = act(t, m, "enter")
	f := openForm(m)
	if f == nil || !strings.Contains(f.msg, "disconnected") || f.Value("note") != "keep me" {
		t.Fatalf("write while disconnected: %+v", f)
	}
}
