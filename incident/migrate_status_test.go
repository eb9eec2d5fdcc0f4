package incident_test

import (
	"context"
	"os"
	"testing"

	"github.com/pressly/goose/v3"

	"warroom/db/dbtest"
)

// Migration 00019 renames 'open' to 'investigating' and 'dropped' action
// items to won't do with a reason, leaves a resolved incident as it was,
// and goes down again cleanly.
func TestMigrationKeepsExistingIncidents(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	p, err := goose.NewProvider(goose.DialectPostgres, conn.DB, os.DirFS("../db/migrations"),
		goose.WithTableName("warroom_schema_version"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 18); err != nil {
		t.Fatalf("down to 00018: %v", err)
	}
	open := dbtest.Get[int64](t, conn, `INSERT INTO incidents (slug, title, status, started_at)
		VALUES ('was-open', 'x', 'open', '2020-01-01T00:00:00Z') RETURNING id`)
	done := addIncident(t, conn, "was-resolved", "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z")
	mustExec(t, conn, `INSERT INTO remediation_measures (incident_id, position, title) VALUES ($1, 1, 'm')`, done)
	mustExec(t, conn, `INSERT INTO action_items (measure_id, position, title, status)
		SELECT id, 1, 'old', 'dropped' FROM remediation_measures WHERE incident_id = $1`, done)
	before := dbtest.Get[string](t, conn, `SELECT to_jsonb(i)::text FROM incidents i WHERE id = $1`, done)
	if _, err := p.UpTo(ctx, 19); err != nil {
		t.Fatalf("up to 00019: %v", err)
	}
	if status := dbtest.Get[string](t, conn, `SELECT status FROM incidents WHERE id = $1`, open); status != "investigating" {
		t.Fatalf("open became %q", status)
	}
	after := dbtest.Get[string](t, conn, `SELECT (to_jsonb(i) - 'updated_at' - 'updated_by')::text FROM incidents i WHERE id = $1`, done)
	if after != before {
		t.Fatalf("resolved incident changed:\n%s\n%s", before, after)
	}
	var status, reason string
	if err := conn.QueryRow(`SELECT status, reason FROM action_items WHERE title = 'old'`).Scan(&status, &reason); err != nil ||
		status != "wont_do" || reason == "" {
		t.Fatalf("dropped item: %q %q %v", status, reason, err)
	}
}
