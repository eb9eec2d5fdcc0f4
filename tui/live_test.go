package tui

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/db/pgserver"
	"warroom/demo"
	"warroom/incident"
	"warroom/recovery"
)

// observed is the latest state of a running console, published by probe
// from the program's goroutine so the test can wait on it without reading
// the model while the program mutates its caches.
type observed struct {
	mu      sync.Mutex
	m       Model
	screen  string
	changed chan struct{}
}

// probe is the console with a window onto its state: after every message it
// publishes the model and its screen (rendered here, on the program's own
// goroutine).
type probe struct {
	Model
	obs *observed
}

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd := p.Model.Update(msg)
	p.Model = nm.(Model)
	screen := ansi.Strip(p.Model.View().Content)
	p.obs.mu.Lock()
	p.obs.m, p.obs.screen = p.Model, screen
	p.obs.mu.Unlock()
	select {
	case p.obs.changed <- struct{}{}:
	default:
	}
	return p, cmd
}

// waitFor waits until cond holds for the console's latest state.
func (o *observed) waitFor(t *testing.T, what string, cond func(m Model, screen string) bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		o.mu.Lock()
		ok := cond(o.m, o.screen)
		screen := o.screen
		o.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-o.changed:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s; screen:\n%s", what, screen)
		}
	}
}

// liveConsole runs a console on conn as a real program with its own feed on
// url, the way Run wires it, and returns what it shows.
func liveConsole(t *testing.T, conn *sqlx.DB, url string) (*observed, *teatest.TestModel) {
	t.Helper()
	return liveConsoleOpts(t, conn, url, Options{})
}

// liveConsoleOpts is liveConsole with its options (the incident it shows).
func liveConsoleOpts(t *testing.T, conn *sqlx.DB, url string, opts Options) (*observed, *teatest.TestModel) {
	t.Helper()
	obs := &observed{changed: make(chan struct{}, 1)}
	tm := teatest.NewTestModel(t, probe{Model: New(conn, opts), obs: obs},
		teatest.WithInitialTermSize(120, 40))
	feed, err := Listen(url, tm.Send)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tm.Quit()
		feed.Close()
	})
	obs.waitFor(t, "first load", func(m Model, _ string) bool { return m.snap != nil })
	return obs, tm
}

// waitListeners waits until n sessions LISTEN on conn's database, so a write
// made next cannot slip past a feed still connecting.
func waitListeners(t *testing.T, conn *sqlx.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var got int
		err := conn.Get(&got, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query ILIKE 'listen%'`)
		if err == nil && got >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fewer than %d feeds listening", n)
}

func setMilestone(t *testing.T, conn *sqlx.DB, actor, key string, progress int) {
	t.Helper()
	ctx := context.Background()
	var inc int64
	if err := conn.Get(&inc, `SELECT incident_id FROM milestones WHERE key = $1`, key); err != nil {
		t.Fatal(err)
	}
	status := "in_progress"
	err := db.Write(ctx, conn, actor, func(tx *sqlx.Tx) error {
		_, err := recovery.Set(ctx, tx, inc, recovery.Change{Key: key, Progress: &progress, Status: &status})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func milestoneProgress(m Model, key string) int {
	if m.snap == nil {
		return -1
	}
	for _, ms := range m.snap.Milestones {
		if ms.Key == key {
			return ms.Progress
		}
	}
	return -1
}

// TestWriteAppearsInOtherConsoles: two consoles on one database; a write
// made elsewhere shows in both, with no key pressed, in the restore data and
// in the activity strip.
func TestWriteAppearsInOtherConsoles(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	if _, err := demo.Load(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
	a, _ := liveConsole(t, conn, url)
	b, _ := liveConsole(t, dbtest.Open(t, url), url)
	waitListeners(t, conn, 2)

	setMilestone(t, conn, "alice", "core-env", 37)
	for name, c := range map[string]*observed{"a": a, "b": b} {
		c.waitFor(t, "console "+name+" to show the write", func(m Model, screen string) bool {
			return milestoneProgress(m, "core-env") == 37 &&
				strings.Contains(screen, "alice updated milestone core-env v")
		})
	}
}

// TestConsoleSurvivesDatabaseRestart: the server goes away under a running
// console, which shows the banner and refuses writes; when the server is
// back, the console recovers by itself with data written meanwhile.
func TestConsoleSurvivesDatabaseRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private PostgreSQL server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := pgserver.StartRestartable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	url := srv.URL("postgres")
	conn := dbtest.Open(t, url)
	if _, err := db.Migrate(ctx, conn.DB); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, conn); err != nil {
		t.Fatal(err)
	}
	console, _ := liveConsole(t, conn, url)
	waitListeners(t, conn, 1)

	srv.Stop()
	console.waitFor(t, "the disconnected banner", func(m Model, screen string) bool {
		return !m.Connected() && strings.Contains(screen, "Database disconnected - retrying (")
	})
	console.mu.Lock()
	blocked := console.m.writeBlocked()
	console.mu.Unlock()
	if blocked == nil || !strings.Contains(blocked.Error(), "disconnected") {
		t.Fatalf("writes while disconnected: %v", blocked)
	}

	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	// Written by another client as soon as the server is back. Whether it
	// lands before or after the console's feed reconnects (a race), the
	// console must end up showing it and connected.
	other := dbtest.Open(t, url)
	setMilestone(t, other, "bob", "core-env", 61)
	console.waitFor(t, "recovery with fresh data", func(m Model, screen string) bool {
		return m.Connected() && milestoneProgress(m, "core-env") == 61 &&
			!strings.Contains(screen, "disconnected")
	})
	t.Logf("recovered %v after the server was back", time.Since(back).Round(time.Millisecond))
}

// A change reloads only the parts that show it; changes to other incidents
// are ignored; a burst during a load queues one more load, not many.
func TestLiveChangesReloadOnlyWhatChanged(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	inc := m.snap.Incident.ID
	mustExec(t, conn, `UPDATE milestones SET status = 'blocked', progress = 42 WHERE key = 'core-env'`)
	before := m.snap

	nm, cmd := m.Update(liveMsg{Changes: []db.Change{{Table: "milestone_updates", Op: "I", Incident: inc, ID: 1}}})
	m = nm.(Model)
	if cmd == nil || !m.loading {
		t.Fatal("a change should start a load")
	}
	msg := cmd().(snapshotMsg)
	if msg.parts != partMilestones {
		t.Fatalf("parts %b, want milestones only", msg.parts)
	}
	// A burst while loading: other incidents ignored, the rest merged.
	for i := 0; i < 50; i++ {
		nm, cmd = m.Update(liveMsg{Changes: []db.Change{
			{Table: "timeline_entries", Op: "U", Incident: inc, ID: 1, Version: 2},
			{Table: "payouts", Op: "I", Incident: inc + 1000, Rows: 3},
		}})
		m = nm.(Model)
		if cmd != nil {
			t.Fatal("a change during a load must be queued, not loaded in parallel")
		}
	}
	if m.pending != partTimeline {
		t.Fatalf("pending %b, want timeline only", m.pending)
	}
	nm, next := m.Update(msg)
	m = nm.(Model)
	if milestoneProgress(m, "core-env") != 42 {
		t.Fatal("milestones not reloaded")
	}
	if &m.snap.Timeline[0] != &before.Timeline[0] || m.snap.Fund != before.Fund {
		t.Fatal("parts that did not change were read again")
	}
	if next == nil || next().(snapshotMsg).parts != partTimeline {
		t.Fatal("the queued timeline reload should run next")
	}
	m = step(t, m, next())

	// The rest of a transaction, received before that load began, is on
	// screen already; a change received later is not.
	early := db.Change{Table: "timeline_entries", Op: "U", Incident: inc, ID: 1, At: m.loadStarted.Add(-time.Millisecond)}
	if _, cmd := m.Update(liveMsg{Changes: []db.Change{early}}); cmd != nil {
		t.Fatal("a change already covered by a load should not reload")
	}
	late := early
	late.At = time.Now()
	if _, cmd := m.Update(liveMsg{Changes: []db.Change{late}}); cmd == nil {
		t.Fatal("a change received after the last load should reload")
	}
}

// A load that fails for want of a connection shows the disconnected banner
// even before the feed notices; a later successful load clears it.
func TestConnectionErrorShowsBanner(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 80, 24)
	m = step(t, m, ReloadMsg{})
	m = step(t, m, snapshotMsg{seq: m.seq, err: db.ErrConnectionFailure})
	if m.Connected() || !strings.Contains(screen(m), "Database disconnected - retrying (0s)") {
		t.Fatalf("no banner:\n%s", screen(m))
	}
	checkFrame(t, screen(m), 80, 24)
	nm, cmd := m.Update(liveMsg{Reconnected: true})
	m = nm.(Model)
	if m.Connected() || cmd == nil {
		t.Fatal("a reconnect should reload, and the banner stay until that works")
	}
	m = step(t, m, cmd())
	if !m.Connected() || strings.Contains(screen(m), "disconnected") {
		t.Fatalf("still disconnected:\n%s", screen(m))
	}
	checkFrame(t, screen(m), 80, 24)
}

// TestRowChangesApplyWithoutQueries: changes whose notifications carry the
// row reach a second console's model with no query at all (its pool is
// closed before they are made: a load would fail and show), and leave it
// exactly as a fresh load of the database would: milestone progress and
// history (so the restore view's overall progress, ETAs and last updates),
// a new milestone in plan order, a new timeline entry and its correction
// with the earlier version kept, and voided or deleted rows gone.
func TestRowChangesApplyWithoutQueries(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	if _, err := demo.Load(ctx, conn); err != nil {
		t.Fatal(err)
	}
	pool := dbtest.Open(t, url)
	b, tm := liveConsole(t, pool, url)
	waitListeners(t, conn, 1)
	tm.Send(press("2")) // the restore view, whose overall line is derived
	b.waitFor(t, "the restore view", func(m Model, _ string) bool { return m.Active() == 1 })
	b.mu.Lock()
	seq := b.m.seq
	b.mu.Unlock()
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}

	setMilestone(t, conn, "alice", "core-env", 37)
	var inc, entry, voidEntry, lastUpdate int64
	mustGet(t, conn, &inc, `SELECT id FROM incidents`)
	mustGet(t, conn, &voidEntry, `SELECT min(id) FROM timeline_entries`)
	mustGet(t, conn, &lastUpdate, `SELECT max(id) FROM milestone_updates
		WHERE milestone_id = (SELECT id FROM milestones WHERE key = 'merge')`)
	err := db.Write(ctx, conn, "bob", func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &entry, `INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start)
			VALUES ($1, 'note', 'Bridge up', 'first word', '2020-02-26 09:30+08') RETURNING id`, inc); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO milestones (incident_id, key, title, position, progress, status)
			VALUES ($1, 'dns', 'DNS switch', 2, 10, 'in_progress')`, inc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A correction, in its own transaction, as the console's editor makes it.
	for _, q := range []string{
		`UPDATE timeline_entries SET title = 'Bridge up (corrected)', body = 'second word' WHERE id = ` + itoa(entry),
		`UPDATE timeline_entries SET voided_at = now(), voided_by = 'carol', void_reason = 'duplicate' WHERE id = ` + itoa(voidEntry),
		`UPDATE milestones SET voided_at = now(), voided_by = 'carol', void_reason = 'dropped' WHERE key = 'rehearsal'`,
		`DELETE FROM milestone_updates WHERE id = ` + itoa(lastUpdate),
	} {
		if err := db.Write(ctx, conn, "carol", func(tx *sqlx.Tx) error { _, err := tx.ExecContext(ctx, q); return err }); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	want, err := LoadSnapshot(ctx, conn, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(want.EntryHistory[entry]) != 1 || slices.ContainsFunc(want.Milestones, func(m recovery.Milestone) bool { return m.Key == "rehearsal" }) {
		t.Fatalf("the writes did not do what the test means: %+v", want.EntryHistory)
	}
	b.waitFor(t, "every change applied", func(m Model, _ string) bool {
		return m.snap != nil && sameData(m.snap, want) == ""
	})
	b.mu.Lock()
	m, screen := b.m, b.screen
	b.mu.Unlock()
	if m.seq != seq || m.loadErr != nil || m.loading {
		t.Fatalf("the console queried: seq %d -> %d, loading %v, error %v", seq, m.seq, m.loading, m.loadErr)
	}
	overall := fmt.Sprintf("%d%%", recovery.Overall(want.Milestones))
	for _, s := range []string{"Overall", overall, "DNS switch"} {
		if !strings.Contains(screen, s) {
			t.Fatalf("restore view lacks %q:\n%s", s, screen)
		}
	}
	if strings.Contains(screen, "Could not load") {
		t.Fatalf("error banner:\n%s", screen)
	}
}

// TestLargeRowReloads: a row too big for a notification (an entry body over
// 8 kB) arrives without it, and still reaches the console, by a reload.
func TestLargeRowReloads(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	if _, err := demo.Load(ctx, conn); err != nil {
		t.Fatal(err)
	}
	c, _ := liveConsole(t, dbtest.Open(t, url), url)
	waitListeners(t, conn, 1)
	c.mu.Lock()
	seq := c.m.seq
	c.mu.Unlock()
	body := strings.Repeat("long report line. ", 500) // 9,000 bytes
	var id int64
	mustGet(t, conn, &id, `INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start)
		SELECT id, 'note', 'Post-mortem draft', '`+body+`', now() FROM incidents RETURNING id`)
	c.waitFor(t, "the large entry", func(m Model, _ string) bool {
		i := slices.IndexFunc(m.snap.Timeline, func(e incident.Entry) bool { return e.ID == id })
		return i >= 0 && m.snap.Timeline[i].Body == body
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m.seq == seq {
		t.Fatal("the large entry arrived without a load: where did it come from?")
	}
}

func mustGet(t *testing.T, conn *sqlx.DB, dst any, q string, args ...any) {
	t.Helper()
	if err := conn.Get(dst, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sameData compares what the console derives its screens from, times
// compared as instants; "" when equal, else the part that differs.
func sameData(got, want *Snapshot) string {
	for _, p := range []struct {
		name      string
		got, want any
	}{
		{"timeline", got.Timeline, want.Timeline},
		{"entry history", got.EntryHistory, want.EntryHistory},
		{"milestones", got.Milestones, want.Milestones},
		{"history", got.History, want.History},
	} {
		if !reflect.DeepEqual(utcCopy(reflect.ValueOf(p.got)).Interface(), utcCopy(reflect.ValueOf(p.want)).Interface()) {
			return p.name
		}
	}
	return ""
}

var timeType = reflect.TypeFor[time.Time]()

// utcCopy is a deep copy of v with every time in UTC (the zone a time was
// read in is not data) and empty slices and maps as nil.
func utcCopy(v reflect.Value) reflect.Value {
	if v.Type() == timeType {
		return reflect.ValueOf(v.Interface().(time.Time).UTC())
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(utcCopy(v.Elem()))
		return p
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(utcCopy(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(utcCopy(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), utcCopy(it.Value()))
		}
		return out
	}
	return v
}
