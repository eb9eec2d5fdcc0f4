package access_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/access"
	"warroom/db/dbtest"
)

// TestServeGrantAPersonAddedLater: `warroom serve grant` in plain SQL. A
// person added after the authenticator was set up cannot be served; an
// engineer, a viewer and the authenticator itself are refused the grant; a
// commander may grant people only (not a group role, the owner, a
// superuser or another authenticator) and only to an authenticator; the
// grant and the revoke are in serve_grants and the audit, named after the
// commander; after the revoke the person is refused again.
func TestServeGrantAPersonAddedLater(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	commander, cmdrName := f.login(t, "commander")
	engineer, _ := f.login(t, "engineer")
	viewer, _ := f.login(t, "viewer")
	auth, authName := f.authenticator(t)
	_, later := f.login(t, "engineer") // added after the authenticator

	p, err := access.LookupPerson(ctx, auth, later)
	if !errors.Is(err, access.ErrUnknownPerson) {
		t.Fatalf("a person added later is served before any grant: %+v %v", p, err)
	}
	grant := func(conn *sqlx.DB, person, to string) (bool, error) {
		var changed bool
		err := conn.Get(&changed, `SELECT warroom_serve_grant($1, $2)`, person, to)
		return changed, err
	}
	revoke := func(conn *sqlx.DB, person, to string) (bool, error) {
		var changed bool
		err := conn.Get(&changed, `SELECT warroom_serve_revoke($1, $2)`, person, to)
		return changed, err
	}
	for _, conn := range []*sqlx.DB{engineer, viewer, auth} {
		_, err := grant(conn, later, authName)
		dbtest.WantPG(t, err, "42501", "permission denied for function warroom_serve_grant")
		_, err = revoke(conn, later, authName)
		dbtest.WantPG(t, err, "42501", "permission denied for function warroom_serve_revoke")
	}
	// A commander, within bounds.
	var owner string
	if err := f.admin.Get(&owner, `SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass`); err != nil {
		t.Fatal(err)
	}
	for _, notPerson := range []string{"warroom_commander", "warroom_authenticator", owner, "postgres", authName, "nobody_here"} {
		_, err := grant(commander, notPerson, authName)
		dbtest.WantPG(t, err, "P0002", "is not an active warroom user")
	}
	// A person with powers beyond a warroom role's is not handed to the
	// authenticator either.
	for _, power := range []string{"ALTER ROLE %s CREATEROLE", "ALTER ROLE %s BYPASSRLS", "GRANT pg_write_all_data TO %s"} {
		_, strong := f.login(t, "engineer")
		if _, err := f.admin.Exec(fmt.Sprintf(power, pq.QuoteIdentifier(strong))); err != nil {
			t.Fatal(err)
		}
		_, err := grant(commander, strong, authName)
		dbtest.WantPG(t, err, "P0002", "is not an active warroom user")
	}
	for _, notAuth := range []string{cmdrName, later, "warroom_authenticator", owner, "nobody_here"} {
		_, err := grant(commander, later, notAuth)
		dbtest.WantPG(t, err, "22023", "is not a console server login")
	}
	_, gone := f.login(t, "viewer")
	if err := access.RevokeUser(ctx, f.admin, gone); err != nil {
		t.Fatal(err)
	}
	_, err = grant(commander, gone, authName)
	dbtest.WantPG(t, err, "P0002", "is not an active warroom user")
	if changed, err := grant(commander, later, authName); err != nil || !changed {
		t.Fatalf("commander's grant: %v %v", changed, err)
	}
	if changed, err := grant(commander, later, authName); err != nil || changed {
		t.Fatalf("second grant: want no change, got %v %v", changed, err)
	}
	p, err = access.LookupPerson(ctx, auth, later)
	if err != nil || p.Role != "engineer" {
		t.Fatalf("granted person: %+v %v", p, err)
	}
	// As that person the authenticator writes, named after them.
	err = asTx(t, auth, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`SET LOCAL ROLE ` + later); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES ($1, 'note', 'later', now())`, f.incident)
		return err
	})
	if err != nil {
		t.Fatalf("granted person's write over the authenticator: %v", err)
	}
	if changed, err := revoke(commander, later, authName); err != nil || !changed {
		t.Fatalf("commander's revoke: %v %v", changed, err)
	}
	if _, err := access.LookupPerson(ctx, auth, later); !errors.Is(err, access.ErrUnknownPerson) {
		t.Fatalf("a revoked person is still served: %v", err)
	}
	var rows []struct {
		Op, Person, By string
	}
	if err := f.admin.Select(&rows, `SELECT op, person, by_login AS by FROM serve_grants WHERE authenticator = $1 ORDER BY id`, authName); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Op != "grant" || rows[1].Op != "revoke" || rows[0].Person != later || rows[0].By != cmdrName || rows[1].By != cmdrName {
		t.Fatalf("serve_grants: %+v", rows)
	}
	var audited int
	if err := f.admin.Get(&audited, `SELECT count(*) FROM audit_log WHERE table_name = 'serve_grants' AND login = $1 AND actor = $1`, cmdrName); err != nil || audited != 2 {
		t.Fatalf("audit rows of the grant and revoke by %s: %d %v", cmdrName, audited, err)
	}
	// Nobody writes serve_grants but the two functions.
	_, err = commander.Exec(`INSERT INTO serve_grants (authenticator, person, op) VALUES ($1, $2, 'grant')`, authName, later)
	dbtest.WantPG(t, err, "42501", "permission denied for table serve_grants")
}
