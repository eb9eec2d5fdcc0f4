package dbtest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db"
)

// Templates built once per test binary, by key: a load that takes seconds
// (the demo incident, with its imports and restore snapshots) is paid once,
// and each test clones the result, as it clones the migrated template.
var (
	builtMu sync.Mutex
	built   = map[string]string{} // key -> template database name
)

// NewURLFrom is NewURL on a clone of the template build made once, on the
// first call with this key, from a migrated database. build must not leave
// connections to it open (CREATE DATABASE ... TEMPLATE needs it idle).
func NewURLFrom(t testing.TB, key string, build func(*sqlx.DB) error) string {
	t.Helper()
	builtMu.Lock()
	name, ok := built[key]
	if !ok {
		var err error
		if name, err = buildTemplate(key, build); err != nil {
			builtMu.Unlock()
			t.Fatalf("dbtest: building the %s template: %v", key, err)
		}
		built[key] = name
	}
	builtMu.Unlock()
	return createDB(t, "TEMPLATE "+name)
}

// NewFrom is NewURLFrom, connected.
func NewFrom(t testing.TB, key string, build func(*sqlx.DB) error) *sqlx.DB {
	t.Helper()
	return Open(t, NewURLFrom(t, key, build))
}

func buildTemplate(key string, build func(*sqlx.DB) error) (string, error) {
	ctx := context.Background()
	name := "warroom_tpl_" + key + "_" + randomSuffix()
	admin, err := db.Open(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template); err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	conn, err := db.Open(ctx, withDatabase(serverURL, name))
	if err != nil {
		return "", err
	}
	err = build(conn)
	conn.Close()
	if err != nil {
		admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		return "", err
	}
	return name, nil
}

// dropBuilt removes the built templates when the tests end.
func dropBuilt(ctx context.Context, admin *sqlx.DB) {
	builtMu.Lock()
	defer builtMu.Unlock()
	for _, name := range built {
		admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	}
}
