package access_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
	"warroom/incident"
)

// refusal is what a role must get back from the database for an operation:
// nil allowed, else the SQLSTATE and a part of the message or the constraint.
type refusal struct {
	code, msg, constraint string
}

func (r *refusal) check(t *testing.T, what string, err error) {
	t.Helper()
	switch {
	case r == nil && err != nil:
		t.Errorf("%s: refused: %v", what, err)
	case r == nil:
	case r.constraint != "":
		t.Run(what, func(t *testing.T) { dbtest.WantConstraint(t, err, r.code, r.constraint) })
	default:
		t.Run(what, func(t *testing.T) { dbtest.WantPG(t, err, r.code, r.msg) })
	}
}

func execTx(t *testing.T, conn *sqlx.DB, q string, args ...any) error {
	t.Helper()
	return asTx(t, conn, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(q, args...)
		return err
	})
}

func declareAs(t *testing.T, conn *sqlx.DB, slug string) int64 {
	t.Helper()
	var id int64
	if err := conn.Get(&id, `SELECT warroom_declare_incident('Checkout down', 'sev1', 'UTC', NULL, $1, '')`, slug); err != nil {
		t.Fatal(err)
	}
	return id
}

// Who may declare: engineers and commanders, through the function only.
func TestWhoMayDeclare(t *testing.T) {
	f := newFixture(t)
	notDeclarer := &refusal{code: "42501", msg: "may not declare an incident: needs the commander or engineer role"}
	noTable := &refusal{code: "42501", msg: "permission denied for table incidents"}
	want := map[string]*refusal{access.Commander: nil, access.Engineer: nil, access.Finance: notDeclarer, access.Viewer: notDeclarer}
	for _, r := range access.Roles {
		conn, name := f.login(t, r)
		err := asTx(t, conn, func(tx *sqlx.Tx) error {
			var id int64
			if err := tx.Get(&id, `SELECT warroom_declare_incident('Checkout down', 'sev1', 'UTC', NULL, '', '')`); err != nil {
				return err
			}
			// The declarer commands it, and the declared entry is theirs.
			cmd := dbtest.Get[string](t, tx, `SELECT warroom_incident_commander($1)`, id)
			author := dbtest.Get[string](t, tx, `SELECT author FROM timeline_entries WHERE incident_id = $1 AND kind = 'declared'`, id)
			if cmd != name || author != name {
				t.Errorf("%s declared: commander %q, author %q; want %q", r, cmd, author, name)
			}
			return nil
		})
		want[r].check(t, "declare as "+r, err)
		// Nobody inserts an incident past the function (no commander, no entry).
		noTable.check(t, "insert incident as "+r, execTx(t, conn, `INSERT INTO incidents (slug, title, started_at) VALUES ('x', 'x', now())`))
	}
}

// Who may change status and severity, resolve, and assign roles: the
// incident's own commander (an engineer or commander login) or any warroom
// commander. Nobody changes those columns directly.
func TestWhoMaySteerAnIncident(t *testing.T) {
	f := newFixture(t)
	cmdr, _ := f.login(t, access.Commander)
	eng, engName := f.login(t, access.Engineer)
	other, _ := f.login(t, access.Engineer)
	fin, finName := f.login(t, access.Finance)
	view, _ := f.login(t, access.Viewer)
	inc := declareAs(t, eng, "eng-led")
	// Finance named as a role-holder still may not steer.
	f.admin.MustExec(`SELECT warroom_assign_role($1, 'deputy', $2)`, inc, finName)

	notCommander := &refusal{code: "42501", msg: "only its commander (" + engName + ") or a warroom commander may"}
	type op struct {
		name string
		sql  string
	}
	ops := []op{
		{"change status", fmt.Sprintf(`SELECT warroom_set_incident_status(%d, 'identified', 'found it', 0)`, inc)},
		{"resolve", fmt.Sprintf(`SELECT warroom_set_incident_status(%d, 'resolved', '', 0)`, inc)},
		{"change severity", fmt.Sprintf(`SELECT warroom_set_incident_severity(%d, 'sev2', 'contained', 0)`, inc)},
		{"assign a role", fmt.Sprintf(`SELECT warroom_assign_role(%d, 'scribe', 'carol')`, inc)},
		{"hand over command", fmt.Sprintf(`SELECT warroom_assign_role(%d, 'commander', 'carol')`, inc)},
	}
	who := []struct {
		name string
		conn *sqlx.DB
		want *refusal
	}{
		{"its commander (engineer)", eng, nil},
		{"a warroom commander", cmdr, nil},
		{"another engineer", other, notCommander},
		{"finance on duty", fin, notCommander},
		{"viewer", view, notCommander},
	}
	for _, o := range ops {
		for _, w := range who {
			w.want.check(t, o.name+" as "+w.name, execTx(t, w.conn, o.sql))
		}
	}
	// The direct routes are closed to every login, commanders included.
	for _, w := range who {
		(&refusal{code: "42501", msg: "permission denied for table incidents"}).check(t, "UPDATE status as "+w.name,
			execTx(t, w.conn, `UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = $1`, inc))
		(&refusal{code: "42501", msg: "permission denied for table incidents"}).check(t, "UPDATE severity as "+w.name,
			execTx(t, w.conn, `UPDATE incidents SET severity = 'sev4' WHERE id = $1`, inc))
		(&refusal{code: "42501", msg: "permission denied for table incident_roles"}).check(t, "INSERT role as "+w.name,
			execTx(t, w.conn, `INSERT INTO incident_roles (incident_id, role, person) VALUES ($1, 'scribe', 'x')`, inc))
		forge := &refusal{code: "42501", msg: "written by the database"}
		if w.conn == fin || w.conn == view {
			forge.msg = "permission denied for table timeline_entries" // not a timeline writer at all
		}
		forge.check(t, "forge a status entry as "+w.name,
			execTx(t, w.conn, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES ($1, 'status', 'Resolved', now())`, inc))
	}
	// The recorded decisions are not edited afterwards either.
	(&refusal{code: "42501", msg: "written by the database"}).check(t, "edit the declared entry",
		execTx(t, cmdr, `UPDATE timeline_entries SET title = 'nothing happened' WHERE incident_id = $1 AND kind = 'declared'`, inc))

	// After a handoff the old commander (an engineer) steers no more.
	if _, err := eng.Exec(`SELECT warroom_assign_role($1, 'commander', $2)`, inc, "someone-else"); err != nil {
		t.Fatal(err)
	}
	(&refusal{code: "42501", msg: "only its commander (someone-else)"}).check(t, "status by the former commander",
		execTx(t, eng, `SELECT warroom_set_incident_status($1, 'identified', '', 0)`, inc))
	// Reopening needs a note, for the commander too.
	if _, err := cmdr.Exec(`SELECT warroom_set_incident_status($1, 'resolved', '', 0)`, inc); err != nil {
		t.Fatal(err)
	}
	(&refusal{code: "22023", msg: "needs a note saying why"}).check(t, "reopen without a note",
		execTx(t, cmdr, `SELECT warroom_set_incident_status($1, 'monitoring', '', 0)`, inc))
}

// Stakeholder updates are timeline entries: engineers and commanders post them.
func TestWhoMayPostAnUpdate(t *testing.T) {
	f := newFixture(t)
	post := fmt.Sprintf(`INSERT INTO timeline_entries (incident_id, kind, title, audience, actual_start, next_update_at)
		VALUES (%d, 'update', 'We are on it', 'customers', now(), now() + interval '30 minutes')`, f.incident)
	denied := &refusal{code: "42501", msg: "permission denied for table timeline_entries"}
	want := map[string]*refusal{access.Commander: nil, access.Engineer: nil, access.Finance: denied, access.Viewer: denied}
	for _, r := range access.Roles {
		conn, _ := f.login(t, r)
		want[r].check(t, "post an update as "+r, execTx(t, conn, post))
	}
	eng, _ := f.login(t, access.Engineer)
	(&refusal{code: "23514", constraint: "timeline_entries_update_audience"}).check(t, "update without an audience",
		execTx(t, eng, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES ($1, 'update', 'x', now())`, f.incident))
}

// Action items and remediation measures: engineers and commanders; findings
// about a person: commanders. Won't do needs its reason whoever writes it.
func TestWhoMayWriteActionItems(t *testing.T) {
	f := newFixture(t)
	var measure, item int64
	if err := f.admin.Get(&measure, `INSERT INTO remediation_measures (incident_id, position, title) VALUES ($1, 1, 'Follow-ups') RETURNING id`, f.incident); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.Get(&item, `INSERT INTO action_items (measure_id, position, title) VALUES ($1, 1, 'canary') RETURNING id`, measure); err != nil {
		t.Fatal(err)
	}
	var person int64
	if err := f.admin.Get(&person, `INSERT INTO people (incident_id, name) VALUES ($1, 'Bob') RETURNING id`, f.incident); err != nil {
		t.Fatal(err)
	}
	items := &refusal{code: "42501", msg: "permission denied for table action_items"}
	measures := &refusal{code: "42501", msg: "permission denied for table remediation_measures"}
	findings := &refusal{code: "42501", msg: "permission denied for table findings"}
	C, E := access.Commander, access.Engineer
	for _, r := range access.Roles {
		conn, name := f.login(t, r)
		writer := r == C || r == E
		pick := func(ref *refusal, ok bool) *refusal {
			if ok {
				return nil
			}
			return ref
		}
		pick(items, writer).check(t, "add an action item as "+r,
			execTx(t, conn, `INSERT INTO action_items (measure_id, position, title, owner, due) VALUES ($1, 2, 'alert', 'SRE', '2026-04-01')`, measure))
		pick(items, writer).check(t, "close an action item as "+r,
			execTx(t, conn, `UPDATE action_items SET status = 'done' WHERE id = $1`, item))
		pick(measures, writer).check(t, "add a measure as "+r,
			execTx(t, conn, `INSERT INTO remediation_measures (incident_id, position, title) VALUES ($1, 2, 'Safer deploys')`, f.incident))
		pick(findings, r == C).check(t, "add a finding as "+r,
			execTx(t, conn, `INSERT INTO findings (incident_id, person_id, position, finding) VALUES ($1, $2, 1, 'skipped review')`, f.incident, person))
		if writer {
			(&refusal{code: "23514", constraint: "action_items_wont_do_reason"}).check(t, "won't do without a reason as "+r,
				execTx(t, conn, `UPDATE action_items SET status = 'wont_do' WHERE id = $1`, item))
			(&refusal{code: "42501", msg: "may not write as"}).check(t, "edit an item in another's name as "+r,
				execTx(t, conn, `UPDATE action_items SET status = 'done', updated_by = 'the-ceo' WHERE id = $1`, item))
			err := asTx(t, conn, func(tx *sqlx.Tx) error {
				if _, err := tx.Exec(`UPDATE action_items SET status = 'wont_do', reason = 'covered', updated_by = '' WHERE id = $1`, item); err != nil {
					return err
				}
				if by := dbtest.Get[string](t, tx, `SELECT updated_by FROM action_items WHERE id = $1`, item); by != name {
					t.Errorf("%s: updated_by %q, want the login %q", r, by, name)
				}
				return nil
			})
			(*refusal)(nil).check(t, "won't do with a reason as "+r, err)
		}
	}
}

// A finance or viewer login named as the incident's commander still steers
// nothing: the commander's name only counts for an engineer login.
func TestNamedCommanderWithoutAnEngineerRoleMayNotSteer(t *testing.T) {
	f := newFixture(t)
	eng, _ := f.login(t, access.Engineer)
	for _, r := range []string{access.Finance, access.Viewer} {
		conn, name := f.login(t, r)
		inc := declareAs(t, eng, "named-"+r)
		f.admin.MustExec(`SELECT warroom_assign_role($1, 'commander', $2)`, inc, name)
		if got := dbtest.Get[string](t, f.admin, `SELECT warroom_incident_commander($1)`, inc); got != name {
			t.Fatalf("commander %q, want %q", got, name)
		}
		refused := &refusal{code: "42501", msg: "only its commander (" + name + ") or a warroom commander may"}
		for what, q := range map[string]string{
			"change status":     fmt.Sprintf(`SELECT warroom_set_incident_status(%d, 'identified', 'found it', 0)`, inc),
			"resolve":           fmt.Sprintf(`SELECT warroom_set_incident_status(%d, 'resolved', '', 0)`, inc),
			"change severity":   fmt.Sprintf(`SELECT warroom_set_incident_severity(%d, 'sev2', 'contained', 0)`, inc),
			"assign a role":     fmt.Sprintf(`SELECT warroom_assign_role(%d, 'scribe', 'carol')`, inc),
			"hand over command": fmt.Sprintf(`SELECT warroom_assign_role(%d, 'commander', 'carol')`, inc),
		} {
			refused.check(t, what+" as "+r+" named commander", execTx(t, conn, q))
		}
	}
}

// Someone who may not steer the incident hears that, not the state's rules:
// a viewer reopening a resolved incident without a note, or setting the
// severity it already has, is refused for the role; a commander gets the
// field's own message.
func TestStateRulesAreToldOnlyToThoseWhoMaySteer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.admin.MustExec(`UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = $1`, f.incident)
	var sev string
	if err := f.admin.Get(&sev, `SELECT severity FROM incidents WHERE id = $1`, f.incident); err != nil {
		t.Fatal(err)
	}
	viewer, _ := f.login(t, access.Viewer)
	commander, _ := f.login(t, access.Commander)
	reopen := func(conn *sqlx.DB) error {
		_, err := incident.SetStatus(ctx, conn, f.incident, 0, "investigating", "")
		return err
	}
	same := func(conn *sqlx.DB) error {
		_, err := incident.SetSeverity(ctx, conn, f.incident, 0, sev, "why not")
		return err
	}
	for name, do := range map[string]func(*sqlx.DB) error{"reopen without a note": reopen, "same severity": same} {
		if err := do(viewer); !errors.Is(err, db.ErrPermissionDenied) {
			t.Errorf("viewer, %s: %v, want the role refused", name, err)
		}
		var fe *db.FieldError
		if err := do(commander); !errors.As(err, &fe) {
			t.Errorf("commander, %s: %v, want a field error", name, err)
		}
	}
}
