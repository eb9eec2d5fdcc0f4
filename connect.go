package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/db/pgserver"
	"warroom/demo"
	"warroom/incident"
)

// embeddedDatabase is the database warroom creates inside its own server.
const embeddedDatabase = "warroom"

// dbSource says where the connection string came from.
type dbSource struct {
	url      string
	from     string // "--db", "DATABASE_URL", "PG* environment", "embedded server"
	embedded bool
	// The embedded server only: url connects as login (a warroom login,
	// never the superuser); admin is the superuser URL that migrates and
	// loads the demo before anyone connects.
	login string
	admin string
}

// resolveDB picks the database the way libpq users expect: the flag, then
// DATABASE_URL, then PG* variables; with none of them, the embedded server,
// started if it is not running.
func resolveDB(ctx context.Context, cmd *cobra.Command) (dbSource, error) {
	if f := cmd.Flag("db"); f != nil && f.Value.String() != "" {
		return dbSource{url: f.Value.String(), from: "--db"}, nil
	}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return dbSource{url: u, from: "DATABASE_URL"}, nil
	}
	for _, v := range []string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"} {
		if os.Getenv(v) != "" {
			return dbSource{url: "", from: "PG* environment"}, nil // lib/pq reads them itself
		}
	}
	srv, _, err := startEmbedded(ctx)
	if err != nil {
		return dbSource{}, err
	}
	login := asFlag(cmd)
	if login == "" {
		login = demo.ConsoleLogin()
	}
	return dbSource{url: srv.URLAs(embeddedDatabase, login), from: "embedded server", embedded: true,
		login: login, admin: srv.URL(embeddedDatabase)}, nil
}

// asFlag is the command's --as, on the embedded server the login to
// connect as; empty when the command has none or it was not given.
func asFlag(cmd *cobra.Command) string {
	if f := cmd.Flags().Lookup("as"); f != nil {
		return f.Value.String()
	}
	return ""
}

// embeddedURL is the URL of the embedded warroom database as login (the
// demo's console login when empty), for psql or --db.
func embeddedURL(srv *pgserver.Server, login string) string {
	if login == "" {
		login = demo.ConsoleLogin()
	}
	return srv.URLAs(embeddedDatabase, login)
}

// startEmbedded starts the embedded server if needed and makes sure its
// warroom database exists. created reports a cluster made just now.
func startEmbedded(ctx context.Context) (srv *pgserver.Server, created bool, err error) {
	if srv, err = embeddedServer(); err != nil {
		return nil, false, err
	}
	if created, err = srv.Start(ctx); err != nil {
		return nil, false, err
	}
	if _, err = pgserver.EnsureDatabase(ctx, srv.URL("postgres"), embeddedDatabase); err != nil {
		return nil, false, err
	}
	return srv, created, nil
}

// openDB connects, applies pending migrations and, on an empty embedded
// database, loads the demo incident.
func openDB(cmd *cobra.Command) (*sqlx.DB, error) {
	conn, _, err := openDBSource(cmd)
	return conn, err
}

// openIncident is openDB plus the incident --incident names (or the
// current one). The caller closes the connection.
func openIncident(cmd *cobra.Command) (*sqlx.DB, incident.Incident, error) {
	conn, err := openDB(cmd)
	if err != nil {
		return nil, incident.Incident{}, err
	}
	inc, err := incident.Resolve(cmd.Context(), conn, incidentFlag(cmd))
	if err != nil {
		conn.Close()
		return nil, inc, err
	}
	return conn, inc, nil
}

// openDBSource is openDB that also says where the database came from.
// On the embedded server the superuser prepares the database first, then
// the connection returned is the login's, held to the same grants and
// guards as on a shared server.
func openDBSource(cmd *cobra.Command) (*sqlx.DB, dbSource, error) {
	ctx := cmd.Context()
	src, err := resolveDB(ctx, cmd)
	if err != nil {
		return nil, src, err
	}
	if src.embedded {
		if err := prepareEmbedded(ctx, src, cmd.ErrOrStderr()); err != nil {
			return nil, src, err
		}
	}
	conn, err := db.Open(ctx, db.WithLibpqDefaults(src.url))
	if err != nil {
		return nil, src, fmt.Errorf("%w (database from %s)", err, src.from)
	}
	if !src.embedded {
		if err := prepareDB(ctx, conn, false, cmd.ErrOrStderr()); err != nil {
			conn.Close()
			return nil, src, err
		}
	}
	return conn, src, nil
}

// openAdmin is openDB, except that on the embedded server it connects as
// the superuser (`warroom demo load` creates logins and back-dated
// approvals, which only the database's owner may).
func openAdmin(cmd *cobra.Command) (*sqlx.DB, error) {
	ctx := cmd.Context()
	src, err := resolveDB(ctx, cmd)
	if err != nil || !src.embedded {
		conn, _, err := openDBSource(cmd)
		return conn, err
	}
	if err := prepareEmbedded(ctx, src, cmd.ErrOrStderr()); err != nil {
		return nil, err
	}
	return db.Open(ctx, src.admin)
}

// prepareEmbedded migrates the embedded database as its superuser, loads
// the demo into an empty one, makes sure the demo's people are logins, and
// checks that src.login is one of them.
func prepareEmbedded(ctx context.Context, src dbSource, log io.Writer) error {
	admin, err := db.Open(ctx, src.admin)
	if err != nil {
		return fmt.Errorf("%w (embedded server)", err)
	}
	defer admin.Close()
	if err := prepareDB(ctx, admin, true, log); err != nil {
		return err
	}
	if err := demo.EnsureLogins(ctx, admin); err != nil {
		return fmt.Errorf("demo logins: %w", err)
	}
	return checkLogin(ctx, admin, src.login)
}

// checkLogin refuses a name that is not an active login of the database,
// listing those that are (the embedded server trusts its socket, so any
// role name would otherwise connect, the superuser's included).
func checkLogin(ctx context.Context, q db.Querier, login string) error {
	var users []struct {
		Name string `db:"name"`
		Role string `db:"role"`
	}
	if err := q.SelectContext(ctx, &users, `
		SELECT name, role FROM warroom_users WHERE active AND revoked_at IS NULL ORDER BY created_at, name`); err != nil {
		return db.MapError(err)
	}
	var names []string
	for _, u := range users {
		if u.Name == login {
			return nil
		}
		names = append(names, u.Name+" ("+u.Role+")")
	}
	return &codedError{code: exitUsage, err: fmt.Errorf("--as %q: not a login of the embedded database; its logins are %s",
		login, strings.Join(names, ", "))}
}

// prepareDB applies pending migrations and gives an embedded database with
// no incident at all the demo incident. A database the user names is never
// given demo data unasked (`warroom demo load` does that).
func prepareDB(ctx context.Context, conn *sqlx.DB, embedded bool, log io.Writer) error {
	if _, err := db.Migrate(ctx, conn.DB); err != nil {
		return err
	}
	if !embedded {
		return nil
	}
	var any bool
	if err := conn.GetContext(ctx, &any, `SELECT EXISTS (SELECT 1 FROM incidents)`); err != nil {
		return db.MapError(err)
	}
	if any {
		return nil
	}
	sum, err := demo.Load(ctx, conn)
	if errors.Is(err, demo.ErrAlreadyLoaded) {
		return nil // another console loaded it a moment ago
	}
	if err != nil {
		return fmt.Errorf("load demo incident: %w", err)
	}
	fmt.Fprintf(log, "warroom: empty embedded database: loaded the demo incident %s (%d timeline entries, %d merchants)\n",
		sum.Slug, sum.Entries, sum.Merchants)
	return nil
}

// displayZone is where a command that spans incidents shows times: the
// zone of the incident --incident names, else of the current incident,
// else UTC.
func displayZone(cmd *cobra.Command, conn *sqlx.DB) *time.Location {
	inc, err := incident.Resolve(cmd.Context(), conn, incidentFlag(cmd))
	if err != nil {
		return time.UTC
	}
	return inc.Location()
}
