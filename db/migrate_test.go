package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/db"
	"warroom/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigrateFromEmptyThenNoOp(t *testing.T) {
	ctx := context.Background()
	conn, err := db.Open(ctx, dbtest.NewEmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	n, err := db.Migrate(ctx, conn.DB)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no migration applied to an empty database")
	}
	v, err := db.SchemaVersion(ctx, conn.DB)
	if err != nil || v < 1 {
		t.Fatalf("schema version %d, %v", v, err)
	}
	var tables int
	if err := conn.GetContext(ctx, &tables, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN ('incidents','timeline_entries','milestones','payouts')`); err != nil {
		t.Fatal(err)
	}
	if tables != 4 {
		t.Fatalf("found %d of 4 core tables", tables)
	}
	again, err := db.Migrate(ctx, conn.DB)
	if err != nil || again != 0 {
		t.Fatalf("re-run applied %d migrations, err %v; want 0, nil", again, err)
	}
	if v2, err := db.SchemaVersion(ctx, conn.DB); err != nil || v2 != v {
		t.Fatalf("version moved from %d to %d on a no-op run (%v)", v, v2, err)
	}
}

// Two consoles starting together on an empty database: one migrates, the
// other waits on the advisory lock and then finds nothing to do.
func TestConcurrentFirstStartMigratesOnce(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewEmptyURL(t)
	const starters = 4
	applied := make([]int, starters)
	errs := make([]error, starters)
	var wg sync.WaitGroup
	for i := range starters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer conn.Close()
			applied[i], errs[i] = db.Migrate(ctx, conn.DB)
		}()
	}
	wg.Wait()
	total, nonZero := 0, 0
	for i := range starters {
		if errs[i] != nil {
			t.Fatalf("starter %d: %v", i, errs[i])
		}
		total += applied[i]
		if applied[i] > 0 {
			nonZero++
		}
	}
	if nonZero != 1 {
		t.Fatalf("%d starters applied migrations (%v); want exactly 1", nonZero, applied)
	}
	conn := dbtest.New(t)
	var want int
	if err := conn.GetContext(ctx, &want, `SELECT count(*) FROM warroom_schema_version WHERE version_id > 0`); err != nil {
		t.Fatal(err)
	}
	if total != want {
		t.Fatalf("applied %d in total, template has %d migrations", total, want)
	}
}

func TestMapErrorNamesConstraintViolations(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	_, err := conn.ExecContext(ctx, `INSERT INTO incidents (slug, title, started_at) VALUES ('a', 'A', now())`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO incidents (slug, title, started_at) VALUES ('a', 'B', now())`)
	if !errors.Is(db.MapError(err), db.ErrUniqueViolation) {
		t.Fatalf("duplicate slug: %v", db.MapError(err))
	}
	dbtest.WantConstraint(t, err, "23505", "incidents_slug_key")
	_, err = conn.ExecContext(ctx, `INSERT INTO incidents (slug, title, started_at) VALUES ('Bad Slug', 'B', now())`)
	if !errors.Is(db.MapError(err), db.ErrCheckViolation) {
		t.Fatalf("bad slug: %v", db.MapError(err))
	}
	dbtest.WantConstraint(t, err, "23514", "incidents_slug_check")
	err = conn.GetContext(ctx, new(int), `SELECT 1 WHERE false`)
	if !db.IsNotFound(db.MapError(err)) {
		t.Fatalf("no rows: %v", db.MapError(err))
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	boom := errors.New("boom")
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO incidents (slug, title, started_at) VALUES ('x', 'X', now())`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM incidents`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d incidents after a rolled-back transaction", n)
	}
}

// The audit trigger digests a bulk statement's rows with
// hash_record_extended (00011), which fails at run time on a column type
// without a hash function (json, point...). A row of all-NULL fields still
// looks up every column's hash function, so each audited table is tried.
func TestAuditedTablesHaveHashableRows(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.Open(t, dbtest.NewURL(t))
	var tables []string
	if err := conn.SelectContext(ctx, &tables, `SELECT DISTINCT c.relname FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'audit_insert' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 10 {
		t.Fatalf("only %d audited tables found: %v", len(tables), tables)
	}
	for _, table := range tables {
		var h int64
		q := `SELECT hash_record_extended(json_populate_record(NULL::` + pq.QuoteIdentifier(table) + `, '{}'), 0)`
		if err := conn.GetContext(ctx, &h, q); err != nil {
			t.Errorf("%s: %v", table, err)
		}
	}
}

// A shared database's public schema may hold another application's
// tables: migrating leaves them alone, and guards every table of its own.
func TestMigrateGuardsOnlyItsOwnTables(t *testing.T) {
	ctx := context.Background()
	conn, err := db.Open(ctx, dbtest.NewEmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.MustExec(`CREATE TABLE other_app_orders (id bigint PRIMARY KEY)`)
	if _, err := db.Migrate(ctx, conn.DB); err != nil {
		t.Fatal(err)
	}
	var triggers int
	if err := conn.GetContext(ctx, &triggers, `SELECT count(*) FROM pg_trigger
		WHERE tgrelid = 'other_app_orders'::regclass`); err != nil {
		t.Fatal(err)
	}
	if triggers != 0 {
		t.Fatalf("another application's table got %d triggers", triggers)
	}
	var unguarded []string
	if err := conn.SelectContext(ctx, &unguarded, `SELECT c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		  AND c.relname NOT IN ('other_app_orders', 'audit_log', 'audit_chain', 'audit_head', 'warroom_schema_version')
		  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'audit_insert')
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if len(unguarded) > 0 {
		t.Fatalf("warroom tables without the audit trigger: %v", unguarded)
	}
}
