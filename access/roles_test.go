package access_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
)

// Each operation is run as each role over its own login, as raw SQL: what
// psql could try. allowed lists the roles that may; all others must get a
// permission error from the database itself.
func TestRolesEnforcedByDatabase(t *testing.T) {
	f := newFixture(t)
	// margin_rates comes with 00003: its rows are always checked, never skipped.
	hasRates := dbtest.Get[bool](t, f.admin, `SELECT to_regclass('margin_rates') IS NOT NULL`)
	if !hasRates {
		t.Fatal("no margin_rates table: the migrations did not run")
	}
	f.admin.MustExec(`INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES ($1, 'retail', 20, 'x')`, f.incident)
	type op struct {
		name    string
		sql     string
		allowed []string
		skip    bool
	}
	all := access.Roles
	C, E, F := access.Commander, access.Engineer, access.Finance
	ops := []op{
		{"read incidents", `SELECT count(*) FROM incidents`, all, false},
		{"read audit", `SELECT count(*) FROM audit_log`, all, false},
		{"read approvals", `SELECT count(*) FROM approvals`, all, false},
		{"add timeline note", fmt.Sprintf(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES (%d, 'note', 'x', now())`, f.incident), []string{C, E}, false},
		{"edit timeline entry", fmt.Sprintf(`UPDATE timeline_entries SET title = 'y' WHERE id = %d`, f.entry), []string{C, E}, false},
		{"milestone progress", fmt.Sprintf(`UPDATE milestones SET progress = 50 WHERE id = %d`, f.milestone), []string{C, E}, false},
		{"milestone history", fmt.Sprintf(`INSERT INTO milestone_updates (milestone_id, to_status, to_progress) VALUES (%d, 'planned', 1)`, f.milestone), []string{C, E}, false},
		{"rename incident", fmt.Sprintf(`UPDATE incidents SET title = 'z' WHERE id = %d`, f.incident), []string{C}, false},
		{"add merchant", fmt.Sprintf(`INSERT INTO merchants (incident_id, merchant_id) VALUES (%d, 'M2')`, f.incident), []string{C, F}, false},
		{"claim state", fmt.Sprintf(`UPDATE claims SET state = 'approved' WHERE id = %d`, f.claim), []string{C, F}, false},
		{"record money received", fmt.Sprintf(`INSERT INTO contributions (contributor_id, amount_fen, received_at) VALUES (%d, 1, now())`, f.contributor), []string{F}, false},
		{"small payout", fmt.Sprintf(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES (%d, %d, 100, 'k-small')`, f.incident, f.claim), []string{C, F}, false},
		{"first margin rate", fmt.Sprintf(`INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES (%d, 'food', 10, 's')`, f.incident), []string{C, F}, !hasRates},
		// High-risk: nobody directly, only through an approved request.
		{"payout above threshold", fmt.Sprintf(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES (%d, %d, 2000000, 'k-big')`, f.incident, f.claim), nil, false},
		{"change margin rate", fmt.Sprintf(`INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES (%d, 'retail', 90, 's')`, f.incident), nil, !hasRates},
		{"void entry directly", fmt.Sprintf(`UPDATE timeline_entries SET voided_at = now(), voided_by = 'me' WHERE id = %d`, f.entry), nil, false},
		{"void milestone directly", fmt.Sprintf(`UPDATE milestones SET voided_at = now(), voided_by = 'me' WHERE id = %d`, f.milestone), nil, false},
		{"change contribution", fmt.Sprintf(`UPDATE contributions SET amount_fen = 1 WHERE id = %d`, f.contrib), nil, false},
		{"change pledge", fmt.Sprintf(`UPDATE contributors SET pledged_fen = 1 WHERE id = %d`, f.contributor), nil, false},
		{"raise payout threshold", fmt.Sprintf(`UPDATE funds SET payout_approval_fen = 999999999 WHERE incident_id = %d`, f.incident), nil, false},
		{"delete entry", fmt.Sprintf(`DELETE FROM timeline_entries WHERE id = %d`, f.entry), nil, false},
		{"delete merchants", `DELETE FROM merchants`, nil, false},
		{"truncate claims", `TRUNCATE claims CASCADE`, nil, false},
		{"delete incident", `DELETE FROM incidents`, nil, false},
		{"forge audit row", `INSERT INTO audit_log (table_name, op, rows) VALUES ('incidents', 'INSERT', 1)`, nil, false},
		{"alter audit row", `UPDATE audit_log SET actor = 'someone'`, nil, false},
		{"delete audit rows", `DELETE FROM audit_log`, nil, false},
		{"truncate audit chain", `TRUNCATE audit_chain`, nil, false},
		{"disable audit trigger", `ALTER TABLE audit_log DISABLE TRIGGER append_only`, nil, false},
		{"disable table audit", `ALTER TABLE merchants DISABLE TRIGGER audit_insert`, nil, false},
		{"approve by UPDATE", `UPDATE approvals SET state = 'approved'`, nil, false},
		{"insert approval", `INSERT INTO approvals (op, payload, reason, requested_by, expires_at) VALUES ('void_entry', '{}', 'r', 'x', now() + interval '1h')`, nil, false},
		{"create a login", `CREATE ROLE sneaky LOGIN`, nil, false},
		{"grant self commander", `GRANT warroom_commander TO CURRENT_USER`, nil, false},
		// Through the definer functions, which check the role themselves.
		{"request a void", fmt.Sprintf(`SELECT warroom_request('void_entry', %d, '{"entry_id": %d}', 'duplicate')`, f.incident, f.entry), []string{C, E}, false},
		{"request a payout", fmt.Sprintf(`SELECT warroom_request('payout', %d, '{"claim_id": %d, "amount_fen": 2000000, "idempotency_key": "k"}', 'big')`, f.incident, f.claim), []string{C, F}, false},
		{"request a role", `SELECT warroom_request('role_grant', NULL, '{"user": "x", "role": "commander"}', 'promote')`, []string{C}, false},
		{"add a user", `SELECT warroom_user_add('tnew_user_x', 'viewer', 'SCRAM-SHA-256$4096:c2FsdA==$a:b')`, []string{C}, false},
	}
	conns := map[string]*sqlx.DB{}
	for _, r := range access.Roles {
		conns[r], _ = f.login(t, r)
	}
	for _, o := range ops {
		if o.skip {
			continue
		}
		for _, r := range access.Roles {
			err := asTx(t, conns[r], func(tx *sqlx.Tx) error {
				_, err := tx.Exec(o.sql)
				return err
			})
			want := slices.Contains(o.allowed, r)
			switch {
			case want && err != nil:
				t.Errorf("%s as %s: refused: %v", o.name, r, err)
			case !want && err == nil:
				t.Errorf("%s as %s: allowed, want refused", o.name, r)
			case !want && !errors.Is(db.MapError(err), db.ErrPermissionDenied):
				t.Errorf("%s as %s: refused for the wrong reason: %v", o.name, r, err)
			}
		}
	}
}

// warroom.actor is for the single-user embedded database: a shared login
// that sets it is still recorded as itself.
func TestLoginCannotWriteInSomeoneElsesName(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	eng, name := f.login(t, access.Engineer)
	err := db.Write(ctx, eng, "the-ceo", func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start, author)
			VALUES ($1, 'note', 'x', now(), warroom_actor())`, f.incident)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	author := dbtest.Get[string](t, f.admin, `SELECT author FROM timeline_entries WHERE title = 'x'`)
	var login, actor string
	if err := f.admin.QueryRow(`SELECT login, actor FROM audit_log WHERE table_name = 'timeline_entries' ORDER BY id DESC LIMIT 1`).
		Scan(&login, &actor); err != nil {
		t.Fatal(err)
	}
	if author != name || login != name || actor != name {
		t.Fatalf("author %q, audit login %q actor %q; want %q", author, login, actor, name)
	}
}

func TestUserManagement(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	boss, bossName := f.login(t, access.Commander)
	boss2, _ := f.login(t, access.Commander)
	viewer, _ := f.login(t, access.Viewer)

	if _, _, err := access.AddUser(ctx, viewer, "tv_nope", access.Finance); !errors.Is(err, db.ErrPermissionDenied) {
		t.Fatalf("viewer adding a user: %v", err)
	}
	if _, _, err := access.AddUser(ctx, boss, "Bad Name", access.Finance); err == nil {
		t.Fatal("bad name accepted")
	}
	if _, _, err := access.AddUser(ctx, boss, "tok_name", "admin"); err == nil {
		t.Fatal("bad role accepted")
	}
	// A commander's new user waits for a second commander.
	name := "tu" + bossName[1:9] + "_fin"
	t.Cleanup(func() { dropRole(f.url, name) })
	pw, req, err := access.AddUser(ctx, boss, name, access.Finance)
	if err != nil || req == 0 || len(pw) < 20 {
		t.Fatalf("add: pw %d chars, request %d, %v", len(pw), req, err)
	}
	users, err := access.Users(ctx, f.admin)
	if err != nil || len(users) == 0 {
		t.Fatalf("users %v, %v", users, err)
	}
	u := users[len(users)-1]
	if u.Name != name || u.Active || !u.CanLogin || u.CreatedBy != bossName {
		t.Fatalf("new user %+v", u)
	}
	// boss is a commander, the approver role: only the self-approval rule refuses.
	_, err = access.Approve(ctx, boss, req, "")
	dbtest.WantPG(t, err, "42501", "cannot approve it: a different person must")
	if _, err := access.Approve(ctx, boss2, req, "ok"); err != nil {
		t.Fatal(err)
	}
	if !dbtest.Get[bool](t, f.admin, `SELECT pg_has_role($1, 'warroom_finance', 'MEMBER')`, name) {
		t.Fatal("approved role not granted")
	}
	if err := access.RevokeUser(ctx, viewer, name); !errors.Is(err, db.ErrPermissionDenied) {
		t.Fatalf("viewer revoking: %v", err)
	}
	if err := access.RevokeUser(ctx, boss, name); err != nil {
		t.Fatal(err)
	}
	member := dbtest.Get[bool](t, f.admin, `SELECT pg_has_role($1, 'warroom_finance', 'MEMBER')`, name)
	canLogin := dbtest.Get[bool](t, f.admin, `SELECT rolcanlogin FROM pg_roles WHERE rolname = $1`, name)
	if member || canLogin {
		t.Fatalf("after revoke: member %v, can login %v", member, canLogin)
	}
}
