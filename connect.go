package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
	return dbSource{url: srv.URL(embeddedDatabase), from: "embedded server", embedded: true}, nil
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
func openDBSource(cmd *cobra.Command) (*sqlx.DB, dbSource, error) {
	ctx := cmd.Context()
	src, err := resolveDB(ctx, cmd)
	if err != nil {
		return nil, src, err
	}
	conn, err := db.Open(ctx, db.WithLibpqDefaults(src.url))
	if err != nil {
		return nil, src, fmt.Errorf("%w (database from %s)", err, src.from)
	}
	if err := prepareDB(ctx, conn, src.embedded, cmd.ErrOrStderr()); err != nil {
		conn.Close()
		return nil, src, err
	}
	return conn, src, nil
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
