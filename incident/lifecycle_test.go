package incident_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/incident"
)

// as runs fn in one transaction attributed to actor (the embedded
// superuser's --as), as the console and the CLI do.
func as(t *testing.T, conn *sqlx.DB, actor string, fn func(tx *sqlx.Tx) error) error {
	t.Helper()
	return db.Write(context.Background(), conn, actor, fn)
}

func declare(t *testing.T, conn *sqlx.DB, actor string, d incident.Declaration) incident.Incident {
	t.Helper()
	var inc incident.Incident
	err := as(t, conn, actor, func(tx *sqlx.Tx) error {
		var err error
		inc, err = incident.Declare(context.Background(), tx, d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var fe *db.FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("want a %s error, got %v", field, err)
	}
}

func entriesOfKind(t *testing.T, conn *sqlx.DB, id int64, kind string) []incident.Entry {
	t.Helper()
	all, err := incident.Timeline(context.Background(), conn, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []incident.Entry
	for _, e := range all {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func TestDeclareMakesTheDeclarerCommander(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	start := time.Now().Add(-20 * time.Minute).Truncate(time.Second)
	inc := declare(t, conn, "alice", incident.Declaration{Title: " Checkout down ", Severity: "sev1",
		Zone: "Asia/Shanghai", StartedAt: start, Summary: "payments fail"})
	wantSlug := "checkout-down-" + start.UTC().Format("20060102")
	if inc.Slug != wantSlug || inc.Title != "Checkout down" || inc.Status != "investigating" || inc.Severity != "sev1" ||
		inc.TimeZone != "Asia/Shanghai" || !inc.StartedAt.Equal(start) || inc.ResolvedAt != nil || inc.Summary != "payments fail" {
		t.Fatalf("declared %+v", inc)
	}
	if who, err := incident.Commander(ctx, conn, inc.ID); err != nil || who != "alice" {
		t.Fatalf("commander %q, %v", who, err)
	}
	d := entriesOfKind(t, conn, inc.ID, "declared")
	if len(d) != 1 || d[0].Author != "alice" || !d[0].At().Equal(start) || !strings.Contains(d[0].Title, "sev1") ||
		!strings.Contains(d[0].Body, "alice") {
		t.Fatalf("declared entry %+v", d)
	}
	// The same title the same day gets the next free slug; a given slug is kept.
	again := declare(t, conn, "bob", incident.Declaration{Title: "Checkout down", Severity: "sev2", StartedAt: start})
	if again.Slug != wantSlug+"-2" || again.TimeZone != "UTC" {
		t.Fatalf("second: %q in %s", again.Slug, again.TimeZone)
	}
	named := declare(t, conn, "bob", incident.Declaration{Title: "DNS", Severity: "sev3", Slug: "dns-flap"})
	if named.Slug != "dns-flap" || time.Since(named.StartedAt) > time.Minute {
		t.Fatalf("named: %+v", named)
	}
}

func TestDeclareRefusesBadInputAndWritesNothing(t *testing.T) {
	conn := dbtest.New(t)
	for _, c := range []struct {
		d     incident.Declaration
		field string
	}{
		{incident.Declaration{Title: " ", Severity: "sev1"}, "title"},
		{incident.Declaration{Title: strings.Repeat("x", incident.MaxTitle+1), Severity: "sev1"}, "title"},
		{incident.Declaration{Title: "x", Severity: "sev0"}, "severity"},
		{incident.Declaration{Title: "x", Severity: "sev1", Zone: "Mars/Olympus"}, "zone"},
		{incident.Declaration{Title: "x", Severity: "sev1", Slug: "Bad Slug"}, "slug"},
		{incident.Declaration{Title: "x", Severity: "sev1", StartedAt: time.Now().Add(time.Hour)}, "started_at"},
	} {
		err := as(t, conn, "alice", func(tx *sqlx.Tx) error {
			_, err := incident.Declare(context.Background(), tx, c.d)
			return err
		})
		wantField(t, err, c.field)
	}
	// The database holds the same line on its own.
	_, err := conn.Exec(`SELECT warroom_declare_incident('x', 'sev1', 'UTC', now() + interval '1 hour', '', '')`)
	dbtest.WantPG(t, err, "22023", "is in the future")
	_, err = conn.Exec(`SELECT warroom_declare_incident('x', 'sev9', 'UTC', NULL, '', '')`)
	dbtest.WantConstraint(t, err, "23514", "incidents_severity_check")
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM incidents`); n != 0 {
		t.Fatalf("%d incidents after refused declarations", n)
	}
}

func setStatus(t *testing.T, conn *sqlx.DB, actor string, id int64, version int, status, note string) (incident.Incident, error) {
	t.Helper()
	var inc incident.Incident
	err := as(t, conn, actor, func(tx *sqlx.Tx) error {
		var err error
		inc, err = incident.SetStatus(context.Background(), tx, id, version, status, note)
		return err
	})
	return inc, err
}

func TestStatusChangesAreOnTheTimeline(t *testing.T) {
	conn := dbtest.New(t)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Checkout down", Severity: "sev1"})
	got, err := setStatus(t, conn, "alice", inc.ID, inc.Version, "identified", "bad deploy of payments")
	if err != nil || got.Status != "identified" || got.ResolvedAt != nil || got.UpdatedBy != "alice" {
		t.Fatalf("identified: %+v, %v", got, err)
	}
	// A save against the version before is refused, naming who changed it.
	_, err = setStatus(t, conn, "bob", inc.ID, inc.Version, "monitoring", "")
	var ce *db.ConflictError
	if !errors.As(err, &ce) || ce.By != "alice" {
		t.Fatalf("stale status change: %v", err)
	}
	_, err = setStatus(t, conn, "bob", inc.ID, 0, "identified", "")
	wantField(t, err, "status")
	resolved, err := setStatus(t, conn, "alice", inc.ID, got.Version, "resolved", "")
	if err != nil || resolved.Status != "resolved" || resolved.ResolvedAt == nil {
		t.Fatalf("resolved: %+v, %v", resolved, err)
	}
	// Reopening needs a note: refused by Go, and by the database for a client that skips Go.
	_, err = setStatus(t, conn, "alice", inc.ID, 0, "investigating", " ")
	wantField(t, err, "note")
	_, err = conn.Exec(`SELECT warroom_set_incident_status($1, 'investigating', '', 0)`, inc.ID)
	dbtest.WantPG(t, err, "22023", "needs a note")
	reopened, err := setStatus(t, conn, "alice", inc.ID, 0, "investigating", "errors are back")
	if err != nil || reopened.Status != "investigating" || reopened.ResolvedAt != nil {
		t.Fatalf("reopened: %+v, %v", reopened, err)
	}
	st := entriesOfKind(t, conn, inc.ID, "status")
	if len(st) != 3 || st[0].Title != "Status: investigating → identified" || st[0].Body != "bad deploy of payments" ||
		st[1].Title != "Resolved" || st[2].Title != "Reopened: investigating" || st[2].Body != "errors are back" ||
		st[2].Author != "alice" {
		t.Fatalf("status entries %+v", st)
	}
}

func TestSeverityChangeNeedsANote(t *testing.T) {
	conn := dbtest.New(t)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Slow search", Severity: "sev3"})
	sev := func(v int, s, note string) (incident.Incident, error) {
		var out incident.Incident
		err := as(t, conn, "alice", func(tx *sqlx.Tx) error {
			var err error
			out, err = incident.SetSeverity(context.Background(), tx, inc.ID, v, s, note)
			return err
		})
		return out, err
	}
	_, err := sev(0, "sev1", "")
	wantField(t, err, "note")
	_, err = conn.Exec(`SELECT warroom_set_incident_severity($1, 'sev1', ' ', 0)`, inc.ID)
	dbtest.WantPG(t, err, "22023", "needs a note")
	_, err = sev(0, "sev3", "same")
	wantField(t, err, "severity")
	got, err := sev(inc.Version, "sev1", "checkout affected too")
	if err != nil || got.Severity != "sev1" {
		t.Fatalf("severity: %+v, %v", got, err)
	}
	e := entriesOfKind(t, conn, inc.ID, "severity")
	if len(e) != 1 || e[0].Title != "Severity: sev3 → sev1" || e[0].Body != "checkout affected too" {
		t.Fatalf("severity entries %+v", e)
	}
	// Only the lifecycle's statuses are taken, whoever writes the column.
	_, err = conn.Exec(`UPDATE incidents SET status = 'bogus' WHERE id = $1`, inc.ID)
	dbtest.WantConstraint(t, err, "23514", "incidents_status_check")
}

func TestCommanderHandoffNamesBothPeople(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Checkout down", Severity: "sev1"})
	assign := func(role, person string) (incident.Duty, error) {
		var d incident.Duty
		err := as(t, conn, "alice", func(tx *sqlx.Tx) error {
			var err error
			d, err = incident.AssignRole(ctx, tx, inc.ID, role, person)
			return err
		})
		return d, err
	}
	if _, err := assign("scribe", "carol"); err != nil {
		t.Fatal(err)
	}
	d, err := assign(" Commander ", "bob")
	if err != nil || d.Role != "commander" || d.Person != "bob" || d.AssignedBy != "alice" {
		t.Fatalf("handoff: %+v, %v", d, err)
	}
	_, err = assign("commander", "bob")
	dbtest.WantPG(t, err, "22023", "already commander")
	_, err = assign("comms lead", "dan")
	wantField(t, err, "role")
	_, err = assign("deputy", " ")
	wantField(t, err, "person")
	duty, err := incident.OnDuty(ctx, conn, inc.ID)
	if err != nil || len(duty) != 2 || duty[0].Role != "commander" || duty[0].Person != "bob" || duty[1].Person != "carol" {
		t.Fatalf("on duty %+v, %v", duty, err)
	}
	roles := entriesOfKind(t, conn, inc.ID, "role")
	if len(roles) != 2 || roles[1].Title != "Command handed from alice to bob" || roles[0].Title != "carol is scribe" {
		t.Fatalf("role entries %+v", roles)
	}
	// Exactly one commander, whatever writes the rows.
	_, err = conn.Exec(`INSERT INTO incident_roles (incident_id, role, person) VALUES ($1, 'commander', 'eve')`, inc.ID)
	dbtest.WantConstraint(t, err, "23505", "incident_roles_one_commander")
}

func TestUpdatesKeepACadence(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Checkout down", Severity: "sev1"})
	post := func(in incident.UpdateInput) (incident.Entry, error) {
		var e incident.Entry
		err := as(t, conn, "carol", func(tx *sqlx.Tx) error {
			var err error
			e, err = incident.PostUpdate(ctx, tx, inc.ID, in)
			return err
		})
		return e, err
	}
	if c, err := incident.NextUpdate(ctx, conn, inc.ID); err != nil || c.DueAt != nil {
		t.Fatalf("before any update: %+v, %v", c, err)
	}
	_, err := post(incident.UpdateInput{Audience: "press", Text: "x"})
	wantField(t, err, "audience")
	_, err = post(incident.UpdateInput{Audience: "customers", Text: " "})
	wantField(t, err, "text")
	_, err = post(incident.UpdateInput{Audience: "customers", Text: "x", NextIn: 10 * time.Second})
	wantField(t, err, "next_in")
	e, err := post(incident.UpdateInput{Audience: "customers", Text: "Checkout is failing for some cards.\nNext: a fix is rolling out.", NextIn: 30 * time.Minute})
	if err != nil || e.Kind != "update" || *e.Audience != "customers" || e.Author != "carol" ||
		e.Title != "Checkout is failing for some cards." || !strings.Contains(e.Body, "rolling out") ||
		e.NextUpdateAt == nil || e.NextUpdateAt.Sub(*e.ActualStart) != 30*time.Minute {
		t.Fatalf("posted %+v, %v", e, err)
	}
	c, err := incident.NextUpdate(ctx, conn, inc.ID)
	if err != nil || c.DueAt == nil || !c.DueAt.Equal(*e.NextUpdateAt) {
		t.Fatalf("cadence %+v, %v", c, err)
	}
	ups, err := incident.Updates(ctx, conn, inc.ID)
	if err != nil || len(ups) != 1 || ups[0].ID != e.ID {
		t.Fatalf("updates %+v, %v", ups, err)
	}
	// Audience belongs to updates only, and every update has one.
	_, err = conn.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES ($1, 'update', 'x', now())`, inc.ID)
	dbtest.WantConstraint(t, err, "23514", "timeline_entries_update_audience")
	_, err = conn.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start, next_update_at) VALUES ($1, 'note', 'x', now(), now() + interval '1h')`, inc.ID)
	dbtest.WantConstraint(t, err, "23514", "timeline_entries_update_next")
	// A resolved incident owes no update.
	if _, err := setStatus(t, conn, "alice", inc.ID, 0, "resolved", ""); err != nil {
		t.Fatal(err)
	}
	if c, err := incident.NextUpdate(ctx, conn, inc.ID); err != nil || c.DueAt != nil {
		t.Fatalf("resolved: %+v, %v", c, err)
	}
}

func TestCadenceLabel(t *testing.T) {
	due := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := incident.Cadence{DueAt: &due}
	for _, tc := range []struct {
		now     time.Time
		label   string
		overdue int
	}{
		{due.Add(-12 * time.Minute), "next update in 12m", 0},
		{due.Add(-11*time.Minute - 30*time.Second), "next update in 12m", 0},
		{due.Add(-90 * time.Minute), "next update in 1h 30m", 0},
		{due, "next update in 0m", 0},
		{due.Add(20 * time.Second), "update overdue 1m", 0},
		{due.Add(3 * time.Minute), "update overdue 3m", 3},
	} {
		if got := c.Label(tc.now); got != tc.label {
			t.Errorf("at %s: %q, want %q", tc.now.Sub(due), got, tc.label)
		}
		if got := c.OverdueMinutes(tc.now); got != tc.overdue {
			t.Errorf("at %s: overdue %d, want %d", tc.now.Sub(due), got, tc.overdue)
		}
	}
	if got := (incident.Cadence{}).Label(due); got != "" {
		t.Fatalf("no cadence: %q", got)
	}
}

func TestListShowsCommanderAndDurations(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	start := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Checkout down", Severity: "sev1", StartedAt: start})
	open := declare(t, conn, "bob", incident.Declaration{Title: "Search slow", Severity: "sev3"})
	mustExec(t, conn, `INSERT INTO milestones (incident_id, key, title, position, status, progress, actual_end) VALUES
		($1, 'a', 'A', 1, 'done', 100, $2::timestamptz + interval '45 minutes'),
		($1, 'b', 'B', 2, 'done', 100, $2::timestamptz + interval '90 minutes'),
		($1, 'c', 'C', 3, 'in_progress', 50, NULL)`, inc.ID, start)
	if _, err := setStatus(t, conn, "alice", inc.ID, 0, "resolved", ""); err != nil {
		t.Fatal(err)
	}
	all, err := incident.List(ctx, conn)
	if err != nil || len(all) != 2 {
		t.Fatalf("list %d, %v", len(all), err)
	}
	got := all[1] // newest first: the open one was declared later
	if all[0].Slug != open.Slug || all[0].Commander != "bob" || all[0].MinutesToResolve != nil || all[0].MinutesToFirstMilestone != nil {
		t.Fatalf("open one: %+v", all[0])
	}
	if got.Commander != "alice" || got.MinutesToFirstMilestone == nil || *got.MinutesToFirstMilestone != 45 ||
		got.MinutesToResolve == nil || *got.MinutesToResolve < 180 || *got.MinutesToResolve > 182 {
		t.Fatalf("resolved one: %+v", got)
	}
}

func TestUpdatesAreCorrectedButLifecycleEntriesAreNot(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Checkout down", Severity: "sev1"})
	var up incident.Entry
	err := as(t, conn, "alice", func(tx *sqlx.Tx) (err error) {
		up, err = incident.PostUpdate(ctx, tx, inc.ID, incident.UpdateInput{Audience: "executives", Text: "Checkout fails", NextIn: time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	edit := func(id int64, in incident.EntryInput) (incident.Entry, error) {
		var e incident.Entry
		err := as(t, conn, "alice", func(tx *sqlx.Tx) (err error) {
			e, err = incident.EditEntry(ctx, tx, id, 0, in)
			return err
		})
		return e, err
	}
	fixed, err := edit(up.ID, incident.EntryInput{Kind: "update", Title: "Checkout fails for cards", At: *up.ActualStart})
	if err != nil || fixed.Title != "Checkout fails for cards" || fixed.Audience == nil || *fixed.Audience != "executives" ||
		fixed.NextUpdateAt == nil || !fixed.NextUpdateAt.Equal(*up.NextUpdateAt) {
		t.Fatalf("corrected update %+v, %v", fixed, err)
	}
	_, err = edit(up.ID, incident.EntryInput{Kind: "note", Title: "x", At: *up.ActualStart})
	wantField(t, err, "kind")
	declared := entriesOfKind(t, conn, inc.ID, "declared")[0]
	_, err = edit(declared.ID, incident.EntryInput{Kind: "note", Title: "x", At: declared.At()})
	wantField(t, err, "kind")
	err = as(t, conn, "alice", func(tx *sqlx.Tx) error {
		_, err := incident.AddEntry(ctx, tx, inc.ID, incident.EntryInput{Kind: "update", Title: "x", At: time.Now()})
		return err
	})
	wantField(t, err, "kind")
}
