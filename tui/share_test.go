package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/db"
)

// sharedModel is the console on conn reading as `as` through share, sized
// and with its first load run.
func sharedModel(t *testing.T, conn *sqlx.DB, share *LoadShare, as string) Model {
	t.Helper()
	m := New(conn, Options{Now: func() time.Time { return fixedNow }, Share: share, ShareAs: as})
	m = step(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	return step(t, m, m.Init()())
}

// deliver hands each console in turn one feed delivery and runs the load
// it asks for before the next console takes the delivery: the hardest
// case for sharing (each load is finished before the next console asks),
// and one where a console that asked for a load beginning "now" could
// never share.
func deliver(t *testing.T, ms []Model, msg liveMsg) {
	t.Helper()
	for i := range ms {
		nm, cmd := ms[i].Update(msg)
		if cmd == nil {
			t.Fatalf("console %d: the delivery started no load", i)
		}
		ms[i] = step(t, nm.(Model), cmd())
	}
}

// change delivers one change, received now, to every console.
func change(t *testing.T, ms []Model, c db.Change) {
	t.Helper()
	c.At = time.Now()
	deliver(t, ms, liveMsg{Changes: []db.Change{c}})
}

// TestLoadShareOneLoadPerChangePerPerson: three consoles reading as alice
// and one as bob take a change that must be read with two loads, not
// four, and all four show it; the next change is read again (a load that
// began before a change never stands in for it).
func TestLoadShareOneLoadPerChangePerPerson(t *testing.T) {
	conn := demoDB(t)
	share := NewLoadShare()
	ms := []Model{
		sharedModel(t, conn, share, "alice"), sharedModel(t, conn, share, "alice"),
		sharedModel(t, conn, share, "alice"), sharedModel(t, conn, share, "bob"),
	}
	inc := ms[0].snap.Incident.ID
	for round, progress := range []int{42, 43} {
		mustExec(t, conn, `UPDATE milestones SET status = 'blocked', progress = `+[]string{"42", "43"}[round]+` WHERE key = 'core-env'`)
		before := share.Loads()
		change(t, ms, db.Change{Table: "milestone_updates", Op: "I", Incident: inc, ID: 1})
		if n := share.Loads() - before; n != 2 {
			t.Fatalf("round %d: %d loads for one change to four consoles of two people, want 2", round, n)
		}
		for i, m := range ms {
			if got := milestoneProgress(m, "core-env"); got != progress {
				t.Fatalf("round %d, console %d: progress %d, want %d", round, i, got, progress)
			}
		}
	}
}

// TestLoadShareNeverAcrossPeople: two consoles of different people share
// a LoadShare, each reading through its own connection (here two
// databases, so their rows differ the way two roles' may). Each shows only
// what its own connection reads.
func TestLoadShareNeverAcrossPeople(t *testing.T) {
	connA, connB := demoDB(t), demoDB(t)
	share := NewLoadShare()
	a := sharedModel(t, connA, share, "alice")
	b := sharedModel(t, connB, share, "bob")
	mustExec(t, connA, `UPDATE milestones SET status = 'blocked', progress = 11 WHERE key = 'core-env'`)
	mustExec(t, connB, `UPDATE milestones SET status = 'blocked', progress = 22 WHERE key = 'core-env'`)
	ms := []Model{a, b}
	change(t, ms, db.Change{Table: "milestone_updates", Op: "I", Incident: a.snap.Incident.ID, ID: 1})
	if got := milestoneProgress(ms[0], "core-env"); got != 11 {
		t.Fatalf("alice's console shows progress %d, want 11 (her connection's)", got)
	}
	if got := milestoneProgress(ms[1], "core-env"); got != 22 {
		t.Fatalf("bob's console shows progress %d, want 22 (his connection's)", got)
	}
}

// TestLoadShareReconnection: after the feed reconnects, every console
// reads everything again; stamped with when the feed was back, the
// consoles of one person do it with one load.
func TestLoadShareReconnection(t *testing.T) {
	conn := demoDB(t)
	share := NewLoadShare()
	ms := []Model{sharedModel(t, conn, share, "alice"), sharedModel(t, conn, share, "alice"), sharedModel(t, conn, share, "alice")}
	mustExec(t, conn, `UPDATE milestones SET status = 'blocked', progress = 44 WHERE key = 'core-env'`)
	before := share.Loads()
	deliver(t, ms, liveMsg{Reconnected: true, Since: time.Now()})
	if n := share.Loads() - before; n != 1 {
		t.Fatalf("%d loads for one reconnection of three consoles of one person, want 1", n)
	}
	for i, m := range ms {
		if got := milestoneProgress(m, "core-env"); got != 44 {
			t.Fatalf("console %d: progress %d after the reconnection, want 44", i, got)
		}
	}
}
