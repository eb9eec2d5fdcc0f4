// Package dbtest gives each test its own real PostgreSQL database, cloned
// from a migrated template so tests stay fast and independent.
//
// The server is TEST_DATABASE_URL when set (any PostgreSQL 15+ the tests may
// create databases on), otherwise a throwaway cluster started with the same
// launcher the app uses for its embedded server.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db"
)

var (
	serverURL string // admin connection to the server (database "postgres")
	template  string // migrated template database name
)

// Main starts (or joins) the server, builds the template, runs the tests
// and cleans up. Call it from TestMain.
func Main(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbtest:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx := context.Background()
	stop := func() {}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		serverURL = u
	} else {
		u, s, err := startThrowaway()
		if err != nil {
			return 0, err
		}
		serverURL, stop = u, s
	}
	defer stop()

	template = "warroom_tpl_" + randomSuffix()
	admin, err := db.Open(ctx, serverURL)
	if err != nil {
		return 0, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+template); err != nil {
		return 0, fmt.Errorf("create template: %w", err)
	}
	defer admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+template+` WITH (FORCE)`)
	tpl, err := db.Open(ctx, withDatabase(serverURL, template))
	if err != nil {
		return 0, err
	}
	if _, err := db.Migrate(ctx, tpl.DB); err != nil {
		tpl.Close()
		return 0, err
	}
	tpl.Close()
	defer dropBuilt(ctx, admin)
	return m.Run(), nil
}

// ServerURL is the admin URL of the test server, for tests that create
// databases of their own (an empty one to migrate, say).
func ServerURL() string { return serverURL }

// NewURL creates a fresh migrated database for t, dropped when t ends, and
// returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	return createDB(t, "TEMPLATE "+template)
}

// NewEmptyURL creates an empty database (no schema) for t.
func NewEmptyURL(t testing.TB) string {
	t.Helper()
	return createDB(t, "")
}

// New is NewURL, connected.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	conn, err := db.Open(context.Background(), NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func createDB(t testing.TB, from string) string {
	ctx := context.Background()
	name := "warroom_t_" + randomSuffix()
	admin, err := db.Open(ctx, serverURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` `+from); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := db.Open(ctx, serverURL)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	return withDatabase(serverURL, name)
}

// withDatabase swaps the database name in a postgres:// URL.
func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(fmt.Sprintf("dbtest: TEST_DATABASE_URL must be a postgres:// URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Open connects to url for the length of t.
func Open(t testing.TB, url string) *sqlx.DB {
	t.Helper()
	conn, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
