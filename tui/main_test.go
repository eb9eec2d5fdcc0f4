package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
	"warroom/demo"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixedNow is 2020-03-05 10:00 in Shanghai: after the demo incident was
// resolved, so its clock is frozen at T+8d 14h whatever the date.
var fixedNow = time.Date(2020, 3, 5, 2, 0, 0, 0, time.UTC)

// demoDB is a fresh database holding the reference incident.
func demoDB(t *testing.T) *sqlx.DB {
	t.Helper()
	return dbtest.NewFrom(t, "demo", loadDemo)
}

// loadDemo loads the reference incident once per test binary; demoDB clones it.
func loadDemo(conn *sqlx.DB) error {
	_, err := demo.Load(context.Background(), conn)
	return err
}

// newTestModel is the console on conn, sized and with its first load run
// synchronously (commands are run by hand: no program, no goroutines).
func newTestModel(t *testing.T, conn *sqlx.DB, w, h int) Model {
	t.Helper()
	m := New(conn, Options{Now: func() time.Time { return fixedNow }})
	m = step(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return step(t, m, m.Init()())
}

// step feeds one message to the model and returns the new model. Commands
// are dropped: tests run the ones they care about themselves.
func step(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	nm, _ := m.Update(msg)
	return nm.(Model)
}

// keys sends key presses ("j", "/", "esc", ...) one by one; a string that
// is not a known key name is typed character by character.
func keys(t *testing.T, m Model, ks ...string) Model {
	t.Helper()
	for _, k := range ks {
		m = step(t, m, press(k))
	}
	return m
}

func typed(t *testing.T, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		k := string(r)
		if r == ' ' {
			k = "space"
		}
		m = step(t, m, press(k))
	}
	return m
}

func screen(m Model) string { return ansi.Strip(m.View().Content) }
