package access_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db/dbtest"
)

// authenticator makes a serve authenticator login over f's people and
// connects as it.
func (f *fixture) authenticator(t *testing.T) (*sqlx.DB, string) {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "tauth_" + hex.EncodeToString(b)
	if err := access.CreateAuthenticator(context.Background(), f.admin, name, "pw-"+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropRole(f.url, name) })
	u, err := url.Parse(f.url)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(name, "pw-"+name)
	return dbtest.Open(t, u.String()), name
}

// TestServeAuthenticatorActsOnlyAsItsPeople: the `warroom serve` login, in
// plain SQL. Without SET ROLE it writes nothing and holds no role; it
// cannot become a superuser or the schema owner; as a viewer it is refused
// every write; as an engineer it writes, and the row's author and the
// audit's login and actor are the engineer, not the authenticator.
func TestServeAuthenticatorActsOnlyAsItsPeople(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, viewer := f.login(t, "viewer")
	_, engineer := f.login(t, "engineer")
	auth, authName := f.authenticator(t)
	if err := access.CheckAuthenticator(ctx, auth); err != nil {
		t.Fatalf("a fresh authenticator is refused: %v", err)
	}

	insertEntry := func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES ($1, 'note', 'from ssh', now())`, f.incident)
		return err
	}
	// Bare authenticator: no table, no function, no role.
	err := asTx(t, auth, insertEntry)
	dbtest.WantPG(t, err, "42501", "permission denied for table timeline_entries")
	err = asTx(t, auth, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`SELECT warroom_serve_login('SHA256:x', '')`)
		return err
	})
	dbtest.WantPG(t, err, "42501", "permission denied for function warroom_serve_login")
	// Not one table takes a row from the bare authenticator.
	var tables []string
	if err := f.admin.Select(&tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	for _, tab := range tables {
		err := asTx(t, auth, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO public.` + tab + ` DEFAULT VALUES`)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table "+tab)
	}
	for _, r := range access.Roles {
		var has bool
		if err := auth.Get(&has, `SELECT warroom_has_role($1)`, r); err != nil || has {
			t.Fatalf("bare authenticator holds %s: %v %v", r, has, err)
		}
	}
	// Never a superuser or the schema owner.
	var owner string
	if err := f.admin.Get(&owner, `SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass`); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"postgres", owner} {
		err = asTx(t, auth, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`SET LOCAL ROLE ` + r)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied to set role")
	}

	// As the viewer: every write refused.
	err = asTx(t, auth, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`SET LOCAL ROLE ` + viewer); err != nil {
			t.Fatal(err)
		}
		return insertEntry(tx)
	})
	dbtest.WantPG(t, err, "42501", "permission denied for table timeline_entries")

	// As the engineer: the author and the audit name the engineer.
	tx := auth.MustBegin()
	tx.MustExec(`SET LOCAL ROLE ` + engineer)
	var author string
	if err := tx.Get(&author, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start)
		VALUES ($1, 'note', 'from ssh', now()) RETURNING author`, f.incident); err != nil {
		t.Fatal(err)
	}
	var login, actor string
	if err := tx.QueryRow(`SELECT login, actor FROM audit_log WHERE table_name = 'timeline_entries' ORDER BY id DESC LIMIT 1`).
		Scan(&login, &actor); err != nil {
		t.Fatal(err)
	}
	var session int64
	if err := tx.Get(&session, `SELECT warroom_serve_login('SHA256:abc', '127.0.0.1:5555')`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT warroom_serve_logout($1, 'quit')`, session); err != nil {
		t.Fatal(err)
	}
	var sessLogin string
	if err := tx.Get(&sessLogin, `SELECT login FROM audit_log WHERE table_name = 'serve_sessions' ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if author != engineer || login != engineer || actor != engineer || sessLogin != engineer {
		t.Fatalf("author %q, audit login %q actor %q, session audit %q; want %s everywhere (authenticator %s)",
			author, login, actor, sessLogin, engineer, authName)
	}
	// A person may close only their own session.
	err = asTx(t, auth, func(tx *sqlx.Tx) error {
		tx.MustExec(`SET LOCAL ROLE ` + viewer)
		var s int64
		if err := tx.Get(&s, `SELECT warroom_serve_login('SHA256:v', '')`); err != nil {
			t.Fatal(err)
		}
		tx.MustExec(`SET LOCAL ROLE ` + engineer)
		_, err := tx.Exec(`SELECT warroom_serve_logout($1, 'forged')`, s)
		return err
	})
	dbtest.WantPG(t, err, "42501", "is not an open session of "+engineer)
}

// TestSetRoleOutsideServeChangesNoName: an ordinary login that switches to
// its group role (SET ROLE warroom_engineer) is still itself in authors
// and the audit: only an authenticator's SET ROLE names someone else.
func TestSetRoleOutsideServeChangesNoName(t *testing.T) {
	f := newFixture(t)
	eng, engineer := f.login(t, "engineer")
	tx := eng.MustBegin()
	defer tx.Rollback()
	tx.MustExec(`SET LOCAL ROLE warroom_engineer`)
	var author, login string
	if err := tx.Get(&author, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start)
		VALUES ($1, 'note', 'n', now()) RETURNING author`, f.incident); err != nil {
		t.Fatal(err)
	}
	if err := tx.Get(&login, `SELECT login FROM audit_log ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if author != engineer || login != engineer {
		t.Fatalf("author %q, audit login %q: want %s", author, login, engineer)
	}
}

// TestUnsafeAuthenticatorsAreRefused: CheckAuthenticator refuses a login
// that inherits its people's rights and one outside the group.
func TestUnsafeAuthenticatorsAreRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	auth, name := f.authenticator(t)
	f.admin.MustExec(`ALTER ROLE ` + name + ` INHERIT`)
	if err := access.CheckAuthenticator(ctx, auth); err == nil {
		t.Fatal("an INHERIT authenticator passed")
	}
	f.admin.MustExec(`ALTER ROLE ` + name + ` NOINHERIT`)
	f.admin.MustExec(`REVOKE ` + access.AuthenticatorGroup + ` FROM ` + name)
	if err := access.CheckAuthenticator(ctx, auth); err == nil {
		t.Fatal("an authenticator outside the group passed")
	}
	eng, _ := f.login(t, "engineer")
	if err := access.CheckAuthenticator(ctx, eng); err == nil {
		t.Fatal("an engineer's login passed as an authenticator")
	}
}
