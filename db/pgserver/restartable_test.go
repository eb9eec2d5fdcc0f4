package pgserver

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

func TestRestartableKeepsDataAndPort(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := StartRestartable(ctx)
	if err != nil {
		// PostgreSQL is always installed where the tests run (.ci/run
		// installs it): a failed start is a failure, not a reason to skip.
		t.Fatalf("start: %v", err)
	}
	defer r.Close()
	url := r.URL("postgres")
	conn, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)`); err != nil {
		t.Fatal(err)
	}
	r.Stop()
	if err := conn.PingContext(ctx); err == nil {
		t.Fatal("ping succeeded while the server was stopped")
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if r.URL("postgres") != url {
		t.Fatalf("URL changed across restart: %s -> %s", url, r.URL("postgres"))
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT n FROM kept`).Scan(&n); err != nil || n != 7 {
		t.Fatalf("after restart: n=%d err=%v", n, err)
	}
}
