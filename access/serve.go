package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/db"
)

// The console over SSH (`warroom serve`) connects as one authenticator
// login and acts for each session's person with SET ROLE (migration 00023,
// SECURITY.md "Serving the console over SSH"). An authenticator is a
// NOINHERIT login in the group warroom_authenticator: it can become the
// people it was granted and holds none of their rights itself.

// AuthenticatorGroup is the marker role that makes a login's SET ROLE name
// the person in authors and the audit.
const AuthenticatorGroup = "warroom_authenticator"

// CreateAuthenticator makes name an authenticator login (or makes an
// existing one safe: NOINHERIT, not a superuser) with CONNECT on this
// database, and grants it every active warroom user. It needs CREATEROLE or
// a superuser: the embedded server's setup and a database owner run it.
func CreateAuthenticator(ctx context.Context, q db.Querier, name, password string) error {
	var exists bool
	if err := q.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, name); err != nil {
		return db.MapError(err)
	}
	id := pq.QuoteIdentifier(name)
	stmts := []string{}
	if !exists {
		stmts = append(stmts, `CREATE ROLE `+id+` LOGIN NOINHERIT NOSUPERUSER NOCREATEROLE NOCREATEDB`)
	} else {
		stmts = append(stmts, `ALTER ROLE `+id+` LOGIN NOINHERIT NOSUPERUSER NOCREATEROLE NOCREATEDB`)
	}
	if password != "" {
		stmts = append(stmts, `ALTER ROLE `+id+` PASSWORD `+pq.QuoteLiteral(password))
	}
	stmts = append(stmts, `GRANT `+AuthenticatorGroup+` TO `+id)
	var dbname string
	if err := q.GetContext(ctx, &dbname, `SELECT current_database()`); err != nil {
		return db.MapError(err)
	}
	stmts = append(stmts, `GRANT CONNECT ON DATABASE `+pq.QuoteIdentifier(dbname)+` TO `+id)
	for _, s := range stmts {
		if _, err := q.ExecContext(ctx, s); err != nil {
			return db.MapError(err)
		}
	}
	return GrantPeopleToAuthenticator(ctx, q, name)
}

// GrantPeopleToAuthenticator lets the authenticator act for every active
// warroom user it cannot act for yet. Run it again after adding users.
func GrantPeopleToAuthenticator(ctx context.Context, q db.Querier, name string) error {
	var people []string
	err := q.SelectContext(ctx, &people, `
		SELECT u.name FROM warroom_users u JOIN pg_roles r ON r.rolname = u.name
		WHERE u.active AND r.rolcanlogin AND NOT r.rolsuper AND NOT pg_has_role($1, u.name, 'MEMBER')
		  AND NOT r.rolcreaterole AND NOT r.rolbypassrls AND NOT r.rolreplication
		  AND NOT EXISTS (SELECT 1 FROM pg_roles b WHERE b.rolname LIKE 'pg\_%' AND pg_has_role(r.oid, b.oid, 'MEMBER'))
		ORDER BY u.name`, name)
	if err != nil {
		return db.MapError(err)
	}
	for _, p := range people {
		if _, err := q.ExecContext(ctx, `GRANT `+pq.QuoteIdentifier(p)+` TO `+pq.QuoteIdentifier(name)); err != nil {
			return db.MapError(err)
		}
	}
	return nil
}

// ErrUnsafeAuthenticator is what CheckAuthenticator refuses.
var ErrUnsafeAuthenticator = errors.New("not a safe authenticator")

// CheckAuthenticator refuses to serve over a connection whose login could
// act beyond the people it was granted: a superuser, the schema owner or a
// member of it, a login that inherits its people's rights, or one outside
// the warroom_authenticator group (whose SET ROLE would not name the person).
func CheckAuthenticator(ctx context.Context, q db.Querier) error {
	var c struct {
		Name    string `db:"name"`
		Super   bool   `db:"super"`
		Inherit bool   `db:"inherit"`
		Owner   bool   `db:"owner"`
		Group   bool   `db:"grp"`
	}
	err := q.GetContext(ctx, &c, `
		SELECT r.rolname AS name, r.rolsuper AS super, r.rolinherit AS inherit,
		       pg_has_role(r.rolname, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER') AS owner,
		       pg_has_role(r.rolname, $1, 'MEMBER') AS grp
		FROM pg_roles r WHERE r.rolname = session_user`, AuthenticatorGroup)
	if err != nil {
		return db.MapError(err)
	}
	switch {
	case c.Super:
		return fmt.Errorf("%w: %s is a superuser", ErrUnsafeAuthenticator, c.Name)
	case c.Owner:
		return fmt.Errorf("%w: %s owns the warroom schema (or is a member of its owner)", ErrUnsafeAuthenticator, c.Name)
	case c.Inherit:
		return fmt.Errorf("%w: %s inherits its people's rights (ALTER ROLE %s NOINHERIT)", ErrUnsafeAuthenticator, c.Name, c.Name)
	case !c.Group:
		return fmt.Errorf("%w: %s is not in %s (GRANT %s TO %s)", ErrUnsafeAuthenticator, c.Name, AuthenticatorGroup, AuthenticatorGroup, c.Name)
	}
	return nil
}

// Person is who an SSH key names, as the database knows them.
type Person struct {
	Name string
	Role string // commander, engineer, finance or viewer
}

// ErrUnknownPerson is a key naming nobody the authenticator may act for.
var ErrUnknownPerson = errors.New("unknown person")

// LookupPerson says whether the authenticator conn may act for name: an
// active warroom user with a login, not a superuser, that it was granted.
// It asks as that person (SET LOCAL ROLE), in a transaction rolled back.
func LookupPerson(ctx context.Context, conn *sqlx.DB, name string) (Person, error) {
	p := Person{Name: name}
	unknown := fmt.Errorf("%w: %q is not an active warroom user this server may act for", ErrUnknownPerson, name)
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return p, db.MapError(err)
	}
	defer tx.Rollback()
	var ok bool
	err = tx.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = $1 AND r.rolcanlogin AND NOT r.rolsuper
		               AND pg_has_role(session_user, r.rolname, 'MEMBER'))`, name)
	if err != nil {
		return p, db.MapError(err)
	}
	if !ok {
		return p, unknown
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL ROLE `+pq.QuoteIdentifier(name)); err != nil {
		return p, db.MapError(err)
	}
	err = tx.GetContext(ctx, &p.Role, `SELECT role FROM warroom_users WHERE name = $1 AND active AND revoked_at IS NULL`, name)
	if db.IsNotFound(err) {
		return p, unknown
	}
	return p, db.MapError(err)
}

// ServeGrant lets the authenticator login act for person, an active warroom
// user added after it was set up (migration 00030): commanders only, and
// only people, never a group role, the schema owner or a superuser. changed
// is false when it already could.
func ServeGrant(ctx context.Context, q db.Querier, person, authenticator string) (changed bool, err error) {
	err = q.GetContext(ctx, &changed, `SELECT warroom_serve_grant($1, $2)`, person, authenticator)
	return changed, db.MapError(err)
}

// ServeRevoke stops the authenticator acting for person at the next login:
// commanders only. changed is false when it could not anyway.
func ServeRevoke(ctx context.Context, q db.Querier, person, authenticator string) (changed bool, err error) {
	err = q.GetContext(ctx, &changed, `SELECT warroom_serve_revoke($1, $2)`, person, authenticator)
	return changed, db.MapError(err)
}
