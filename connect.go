package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/db/pgserver"
	"warroom/demo"
)

// embeddedDatabase is the database warroom creates inside its own server.
const embeddedDatabase = "warroom"

// dbSource says where the connection string came from.
type dbSource struct {
	url      string
	from     string // "--db", "DATABASE_URL", "PG* environment", "embedded server"
	embedded bool
	created  bool // the embedded database did not exist before this start
}

// resolveDB picks the database the way libpq users expect: the flag, then
// DATABASE_URL, then PG* variables; with none of them, the embedded server.
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
	dir, err := pgserver.DefaultDataDir()
	if err != nil {
		return dbSource{}, err
	}
	srv, err := pgserver.New(dir)
	if err != nil {
		return dbSource{}, err
	}
	if _, err := srv.Start(ctx); err != nil {
		return dbSource{}, err
	}
	created, err := pgserver.EnsureDatabase(ctx, srv.URL("postgres"), embeddedDatabase)
	if err != nil {
		return dbSource{}, err
	}
	return dbSource{url: srv.URL(embeddedDatabase), from: "embedded server", embedded: true, created: created}, nil
}

// openDB connects, applies pending migrations and, on the first start of
// the embedded database, loads the demo incident.
func openDB(cmd *cobra.Command) (*sqlx.DB, error) {
	conn, _, err := openDBSource(cmd)
	return conn, err
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
	if _, err := db.Migrate(ctx, conn.DB); err != nil {
		conn.Close()
		return nil, src, err
	}
	if src.created {
		sum, err := demo.Load(ctx, conn)
		if err != nil {
			conn.Close()
			return nil, src, fmt.Errorf("load demo incident: %w", err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "warroom: new embedded database; loaded the demo incident (%d timeline entries, %d merchants)\n",
			sum.Entries, sum.Merchants)
	}
	return conn, src, nil
}
