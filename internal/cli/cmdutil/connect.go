package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/pgserver"
	"warroom/demo"
	"warroom/glossary"
	"warroom/incident"
)

// EmbeddedDatabase is the database warroom creates inside its own server.
const EmbeddedDatabase = "warroom"

// Source says where the connection string came from.
type Source struct {
	URL      string
	From     string // "--db", "DATABASE_URL", "PG* environment", "embedded server"
	Embedded bool
	// The embedded server only: URL connects as Login (a warroom login,
	// never the superuser); Admin is the superuser URL that migrates and
	// loads the demo before anyone connects.
	Login string
	Admin string
}

// ResolveSource picks the database the way libpq users expect: --db, then
// DATABASE_URL, then PG* variables; with none of them, the embedded
// server, started if it is not running.
func (f *Factory) ResolveSource(ctx context.Context) (Source, error) {
	if f.DB != "" {
		return Source{URL: f.DB, From: "--db"}, nil
	}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return Source{URL: u, From: "DATABASE_URL"}, nil
	}
	for _, v := range []string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"} {
		if os.Getenv(v) != "" {
			return Source{URL: "", From: "PG* environment"}, nil // lib/pq reads them itself
		}
	}
	srv, _, err := StartEmbedded(ctx)
	if err != nil {
		return Source{}, err
	}
	login := f.As
	if login == "" {
		login = demo.ConsoleLogin()
	}
	return Source{URL: srv.URLAs(EmbeddedDatabase, login), From: "embedded server", Embedded: true,
		Login: login, Admin: srv.URL(EmbeddedDatabase)}, nil
}

// CheckActor allows --as on the single-user embedded database only: on a
// shared database changes are attributed to the database login, so nobody
// can write in someone else's name.
func (f *Factory) CheckActor(src Source) error {
	if f.As != "" && !src.Embedded {
		return UsageError("--as works only on the embedded single-user database; on a shared database (%s) changes are attributed to your database login", src.From)
	}
	return nil
}

// EmbeddedServer describes the embedded server without starting it.
func EmbeddedServer() (*pgserver.Server, error) {
	dir, err := pgserver.DefaultDataDir()
	if err != nil {
		return nil, err
	}
	return pgserver.New(dir)
}

// EmbeddedURL is the URL of the embedded warroom database as login (the
// demo's console login when empty), for psql or --db.
func EmbeddedURL(srv *pgserver.Server, login string) string {
	if login == "" {
		login = demo.ConsoleLogin()
	}
	return srv.URLAs(EmbeddedDatabase, login)
}

// StartEmbedded starts the embedded server if needed and makes sure its
// warroom database exists. created reports a cluster made just now.
func StartEmbedded(ctx context.Context) (srv *pgserver.Server, created bool, err error) {
	if srv, err = EmbeddedServer(); err != nil {
		return nil, false, err
	}
	if created, err = srv.Start(ctx); err != nil {
		return nil, false, err
	}
	if _, err = pgserver.EnsureDatabase(ctx, srv.URL("postgres"), EmbeddedDatabase); err != nil {
		return nil, false, err
	}
	return srv, created, nil
}

// open connects. migrate: apply pending migrations as this login (the
// database's owner, in `warroom init` and `warroom db migrate`) instead of
// checking the schema version.
func (f *Factory) open(ctx context.Context, migrate bool) (*sqlx.DB, Source, error) {
	src, err := f.ResolveSource(ctx)
	if err != nil {
		return nil, src, err
	}
	if err := f.CheckActor(src); err != nil {
		return nil, src, err
	}
	if src.Embedded {
		if err := PrepareEmbedded(ctx, src, f.ErrOut); err != nil {
			return nil, src, err
		}
	}
	conn, err := db.Open(ctx, db.WithLibpqDefaults(src.URL))
	if err != nil {
		return nil, src, fmt.Errorf("%w (database from %s)", err, src.From)
	}
	if !src.Embedded {
		if migrate {
			_, err = db.Migrate(ctx, conn.DB)
		} else if err = db.CheckSchema(ctx, conn.DB); errors.Is(err, db.ErrSchemaBehind) {
			err = fmt.Errorf("%w (database from %s); its owner applies the migrations with `warroom db migrate`", err, src.From)
		}
		if err != nil {
			conn.Close()
			return nil, src, err
		}
	}
	return conn, src, nil
}

// OpenOwner is Open for the database's owner: pending migrations are
// applied as this login.
func (f *Factory) OpenOwner(ctx context.Context) (*sqlx.DB, Source, error) {
	return f.open(ctx, true)
}

// OpenAdmin is Open, except that on the embedded server it connects as
// the superuser (`warroom demo load` creates logins and back-dated
// approvals, which only the database's owner may).
func (f *Factory) OpenAdmin(ctx context.Context) (*sqlx.DB, error) {
	src, err := f.ResolveSource(ctx)
	if err != nil || !src.Embedded {
		conn, _, err := f.Open(ctx)
		return conn, err
	}
	if err := PrepareEmbedded(ctx, src, f.ErrOut); err != nil {
		return nil, err
	}
	return db.Open(ctx, src.Admin)
}

// PrepareEmbedded migrates the embedded database as its superuser, loads
// the demo into an empty one, makes sure the demo's people are logins, and
// checks that src.Login is one of them.
func PrepareEmbedded(ctx context.Context, src Source, log io.Writer) error {
	admin, err := db.Open(ctx, src.Admin)
	if err != nil {
		return fmt.Errorf("%w (embedded server)", err)
	}
	defer admin.Close()
	if _, err := db.Migrate(ctx, admin.DB); err != nil {
		return err
	}
	if err := loadDemoIfEmpty(ctx, admin, log); err != nil {
		return err
	}
	if err := demo.EnsureLogins(ctx, admin); err != nil {
		return fmt.Errorf("demo logins: %w", err)
	}
	return checkLogin(ctx, admin, src.Login)
}

// checkLogin refuses a name that is not an active login of the database,
// listing those that are (the embedded server trusts its socket, so any
// role name would otherwise connect, the superuser's included).
func checkLogin(ctx context.Context, q db.Querier, login string) error {
	users, err := access.Users(ctx, q)
	if err != nil {
		return err
	}
	var names []string
	for _, u := range users {
		if !u.Active || u.RevokedAt != nil {
			continue
		}
		if u.Name == login {
			return nil
		}
		names = append(names, u.Name+" ("+u.Role+")")
	}
	return UsageError("--as %q: not a login of the embedded database; its logins are %s", login, strings.Join(names, ", "))
}

// loadDemoIfEmpty gives an embedded database with no incident at all the
// demo incident. A database the user names is never given demo data
// unasked (`warroom demo load` does that).
func loadDemoIfEmpty(ctx context.Context, conn *sqlx.DB, log io.Writer) error {
	_, err := incident.Current(ctx, conn)
	if !db.IsNotFound(err) {
		return err // nil: there is an incident
	}
	sum, err := demo.Load(ctx, conn)
	if errors.Is(err, demo.ErrAlreadyLoaded) {
		return nil // another console loaded it a moment ago
	}
	if err != nil {
		return fmt.Errorf("load demo incident: %w", err)
	}
	fmt.Fprintf(log, "warroom: empty embedded database: loaded the demo incident %s (%s, %s)\n",
		sum.Slug, glossary.Rows(sum.Entries, "timeline_entries"), glossary.Rows(sum.Merchants, "merchants"))
	return nil
}
