package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockID is the advisory lock key held while migrating, so two
// consoles starting on an empty database migrate once, one after the other.
const migrationLockID int64 = 0x77617272_6f6f6d01 // "warroom" + 1

// blockingLocker waits on pg_advisory_lock instead of goose's default
// polling every 5 s, so a second console starts as soon as the first is done.
type blockingLocker struct{}

func (blockingLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID)
	return err
}

func (blockingLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLockID)
	return err
}

var _ lock.SessionLocker = blockingLocker{}

// Migrate applies every embedded migration not yet recorded in
// warroom_schema_version. It returns how many it applied; re-running is a no-op.
func Migrate(ctx context.Context, conn *sql.DB) (int, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return 0, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, conn, sub,
		goose.WithSessionLocker(blockingLocker{}),
		goose.WithTableName("warroom_schema_version"),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return len(results), nil
}

// SchemaVersion is the newest applied migration (0 on an empty database).
func SchemaVersion(ctx context.Context, conn *sql.DB) (int64, error) {
	var v int64
	err := conn.QueryRowContext(ctx, `
		SELECT COALESCE(max(version_id), 0) FROM warroom_schema_version WHERE is_applied`).Scan(&v)
	return v, err
}
