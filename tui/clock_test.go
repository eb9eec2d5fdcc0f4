package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/incident"
)

// TestOverdueMarksTurnWithTheClock: with no data changing, the header's
// cadence turns overdue on the next tick once the promised time passes,
// and an action item due today turns overdue (marked and counted) at the
// incident's midnight, woken by the day timer even once the incident is
// resolved and the second tick has stopped. Neither reads the database.
func TestOverdueMarksTurnWithTheClock(t *testing.T) {
	conn := demoDB(t)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clk := time.Now()
	// Due the day the clock shows once the update is late (three minutes
	// on), so the test holds across a midnight in Shanghai too.
	y, mo, d := clk.Add(3 * time.Minute).In(shanghai).Date()
	due := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		inc, err := incident.Declare(ctx, tx, incident.Declaration{Title: "Checkout down", Severity: "sev1",
			Slug: "checkout", Zone: "Asia/Shanghai", StartedAt: clk.Add(-10 * time.Minute)})
		if err != nil {
			return err
		}
		if _, err := incident.AddActionItem(ctx, tx, inc.ID, incident.NewActionItem{Title: "Alert on payment errors", Owner: "li", Due: &due}); err != nil {
			return err
		}
		_, err = incident.PostUpdate(ctx, tx, inc.ID, incident.UpdateInput{Audience: "internal", Text: "failing over", NextIn: time.Minute})
		return err
	})

	var armed []time.Duration
	var fire func(time.Time) tea.Msg
	m := New(conn, Options{IncidentSlug: "checkout", Now: func() time.Time { return clk }, Actor: "alice"})
	m.dayTimer = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		armed, fire = append(armed, d), fn
		return nil
	}
	m = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m = step(t, m, m.Init()())
	if want := untilNextDay(clk, shanghai); len(armed) != 1 || armed[0] != want {
		t.Fatalf("day timer armed for %v, want [%v]", armed, want)
	}
	if l := firstLine(screen(m)); !strings.Contains(l, "next update in") {
		t.Fatalf("header: %q", l)
	}

	// The promised minute passes: the next second's tick says so.
	clk = clk.Add(3 * time.Minute)
	m = step(t, m, tickMsg(clk))
	if l := firstLine(screen(m)); !strings.Contains(l, "update overdue 2m") || m.loading {
		t.Fatalf("header after the promised time (loading %v): %q", m.loading, l)
	}

	// Resolved: the second tick stops, the day timer still wakes the view.
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.SetStatus(ctx, tx, m.snap.Incident.ID, 0, "resolved", "")
		return err
	})
	m = act(t, m, "ctrl+r")
	if m.snap.Incident.Open() {
		t.Fatal("not resolved")
	}
	m = keys(t, m, "3")
	before := screen(m)
	if !strings.Contains(before, "1 open · 0 overdue") {
		t.Fatalf("before midnight:\n%s", before)
	}
	clk = clk.Add(untilNextDay(clk, shanghai)) // just past midnight in Shanghai
	nm, cmd := m.Update(fire(clk))
	m = nm.(Model)
	if cmd != nil || m.loading {
		t.Fatalf("the day timer started a command (%v) or a load (%v)", cmd != nil, m.loading)
	}
	s := screen(m)
	if !strings.Contains(s, "1 open · 1 overdue") || !strings.Contains(s, "overdue     Alert on payment errors") {
		t.Fatalf("after midnight:\n%s", s)
	}
	if len(armed) != 2 || armed[1] != untilNextDay(clk, shanghai) || armed[1] < 23*time.Hour {
		t.Fatalf("day timer not armed for the next midnight: %v", armed)
	}
	// A timer armed for another incident's zone is ignored.
	if nm, _ := m.Update(dayTickMsg{gen: m.day.gen - 1}); nm.(Model).day != m.day {
		t.Fatal("a stale day timer re-armed")
	}
}
