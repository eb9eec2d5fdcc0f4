package tui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
	"warroom/demo"
)

// loginConn is a connection to the database at dbURL as a new login
// holding role (granted at once by the superuser admin); the role is
// dropped when the test ends.
func loginConn(t *testing.T, admin *sqlx.DB, dbURL, role string) *sqlx.DB {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "t" + hex.EncodeToString(b) + "_" + role
	pw, req, err := access.AddUser(context.Background(), admin, name, role)
	if err != nil || req != 0 {
		t.Fatalf("add %s: %v (request %d)", name, err, req)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if a, err := db.Open(ctx, dbURL); err == nil {
			a.ExecContext(ctx, `DROP OWNED BY `+name)
			a.ExecContext(ctx, `DROP ROLE IF EXISTS `+name)
			a.Close()
		}
	})
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(name, pw)
	return dbtest.Open(t, u.String())
}

// demoURL is a fresh database holding the demo incident, with its address.
func demoURL(t *testing.T) (*sqlx.DB, string) {
	t.Helper()
	u := dbtest.NewURL(t)
	conn := dbtest.Open(t, u)
	if _, err := demo.Load(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
	return conn, u
}

// TestSwitcherDeclares: n in the switcher opens the declare form; a bad
// zone is refused beside its field, nothing written; a good one declares
// the incident with the console's actor as commander and puts it on the
// console.
func TestSwitcherDeclares(t *testing.T) {
	conn := demoDB(t)
	m := newActorModel(t, conn, "alice", 80, 24)
	m = act(t, m, "I")
	if s := screen(m); !strings.Contains(s, "n declares a new one") || !strings.Contains(s, "n declare new") {
		t.Fatalf("the switcher does not offer n:\n%s", s)
	}
	m = act(t, m, "n")
	out := screen(m)
	checkFrame(t, out, 80, 24)
	golden.RequireEqual(t, []byte(out))
	before := countRowsSQL(t, conn, `SELECT count(*) FROM incidents`)
	m = fill(t, m, "title", "Checkout down")
	m = fill(t, m, "zone", "Mars/Olympus")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Zone"); !strings.Contains(got, "not a time zone") {
		t.Fatalf("bad zone: %q\n%s", got, screen(m))
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM incidents`); n != before {
		t.Fatal("a refused declaration wrote an incident")
	}
	m = fill(t, m, "zone", "Asia/Shanghai")
	m = fill(t, m, "severity", "")
	m = step(t, m, press2("left")) // sev2 -> sev1
	m = fill(t, m, "summary", "card payments fail")
	m = act(t, m, "enter")
	if m.switcher.open || m.snap == nil || m.snap.Incident.Title != "Checkout down" {
		t.Fatalf("not switched to the new incident:\n%s", screen(m))
	}
	if m.snap.Incident.Severity != "sev1" || m.snap.Commander != "alice" || m.snap.Incident.TimeZone != "Asia/Shanghai" {
		t.Fatalf("declared: %+v commander %q", m.snap.Incident, m.snap.Commander)
	}
	if l := firstLine(screen(m)); !strings.Contains(l, "SEV1 INVESTIGATING") || !strings.Contains(l, "cmdr alice") {
		t.Fatalf("header: %q", l)
	}
}

// TestSwitcherDeclareRefusedForViewer: a viewer's console does not offer
// n; a finance login's... neither; and the database's refusal is what a
// console that could not ask would show.
func TestSwitcherDeclareRefusedForViewer(t *testing.T) {
	admin, u := demoURL(t)
	for _, role := range []string{"viewer", "finance"} {
		conn := loginConn(t, admin, u, role)
		m := New(conn, Options{IncidentSlug: demo.Slug(), Now: func() time.Time { return fixedNow }})
		m = step(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		m = step(t, m, m.Init()())
		m = act(t, m, "I")
		if !m.switcher.open || m.switcher.mayDeclare {
			t.Fatalf("%s: switcher open %v, may declare %v", role, m.switcher.open, m.switcher.mayDeclare)
		}
		if s := screen(m); strings.Contains(s, "declare") {
			t.Fatalf("%s: the switcher offers declare:\n%s", role, s)
		}
		if m = act(t, m, "n"); openForm(m) != nil {
			t.Fatalf("%s: n opened the form", role)
		}
		// Had the console not known: the form shows the database's refusal.
		m.switcher.mayDeclare = true
		m = act(t, m, "n")
		m = fill(t, m, "title", "Checkout down")
		m = act(t, m, "enter")
		f := openForm(m)
		if f == nil || !strings.Contains(f.msg, "may not declare an incident: needs the commander or engineer role") {
			t.Fatalf("%s: refusal not shown: %+v\n%s", role, f, screen(m))
		}
		if f.Value("title") != "Checkout down" {
			t.Fatalf("%s: the input was lost", role)
		}
	}
}
