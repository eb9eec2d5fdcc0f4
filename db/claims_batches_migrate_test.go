package db_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/pressly/goose/v3"

	"warroom/db/dbtest"
)

// Migration 00032 turns each incident's claims partition into one
// partitioned by merchant id, the old table its first batch (an empty one
// just a DEFAULT sub-partition), keeping every claim; down again, each
// incident's claims are one plain partition, under the old primary key.
func TestClaimsBatchesMigrationKeepsClaims(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	p, err := goose.NewProvider(goose.DialectPostgres, conn.DB, os.DirFS("migrations"),
		goose.WithTableName("warroom_schema_version"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 31); err != nil {
		t.Fatalf("down to 00031: %v", err)
	}
	incident := func(slug string, merchants int) int64 {
		t.Helper()
		inc := dbtest.Get[int64](t, conn, `INSERT INTO incidents (slug, title, started_at) VALUES ($1, 'x', now()) RETURNING id`, slug)
		conn.MustExec(`INSERT INTO funds (incident_id) VALUES ($1)`, inc)
		conn.MustExec(`INSERT INTO merchants (incident_id, merchant_id, industry)
			SELECT $1, 'M' || g, 'x' FROM generate_series(1, $2) g`, inc, merchants)
		if n := dbtest.Get[int64](t, conn, `SELECT written FROM warroom_compute_first_claims($1, 1, 1)`, inc); n != int64(merchants) {
			t.Fatalf("first computation of %s: %d claims, want %d", slug, n, merchants)
		}
		return inc
	}
	full, empty := incident("full", 5), incident("empty", 0)
	claims := func() string {
		return dbtest.Get[string](t, conn, `SELECT COALESCE(string_agg(format('%s/%s/%s/%s', id, incident_id, merchant_id, state), ',' ORDER BY id), '') FROM claims`)
	}
	before := claims()
	kind := func(rel string) string {
		return dbtest.Get[string](t, conn, `SELECT COALESCE((SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)), '-')`, rel)
	}
	leaves := func(inc int64) string {
		return dbtest.Get[string](t, conn, `SELECT COALESCE(string_agg(inhrelid::regclass::text, ',' ORDER BY inhrelid::regclass::text), '')
			FROM pg_inherits WHERE inhparent = to_regclass($1)`, "claims_i"+strconv.FormatInt(inc, 10))
	}
	pkey := func() string {
		return dbtest.Get[string](t, conn, `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'claims_pkey'`)
	}
	lo := dbtest.Get[int64](t, conn, `SELECT min(merchant_id) FROM claims WHERE incident_id = $1`, full)
	fi, ei := "claims_i"+strconv.FormatInt(full, 10), "claims_i"+strconv.FormatInt(empty, 10)

	if _, err := p.UpTo(ctx, 32); err != nil {
		t.Fatalf("up to 00032: %v", err)
	}
	if got := claims(); got != before {
		t.Fatalf("claims after 00032:\n%s\nwant\n%s", got, before)
	}
	if kind(fi) != "p" || kind(ei) != "p" {
		t.Fatalf("claims tables %s %s, %s %s; want both partitioned", fi, kind(fi), ei, kind(ei))
	}
	if got, want := leaves(full), fi+"_default,"+fi+"_m"+strconv.FormatInt(lo, 10); got != want {
		t.Fatalf("%s's sub-partitions %s, want %s", fi, got, want)
	}
	if got := leaves(empty); got != ei+"_default" {
		t.Fatalf("%s's sub-partitions %s, want its DEFAULT only", ei, got)
	}
	if got := pkey(); got != "PRIMARY KEY (id, incident_id, merchant_id)" {
		t.Fatalf("claims_pkey %s", got)
	}

	if _, err := p.DownTo(ctx, 31); err != nil {
		t.Fatalf("down to 00031 again: %v", err)
	}
	if got := claims(); got != before {
		t.Fatalf("claims after going down:\n%s\nwant\n%s", got, before)
	}
	if kind(fi) != "r" || kind(ei) != "r" {
		t.Fatalf("claims tables %s %s, %s %s; want both plain again", fi, kind(fi), ei, kind(ei))
	}
	if got := pkey(); got != "PRIMARY KEY (id, incident_id)" {
		t.Fatalf("claims_pkey %s after going down", got)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if got := claims(); got != before {
		t.Fatalf("claims after going up again:\n%s\nwant\n%s", got, before)
	}
}
