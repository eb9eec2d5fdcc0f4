package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
	"warroom/demo"
	"warroom/incident"
)

// TestGoldenSwitcher pins the incident switcher at 80x24: the demo
// incident (on screen, marked) and one declared after it, newest first,
// with severity, status, commander and age.
func TestGoldenSwitcher(t *testing.T) {
	conn := demoDB(t)
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.Declare(ctx, tx, incident.Declaration{Title: "Checkout down", Severity: "sev2",
			Slug: "checkout", StartedAt: fixedNow.Add(-90 * time.Minute)})
		return err
	})
	m := New(conn, Options{IncidentSlug: demo.Slug(), Now: func() time.Time { return fixedNow }})
	quietAll(m)
	m = step(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = settle(t, m, m.Init())
	nm, cmd := m.Update(keyMsg("I"))
	m = settle(t, nm.(Model), cmd)
	out := screen(m)
	checkFrame(t, out, 80, 24)
	for _, want := range []string{"Checkout down", "alice", "investigating", "1h 30m"} {
		if !strings.Contains(out, want) {
			t.Errorf("switcher lacks %q:\n%s", want, out)
		}
	}
	golden.RequireEqual(t, []byte(out))

	// esc closes it; I and enter on the new one switch the console to it.
	nm, _ = m.Update(keyMsg("esc"))
	if m = nm.(Model); m.switcher.open || strings.Contains(screen(m), "enter switches") {
		t.Fatalf("esc did not close the switcher:\n%s", screen(m))
	}
	nm, cmd = m.Update(keyMsg("I"))
	m = settle(t, nm.(Model), cmd)
	nm, _ = m.Update(keyMsg("k")) // the newest is first
	m = nm.(Model)
	// By hand, not settle: the open incident's clock ticks for ever.
	nm, cmd = m.Update(keyMsg("enter"))
	nm, cmd = nm.(Model).Update(cmd())
	m = step(t, nm.(Model), cmd())
	if m.snap == nil || m.snap.Incident.Slug != "checkout" || m.snap.Commander != "alice" {
		t.Fatalf("enter did not switch to checkout: %+v", m.snap)
	}
	if l := firstLine(screen(m)); !strings.Contains(l, "SEV2 INVESTIGATING") || !strings.Contains(l, "cmdr alice") {
		t.Fatalf("header after the switch: %q", l)
	}
}

// TestSwitcherShowsNewIncidentLive: an incident declared elsewhere shows in
// an open switcher with no key pressed.
func TestSwitcherShowsNewIncidentLive(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	if _, err := demo.Load(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
	c, tm := liveConsoleOpts(t, conn, url, Options{IncidentSlug: demo.Slug()})
	waitListeners(t, conn, 1)
	tm.Send(press("I"))
	// The screen, not the switcher's fields: those belong to the program's
	// goroutine, the screen was rendered there and handed over under a lock.
	c.waitFor(t, "the switcher", func(_ Model, screen string) bool {
		return strings.Contains(screen, "Incidents · enter switches") && strings.Contains(screen, "Production environment")
	})
	write(t, conn, "carol", func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.Declare(ctx, tx, incident.Declaration{Title: "Payments queue stuck", Severity: "sev1", Slug: "payq"})
		return err
	})
	c.waitFor(t, "the new incident in the switcher", func(_ Model, screen string) bool {
		return strings.Contains(screen, "Payments queue stuck") && strings.Contains(screen, "carol")
	})
}
