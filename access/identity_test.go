package access_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/access"
	"warroom/db"
)

// wantRefused asserts err is the database's insufficient_privilege (42501)
// with a message containing msg and, when given, naming table and column.
func wantRefused(t *testing.T, what string, err error, table, column, msg string) {
	t.Helper()
	var pe *pq.Error
	if !errors.As(err, &pe) {
		t.Errorf("%s: want 42501 refusal, got %v", what, err)
		return
	}
	if pe.Code != "42501" || !strings.Contains(pe.Message, msg) ||
		(table != "" && pe.Table != table) || (column != "" && pe.Column != column) {
		t.Errorf("%s: got %s %q (table %q, column %q); want 42501 %q on %s.%s",
			what, pe.Code, pe.Message, pe.Table, pe.Column, msg, table, column)
	}
}

// identityCase is one person column, written with plain SQL: %s in ins is
// the column's value (SQL), or the whole column list and value are left out
// when omit is given.
type identityCase struct {
	table, column string
	roles         []string
	ins           string // INSERT with %[1]s = ", column" or "", %[2]s = ", value" or ""
	read          string // the column of the row ins wrote
}

func identityCases(f *fixture) []identityCase {
	C, E, F := access.Commander, access.Engineer, access.Finance
	return []identityCase{
		{"timeline_entries", "author", []string{C, E},
			fmt.Sprintf(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start%%[1]s)
				VALUES (%d, 'note', 'identity', now()%%[2]s)`, f.incident),
			`SELECT author FROM timeline_entries WHERE title = 'identity'`},
		{"milestone_updates", "author", []string{C, E},
			fmt.Sprintf(`INSERT INTO milestone_updates (milestone_id, to_status, to_progress, note%%[1]s)
				VALUES (%d, 'planned', 1, 'identity'%%[2]s)`, f.milestone),
			`SELECT author FROM milestone_updates WHERE note = 'identity'`},
		{"milestones", "updated_by", []string{C, E},
			fmt.Sprintf(`INSERT INTO milestones (incident_id, key, title, position%%[1]s)
				VALUES (%d, 'identity', 'I', 9%%[2]s)`, f.incident),
			`SELECT updated_by FROM milestones WHERE key = 'identity'`},
		{"payouts", "created_by", []string{C, F},
			fmt.Sprintf(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key%%[1]s)
				VALUES (%d, %d, 100, 'k-identity'%%[2]s)`, f.incident, f.claim),
			`SELECT created_by FROM payouts WHERE idempotency_key = 'k-identity'`},
		{"margin_rates", "set_by", []string{C, F},
			fmt.Sprintf(`INSERT INTO margin_rates (incident_id, industry, percent, source%%[1]s)
				VALUES (%d, 'identity', 10, 's'%%[2]s)`, f.incident),
			`SELECT set_by FROM margin_rates WHERE industry = 'identity'`},
		{"plan_changes", "changed_by", []string{C},
			fmt.Sprintf(`INSERT INTO plan_changes (incident_id, claim_id, from_plan, to_plan, reason%%[1]s)
				VALUES (%d, %d, 'cash', 'traffic', 'identity'%%[2]s)`, f.incident, f.claim),
			`SELECT changed_by FROM plan_changes WHERE reason = 'identity'`},
		{"merchant_imports", "imported_by", []string{C, F},
			fmt.Sprintf(`INSERT INTO merchant_imports (incident_id, file_name, sha256, merchants%%[1]s)
				VALUES (%d, 'identity', repeat('a', 64), 0%%[2]s)`, f.incident),
			`SELECT imported_by FROM merchant_imports WHERE file_name = 'identity'`},
		{"sales_imports", "imported_by", []string{C, F},
			fmt.Sprintf(`INSERT INTO sales_imports (incident_id, file_name, sha256, rows_total, rows_in_window,
				rows_outside, in_window_fen, merchants%%[1]s)
				VALUES (%d, 'identity', repeat('b', 64), 0, 0, 0, 0, 0%%[2]s)`, f.incident),
			`SELECT imported_by FROM sales_imports WHERE file_name = 'identity'`},
	}
}

// Every person column, as every login allowed to write its table, in plain
// SQL: naming someone else is refused with 42501 naming the table and the
// column; leaving it out, or empty (where a row trigger can fill it), gives
// the login's own name; naming oneself is fine.
func TestRowsAreWrittenInTheLoginsName(t *testing.T) {
	f := newFixture(t)
	conns, names := map[string]*sqlx.DB{}, map[string]string{}
	for _, r := range []string{access.Commander, access.Engineer, access.Finance} {
		conns[r], names[r] = f.login(t, r)
	}
	for _, c := range identityCases(f) {
		for _, r := range c.roles {
			conn, me := conns[r], names[r]
			run := func(col, val string) (string, error) {
				var got string
				err := asTx(t, conn, func(tx *sqlx.Tx) error {
					if _, err := tx.Exec(fmt.Sprintf(c.ins, col, val)); err != nil {
						return err
					}
					return tx.Get(&got, c.read)
				})
				return got, err
			}
			what := fmt.Sprintf("%s.%s as %s", c.table, c.column, r)
			_, err := run(", "+c.column, ", 'incident commander'")
			wantRefused(t, what+" naming someone else", err, c.table, c.column, "may not write as incident commander")
			// warroom.actor is honoured for superusers only: a login setting it still writes as itself.
			err = asTx(t, conn, func(tx *sqlx.Tx) error {
				if err := db.SetActor(context.Background(), tx, "incident commander"); err != nil {
					return err
				}
				_, err := tx.Exec(fmt.Sprintf(c.ins, ", "+c.column, ", warroom_actor()"))
				if err != nil {
					return err
				}
				var got string
				if err := tx.Get(&got, c.read); err != nil {
					return err
				}
				if got != me {
					return fmt.Errorf("written as %q with warroom.actor set, want %q", got, me)
				}
				return nil
			})
			if err != nil {
				t.Errorf("%s with warroom.actor set: %v", what, err)
			}
			if got, err := run("", ""); err != nil || got != me {
				t.Errorf("%s left out: %q, %v; want %q", what, got, err, me)
			}
			if got, err := run(", "+c.column, fmt.Sprintf(", '%s'", me)); err != nil || got != me {
				t.Errorf("%s naming oneself: %q, %v; want %q", what, got, err, me)
			}
			if c.table == "payouts" {
				// No row trigger on the bulk table: an empty name is simply not the writer's.
				_, err := run(", "+c.column, ", ''")
				wantRefused(t, what+" empty", err, c.table, c.column, "may not write as")
				continue
			}
			if got, err := run(", "+c.column, ", ''"); err != nil || got != me {
				t.Errorf("%s empty: %q, %v; want %q", what, got, err, me)
			}
			if got, err := run(", "+c.column, ", NULL"); err != nil || got != me {
				t.Errorf("%s NULL: %q, %v; want %q", what, got, err, me)
			}
		}
	}
}

// A bulk insert with one foreign name among many of the writer's own is
// refused whole (the payouts check runs once per statement).
func TestBulkPayoutNamingSomeoneElseIsRefused(t *testing.T) {
	f := newFixture(t)
	fin, me := f.login(t, access.Finance)
	err := asTx(t, fin, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
			SELECT $1, $2, 1, 'k-bulk-' || g, CASE WHEN g = 37 THEN 'cfo' ELSE $3 END
			FROM generate_series(1, 50) g`, f.incident, f.claim, me)
		return err
	})
	wantRefused(t, "bulk payouts", err, "payouts", "created_by", "may not write as cfo")
}

// Who wrote a row does not change afterwards; who changed a milestone last
// may only be the one changing it.
func TestAuthorsAreNotRewritten(t *testing.T) {
	f := newFixture(t)
	eng, me := f.login(t, access.Engineer)
	for _, name := range []string{"someone", me} {
		err := asTx(t, eng, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`UPDATE timeline_entries SET author = $2 WHERE id = $1`, f.entry, name)
			return err
		})
		wantRefused(t, "engineer rewriting an entry's author to "+name, err, "timeline_entries", "author", "does not change")
	}
	err := asTx(t, eng, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`UPDATE milestones SET progress = 10, updated_by = 'someone' WHERE id = $1`, f.milestone)
		return err
	})
	wantRefused(t, "engineer updating a milestone as someone", err, "milestones", "updated_by", "may not write as someone")
	var by string
	err = asTx(t, eng, func(tx *sqlx.Tx) error {
		return tx.Get(&by, `UPDATE milestones SET progress = 10, updated_by = '' WHERE id = $1 RETURNING updated_by`, f.milestone)
	})
	if err != nil || by != me {
		t.Fatalf("engineer updating a milestone, updated_by left empty: %q, %v; want %q", by, err, me)
	}
}

// The kept records are insert-only: an engineer (or anyone but a superuser)
// cannot rewrite an earlier version of a timeline entry, a milestone's
// history, a plan change or a margin rate, nor file an "earlier version"
// by hand. Editing an entry still keeps its earlier version, as the editor.
func TestKeptVersionsAreInsertOnly(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	eng, me := f.login(t, access.Engineer)
	fin, _ := f.login(t, access.Finance)
	boss, _ := f.login(t, access.Commander)
	f.admin.MustExec(`INSERT INTO milestone_updates (milestone_id, to_status, to_progress) VALUES ($1, 'planned', 0)`, f.milestone)
	f.admin.MustExec(`INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES ($1, 'food', 10, 's')`, f.incident)
	f.admin.MustExec(`INSERT INTO plan_changes (incident_id, claim_id, from_plan, to_plan, reason) VALUES ($1, $2, 'cash', 'traffic', 'r')`, f.incident, f.claim)

	// The engineer's edit keeps the version it replaces, attributed to them.
	err := db.Write(ctx, eng, "", func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`UPDATE timeline_entries SET title = 'corrected' WHERE id = $1`, f.entry)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var title, by string
	if err := f.admin.QueryRow(`SELECT title, replaced_by FROM timeline_entry_versions WHERE entry_id = $1`, f.entry).Scan(&title, &by); err != nil {
		t.Fatal(err)
	}
	if title != "n" || by != me {
		t.Fatalf("kept version %q replaced by %q; want %q by %q", title, by, "n", me)
	}

	for _, c := range []struct {
		who  string
		conn *sqlx.DB
		sql  string
	}{
		{"engineer", eng, `UPDATE timeline_entry_versions SET title = 'rewritten', replaced_by = 'someone'`},
		{"commander", boss, `UPDATE timeline_entry_versions SET title = 'rewritten'`},
		{"engineer", eng, `INSERT INTO timeline_entry_versions (entry_id, version, kind, title, body, precision,
			actual_start, author, updated_at, replaced_by) SELECT id, 99, kind, 'forged', '', precision,
			actual_start, author, now(), 'someone' FROM timeline_entries`},
		{"engineer", eng, `UPDATE milestone_updates SET note = 'rewritten'`},
		{"commander", boss, `UPDATE plan_changes SET reason = 'rewritten'`},
		{"finance", fin, `UPDATE margin_rates SET percent = 90`},
	} {
		err := asTx(t, c.conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(c.sql)
			return err
		})
		wantRefused(t, c.who+": "+c.sql, err, "", "", "permission denied")
	}

	// The grants are gone; the trigger holds even for a login that is
	// given them back (anyone but a superuser).
	var grantee string
	err = f.admin.Get(&grantee, `SELECT coalesce(string_agg(grantee || ' ' || table_name || ' ' || privilege_type, ', '), '')
		FROM information_schema.role_table_grants
		WHERE table_name IN ('timeline_entry_versions', 'milestone_updates', 'plan_changes', 'margin_rates')
		  AND grantee LIKE 'warroom\_%' AND (privilege_type = 'UPDATE'
		      OR (privilege_type = 'INSERT' AND table_name = 'timeline_entry_versions'))`)
	if err != nil || grantee != "" {
		t.Fatalf("writer grants left: %q, %v", grantee, err)
	}
	_, regranted := f.login(t, access.Engineer)
	for _, table := range []string{"timeline_entry_versions", "milestone_updates", "plan_changes", "margin_rates"} {
		err := asTx(t, f.admin, func(tx *sqlx.Tx) error {
			tx.MustExec(fmt.Sprintf(`GRANT UPDATE ON %s TO %s`, table, regranted))
			tx.MustExec(`SET LOCAL ROLE ` + regranted)
			_, err := tx.Exec(fmt.Sprintf(`UPDATE %s SET %s`, table, map[string]string{
				"timeline_entry_versions": "title = 'x'", "milestone_updates": "note = 'x'",
				"plan_changes": "reason = 'x'", "margin_rates": "percent = 1"}[table]))
			return err
		})
		wantRefused(t, "regranted UPDATE on "+table, err, table, "", "is a kept record and insert-only")
	}
}

// The superuser (the embedded single-user server, `--as`) and the schema
// owner's approved operations may still name people: the demo's history and
// an approved payout are written in another's name.
func TestSuperuserMayNameSomeone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var author, omitted, created string
	err := db.Write(ctx, f.admin, "alice", func(tx *sqlx.Tx) error {
		if err := tx.Get(&author, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start, author)
			VALUES ($1, 'note', 'named', now(), 'incident commander') RETURNING author`, f.incident); err != nil {
			return err
		}
		if err := tx.Get(&omitted, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start)
			VALUES ($1, 'note', 'omitted', now()) RETURNING author`, f.incident); err != nil {
			return err
		}
		return tx.Get(&created, `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
			VALUES ($1, $2, 100, 'k-su', 'SRE') RETURNING created_by`, f.incident, f.claim)
	})
	if err != nil {
		t.Fatal(err)
	}
	if author != "incident commander" || omitted != "alice" || created != "SRE" {
		t.Fatalf("superuser as alice wrote author %q, omitted %q, payout %q", author, omitted, created)
	}

	// An approved payout is the requester's, written by the approver's session.
	req, asker := f.login(t, access.Finance)
	appr, _ := f.login(t, access.Finance)
	var id int64
	err = db.Write(ctx, req, "", func(tx *sqlx.Tx) error {
		var err error
		id, err = access.Request(ctx, tx, access.OpPayout, f.incident,
			map[string]any{"claim_id": f.claim, "amount_fen": 2000000, "idempotency_key": "k-approved"}, "big", 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, appr, "", func(tx *sqlx.Tx) error { _, err := access.Approve(ctx, tx, id, ""); return err }); err != nil {
		t.Fatal(err)
	}
	var by string
	if err := f.admin.Get(&by, `SELECT created_by FROM payouts WHERE idempotency_key = 'k-approved'`); err != nil || by != asker {
		t.Fatalf("approved payout created_by %q, %v; want the requester %q", by, err, asker)
	}
}
