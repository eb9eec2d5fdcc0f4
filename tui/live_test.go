package tui

import (
	"context"
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
	obs := &observed{changed: make(chan struct{}, 1)}
	tm := teatest.NewTestModel(t, probe{Model: New(conn, Options{}), obs: obs},
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
