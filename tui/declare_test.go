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
	"warroom/incident"
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

// accOf is the console's Accountability view.
func accOf(m Model) *accountabilityView {
	for _, v := range m.views {
		if a, ok := v.(*accountabilityView); ok {
			return a
		}
	}
	return nil
}

// TestAccountabilityWrites: a adds an action item under the measure at the
// cursor; a past due date makes it overdue (counted and marked); e sets
// won't do, refused beside the reason until one is given; x closes one.
func TestAccountabilityWrites(t *testing.T) {
	conn := demoDB(t)
	m := newActorModel(t, conn, "alice", 100, 30)
	m = keys(t, m, "3")
	counts := func() string { return strings.Split(screen(m), "\n")[2] }
	before := counts()
	if !strings.Contains(before, "Action items") || !strings.Contains(before, "open ·") {
		t.Fatalf("no counts line: %q", before)
	}
	m = act(t, m, "a")
	if f := openForm(m); f == nil || f.title != "Add action item" {
		t.Fatalf("a opened no form:\n%s", screen(m))
	}
	m = fill(t, m, "title", "Rotate the bastion keys")
	m = fill(t, m, "owner", "Security team")
	m = fill(t, m, "due", "next week")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Due"); !strings.Contains(got, "a date such as") {
		t.Fatalf("bad due: %q\n%s", got, screen(m))
	}
	m = fill(t, m, "due", "2020-03-01") // before fixedNow: overdue
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("add failed:\n%s", screen(m))
	}
	var id int64
	var measure string
	if err := conn.QueryRow(`SELECT a.id, m.title FROM action_items a JOIN remediation_measures m ON m.id = a.measure_id
		WHERE a.title = 'Rotate the bastion keys' AND a.updated_by = 'alice'`).Scan(&id, &measure); err != nil {
		t.Fatal(err)
	}
	s := screen(m)
	if !strings.Contains(s, "overdue     Rotate the bastion keys") || !strings.Contains(counts(), "1 overdue") {
		t.Fatalf("the new item is not overdue on screen:\n%s", s)
	}
	// Select it, set won't do without a reason: refused beside the field.
	m = keys(t, m, "/")
	m = typed(t, m, "bastion keys")
	m = keys(t, m, "enter", "g", "j")
	m = act(t, m, "e")
	f := openForm(m)
	if f == nil || f.Value("title") != "Rotate the bastion keys" {
		t.Fatalf("e did not open the item:\n%s", screen(m))
	}
	m = fill(t, m, "status", "")
	m = keys(t, m, "w")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Reason"); !strings.Contains(got, "say why") {
		t.Fatalf("won't do without a reason: %q\n%s", got, screen(m))
	}
	m = fill(t, m, "reason", "keys are replaced by certificates")
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("edit failed:\n%s", screen(m))
	}
	var status, reason string
	if err := conn.QueryRow(`SELECT status, reason FROM action_items WHERE id = $1`, id).Scan(&status, &reason); err != nil ||
		status != "wont_do" || reason != "keys are replaced by certificates" {
		t.Fatalf("item: %s %q %v", status, reason, err)
	}
	if s := screen(m); !strings.Contains(s, "won't do: keys are replaced") || !strings.Contains(counts(), "1 won't do") {
		t.Fatalf("won't do not shown:\n%s", s)
	}
	// x closes the first open item the filter finds.
	m = keys(t, m, "esc")
	open := countRowsSQL(t, conn, `SELECT count(*) FROM action_items WHERE status <> 'done'`)
	var first int64
	m = keys(t, m, "g")
	for i := 0; i < 60; i++ {
		if it, ok := accOf(m).selectedItem(); ok && it.Status != "done" && it.Status != "wont_do" {
			first = it.ID
			break
		}
		m = keys(t, m, "j")
	}
	if first == 0 {
		t.Fatalf("no open item to close:\n%s", screen(m))
	}
	m = act(t, m, "x")
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM action_items WHERE status <> 'done'`); n != open-1 {
		t.Fatalf("x closed %d items", open-n)
	}
	if it, ok := accOf(m).selectedItem(); !ok || it.ID != first || it.Status != "done" {
		t.Fatalf("the closed item is not selected and done: %+v\n%s", it, screen(m))
	}
	if !strings.Contains(counts(), "closed") {
		t.Fatalf("no word of the close: %q", counts())
	}
}

// TestTimelinePostsUpdateAndHandsOverCommand: on a declared incident, u
// posts an update whose next-in the header counts down, and R hands the
// command over, the timeline naming both people.
func TestTimelinePostsUpdateAndHandsOverCommand(t *testing.T) {
	conn := demoDB(t)
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.Declare(ctx, tx, incident.Declaration{Title: "Checkout down", Severity: "sev1", Slug: "checkout"})
		return err
	})
	now := time.Now()
	m := New(conn, Options{IncidentSlug: "checkout", Now: func() time.Time { return now }, Actor: "alice"})
	m = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m = step(t, m, m.Init()())

	m = act(t, m, "u")
	if f := openForm(m); f == nil || f.title != "Post a stakeholder update" {
		t.Fatalf("u opened no update form:\n%s", screen(m))
	}
	m = fill(t, m, "next_in", "soon")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Next in"); !strings.Contains(got, "a duration") {
		t.Fatalf("bad next-in not refused beside its field: %q\n%s", got, screen(m))
	}
	m = fill(t, m, "next_in", "1m")
	m = act(t, m, "enter") // no text: the domain refuses it
	if got := openForm(m).Field("text").err; got != "must not be empty" || !strings.Contains(screen(m), "! must not be empty") {
		t.Fatalf("empty text not refused beside its field: %q\n%s", got, screen(m))
	}
	m = fill(t, m, "audience", "")
	m = keys(t, m, "c") // customers
	m = fill(t, m, "text", "Card payments fail; we are on it")
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("the update was not posted:\n%s", screen(m))
	}
	var audience string
	if err := conn.Get(&audience, `SELECT audience FROM timeline_entries WHERE kind = 'update' AND title = 'Card payments fail; we are on it'`); err != nil || audience != "customers" {
		t.Fatalf("update: %q %v", audience, err)
	}
	if l := firstLine(screen(m)); !strings.Contains(l, "next update in") {
		t.Fatalf("header has no cadence: %q", l)
	}

	m = act(t, m, "R")
	if f := openForm(m); f == nil || f.Value("role") != "commander" || !strings.Contains(f.context, "commander now: alice") {
		t.Fatalf("R opened no role form:\n%s", screen(m))
	}
	m = fill(t, m, "person", "bob")
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("the handoff failed:\n%s", screen(m))
	}
	if l := firstLine(screen(m)); !strings.Contains(l, "cmdr bob") {
		t.Fatalf("header after the handoff: %q", l)
	}
	var title string
	if err := conn.Get(&title, `SELECT title FROM timeline_entries WHERE kind = 'role' ORDER BY id DESC LIMIT 1`); err != nil ||
		!strings.Contains(title, "alice") || !strings.Contains(title, "bob") {
		t.Fatalf("handoff entry: %q %v", title, err)
	}
	if s := screen(m); !strings.Contains(s, title) {
		t.Fatalf("the handoff is not on the timeline:\n%s", s)
	}
}

// TestGoldenNewForms pins the console's new forms at 80x24: the stakeholder
// update, the role assignment, the status and the severity (timeline), and an action item's edit
// form (accountability).
func TestGoldenNewForms(t *testing.T) {
	conn := demoDB(t)
	for _, c := range []struct {
		name string
		keys []string
	}{
		{"update", []string{"u"}},
		{"role", []string{"R"}},
		{"status", []string{"S"}},
		{"severity", []string{"V"}},
		{"action_add", []string{"3", "a"}},
		{"action_edit", []string{"3", "G", "e"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newActorModel(t, conn, "alice", 80, 24)
			m = keys(t, m, c.keys...)
			out := screen(m)
			checkFrame(t, out, 80, 24)
			if openForm(m) == nil {
				t.Fatalf("no form open:\n%s", out)
			}
			golden.RequireEqual(t, []byte(out))
		})
	}
}
