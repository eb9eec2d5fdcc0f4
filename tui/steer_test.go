package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
	"warroom/incident"
)

// declareCheckout declares a sev1 "Checkout down" (slug checkout) with
// commander as its commander.
func declareCheckout(t *testing.T, conn *sqlx.DB, commander string) {
	t.Helper()
	write(t, conn, commander, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.Declare(ctx, tx, incident.Declaration{Title: "Checkout down", Severity: "sev1", Slug: "checkout"})
		return err
	})
}

// steerHelp is R, S and V on the ? screen.
var steerHelp = regexp.MustCompile(`(?s)R +assign role.*S +status \(resolve\).*V +severity`)

func checkoutConsole(t *testing.T, conn *sqlx.DB, actor string) Model {
	t.Helper()
	m := New(conn, Options{IncidentSlug: "checkout", Now: time.Now, Actor: actor})
	m = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	return step(t, m, m.Init()())
}

// TestTimelineChangesStatusAndSeverity: V changes the severity, refused
// beside the note until one is given; S resolves (the choice starts on the
// next status), and reopening is refused beside the note until it says
// why. Each change is in the database, on the header and on the timeline.
func TestTimelineChangesStatusAndSeverity(t *testing.T) {
	conn := demoDB(t)
	declareCheckout(t, conn, "alice")
	m := checkoutConsole(t, conn, "alice")
	row := func() string {
		return dbtest.Get[string](t, conn, `SELECT status || ' ' || severity FROM incidents WHERE slug = 'checkout'`)
	}

	m = act(t, m, "V")
	f := openForm(m)
	if f == nil || f.title != "Change the incident's severity" || f.Value("severity") != "sev1" {
		t.Fatalf("V opened no severity form:\n%s", screen(m))
	}
	m = fill(t, m, "severity", "")
	m = step(t, m, press2("right")) // sev1 -> sev2
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Note"); !strings.Contains(got, "say why") {
		t.Fatalf("a change without a note is not refused beside it: %q\n%s", got, screen(m))
	}
	if row() != "investigating sev1" {
		t.Fatalf("a refused change wrote: %s", row())
	}
	m = fill(t, m, "note", "one region only")
	m = act(t, m, "enter")
	if openForm(m) != nil || row() != "investigating sev2" {
		t.Fatalf("severity not changed (%s):\n%s", row(), screen(m))
	}
	if l := firstLine(screen(m)); !strings.Contains(l, "SEV2 INVESTIGATING") {
		t.Fatalf("header: %q", l)
	}

	m = act(t, m, "S")
	f = openForm(m)
	if f == nil || f.Value("status") != "identified" || !strings.Contains(screen(m), "[identified]") {
		t.Fatalf("S opened no status form starting on identified:\n%s", screen(m))
	}
	m = fill(t, m, "status", "")
	m = keys(t, m, "r") // the choice starting with r: resolved
	m = act(t, m, "enter")
	if openForm(m) != nil || row() != "resolved sev2" {
		t.Fatalf("not resolved (%s):\n%s", row(), screen(m))
	}
	s := screen(m)
	if l := firstLine(s); !strings.Contains(l, "SEV2 RESOLVED") || !strings.Contains(l, "resolved ") {
		t.Fatalf("header: %q", l)
	}
	if !strings.Contains(s, "Resolved") || !strings.Contains(s, "status now resolved") {
		t.Fatalf("the resolution is not on the timeline:\n%s", s)
	}

	m = act(t, m, "S")
	if f = openForm(m); f == nil || f.Value("status") != "investigating" {
		t.Fatalf("reopening does not start on investigating:\n%s", screen(m))
	}
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Note"); !strings.Contains(got, "needs a note") {
		t.Fatalf("a reopening without a note is not refused beside it: %q\n%s", got, screen(m))
	}
	m = fill(t, m, "note", "errors are back")
	m = act(t, m, "enter")
	if openForm(m) != nil || row() != "investigating sev2" {
		t.Fatalf("not reopened (%s):\n%s", row(), screen(m))
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM timeline_entries e JOIN incidents i ON i.id = e.incident_id
		WHERE i.slug = 'checkout' AND e.kind IN ('status', 'severity') AND e.author = 'alice'`); n != 3 {
		t.Fatalf("%d status and severity entries by alice, want 3", n)
	}
}

// TestSteerKeysOnlyForThoseWhoMay: R, S and V are offered to a warroom
// commander and to an engineer commanding the incident, not to a viewer,
// finance or an engineer who does not command it, and appear once command
// is handed to that engineer. Command handed away while the form is open:
// the database's refusal shows on the form, the input kept.
func TestSteerKeysOnlyForThoseWhoMay(t *testing.T) {
	u := dbtest.NewURLFrom(t, "demo", loadDemo)
	admin := dbtest.Open(t, u)
	declareCheckout(t, admin, "alice")
	offered := func(m Model) bool {
		full := screen(keys(t, m, "?"))
		return steerHelp.MatchString(full)
	}
	for _, role := range []string{"viewer", "finance", "engineer", "commander"} {
		conn := loginConn(t, admin, u, role)
		m := checkoutConsole(t, conn, "")
		if got, want := offered(m), role == "commander"; got != want {
			t.Fatalf("%s: steering keys offered %v, want %v\n%s", role, got, want, screen(keys(t, m, "?")))
		}
		if role == "commander" {
			continue
		}
		for _, k := range []string{"S", "V", "R"} {
			if openForm(act(t, m, k)) != nil {
				t.Fatalf("%s: %s opened a form", role, k)
			}
		}
		if role != "engineer" {
			continue
		}
		login := dbtest.Get[string](t, conn, `SELECT current_user::text`)
		write(t, admin, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := incident.AssignRole(ctx, tx, m.snap.Incident.ID, "commander", login)
			return err
		})
		m = act(t, m, "ctrl+r")
		if !offered(m) {
			t.Fatalf("the engineer commanding it is not offered the keys:\n%s", screen(keys(t, m, "?")))
		}
		m = act(t, m, "S")
		m = fill(t, m, "note", "fixed by the failover")
		write(t, admin, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := incident.AssignRole(ctx, tx, m.snap.Incident.ID, "commander", "alice")
			return err
		})
		m = act(t, m, "enter")
		f := openForm(m)
		if f == nil || !strings.Contains(f.msg, "may not change the status") || !strings.Contains(screen(m), "only its commander (alice)") {
			t.Fatalf("refusal not shown: %+v\n%s", f, screen(m))
		}
		if f.Value("note") != "fixed by the failover" {
			t.Fatal("the input was lost")
		}
		if got := dbtest.Get[string](t, admin, `SELECT status FROM incidents WHERE slug = 'checkout'`); got != "investigating" {
			t.Fatalf("status %s after a refusal", got)
		}
	}
}
