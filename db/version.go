package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// ErrSchemaBehind: the database has not had this binary's migrations
// applied. Only its owner can apply them (`warroom db migrate`).
var ErrSchemaBehind = errors.New("the database schema is older than this warroom")

// LatestVersion is the newest migration this binary carries.
func LatestVersion() (int64, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			continue
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// CheckSchema reads the schema version without changing anything and
// returns ErrSchemaBehind when it is older than LatestVersion. A read-only
// login may run it: it needs no lock and no DDL.
func CheckSchema(ctx context.Context, conn *sql.DB) error {
	want, err := LatestVersion()
	if err != nil {
		return err
	}
	var migrated bool
	if err := conn.QueryRowContext(ctx, `SELECT to_regclass('warroom_schema_version') IS NOT NULL`).Scan(&migrated); err != nil {
		return MapError(err)
	}
	var have int64
	if migrated {
		if have, err = SchemaVersion(ctx, conn); err != nil {
			return MapError(err)
		}
	}
	if have < want {
		return fmt.Errorf("%w: it is at version %d, this binary needs %d", ErrSchemaBehind, have, want)
	}
	return nil
}
