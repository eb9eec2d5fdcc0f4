package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/demo"
	"warroom/incident"
)

// write runs fn in one transaction attributed to actor, failing the test
// on an error.
func write(t *testing.T, conn *sqlx.DB, actor string, fn func(ctx context.Context, tx *sqlx.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.Write(ctx, conn, actor, func(tx *sqlx.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// TestHeaderShowsCommanderAndCadenceLive: a declared incident's console
// names its commander; a handoff and a stakeholder update made elsewhere
// reach the header with no key pressed.
func TestHeaderShowsCommanderAndCadenceLive(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	if _, err := demo.Load(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
	var inc incident.Incident
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		var err error
		inc, err = incident.Declare(ctx, tx, incident.Declaration{Title: "Checkout down", Severity: "sev1", Slug: "checkout"})
		return err
	})
	c, _ := liveConsoleOpts(t, conn, url, Options{IncidentSlug: "checkout"})
	waitListeners(t, conn, 1)
	var header string // read under the probe's lock, in waitFor
	c.waitFor(t, "the declarer as commander", func(_ Model, screen string) bool {
		header = firstLine(screen)
		return strings.Contains(header, "cmdr alice")
	})
	if l := header; strings.Contains(l, "update") {
		t.Fatalf("no update promised yet, header says: %q", l)
	}

	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.AssignRole(ctx, tx, inc.ID, "commander", "bob")
		return err
	})
	c.waitFor(t, "the handoff to bob", func(_ Model, screen string) bool {
		return strings.Contains(firstLine(screen), "cmdr bob")
	})

	write(t, conn, "bob", func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.PostUpdate(ctx, tx, inc.ID, incident.UpdateInput{Audience: "internal", Text: "Rolling back", NextIn: 12 * time.Minute})
		return err
	})
	c.waitFor(t, "the cadence", func(_ Model, screen string) bool {
		return strings.Contains(firstLine(screen), "next update in 12m")
	})
}

func firstLine(screen string) string {
	l, _, _ := strings.Cut(screen, "\n")
	return l
}

// TestGoldenDutyHeader pins the header with a commander and an overdue
// update at the smallest width: the title gives way, the commander and
// the cadence do not, and the overdue cadence is drawn red.
func TestGoldenDutyHeader(t *testing.T) {
	st := newStyles(DefaultTheme())
	now := time.Date(2026, 12, 6, 21, 14, 0, 0, time.UTC)
	due := now.Add(-3 * time.Minute)
	inc := &incident.Incident{Slug: "checkout", Title: "Checkout down for every card payment in the EU",
		TimeZone: "Asia/Shanghai", Status: "investigating", Severity: "sev1", StartedAt: now.Add(-47 * time.Minute)}
	cad := incident.Cadence{DueAt: &due}
	hs := headerState{width: 80, inc: inc, now: now, names: [maxTabs]string{"Timeline", "Restore", "Accountability"},
		commander: "bob", cadence: cad.Label(now), overdue: true}
	out := renderHeader(&st, hs)
	if red := st.Banner.Render("update overdue 3m"); !strings.Contains(out, red) {
		t.Errorf("an overdue update is not drawn in the banner's red:\n%q", out)
	}
	hs.overdue, hs.cadence = false, incident.Cadence{DueAt: &due}.Label(due.Add(-12*time.Minute))
	if calm := renderHeader(&st, hs); strings.Contains(calm, st.Banner.Render(hs.cadence)) || !strings.Contains(ansi.Strip(calm), "next update in 12m") {
		t.Errorf("an update not yet due: %q", ansi.Strip(calm))
	}
	golden.RequireEqual(t, []byte(ansi.Strip(out)))
}
