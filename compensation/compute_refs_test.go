package compensation_test

import (
	"context"
	"errors"
	"testing"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// Migration 00007 replaced the row-level foreign keys of merchants and
// claims by statement-level checks and cascades: the database must still
// refuse dangling references, cascade deletes and keep versions.
func TestReferencesStillEnforced(t *testing.T) {
	conn := dbtest.New(t)
	ctx := context.Background()
	inc := newIncident(t, conn, 100_000_000)
	importBoth(t, conn, inc)
	if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil {
		t.Fatal(err)
	}
	fk := func(what, q string, args ...any) {
		t.Helper()
		_, err := conn.Exec(q, args...)
		if err = db.MapError(err); !errors.Is(err, db.ErrForeignKey) {
			t.Errorf("%s: got %v, want a foreign key violation", what, err)
		}
	}
	fk("merchant of a missing incident", `INSERT INTO merchants (incident_id, merchant_id) VALUES (999999, 'X')`)
	fk("claim of a missing merchant", `INSERT INTO claims (incident_id, merchant_id) VALUES ($1, 999999)`, inc)
	exec(t, conn, `INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'M9', 'x')`, inc)
	fk("claim of a missing incident", `INSERT INTO claims (incident_id, merchant_id)
		SELECT 999999, id FROM merchants WHERE incident_id = $1 AND merchant_id = 'M9'`, inc)
	fk("claim moved to a missing merchant", `UPDATE claims SET merchant_id = 999999
		WHERE merchant_id = (SELECT id FROM merchants WHERE incident_id = $1 AND merchant_id = 'M1')`, inc)
	fk("merchant moved to a missing incident", `UPDATE merchants SET incident_id = 999999 WHERE incident_id = $1`, inc)
	fk("merchant id changed", `UPDATE merchants SET id = id + 1000000 WHERE incident_id = $1`, inc)
	fk("incident id changed", `UPDATE incidents SET id = id + 1000000 WHERE id = $1`, inc)

	// A plain UPDATE still bumps the version by one; the computation's own
	// version = version + 1 too, once.
	v1 := dbtest.Get[int](t, conn, `SELECT version FROM claims c JOIN merchants m ON m.id = c.merchant_id WHERE m.merchant_id = 'M1' AND m.incident_id = $1`, inc)
	exec(t, conn, `UPDATE claims SET updated_at = now() WHERE merchant_id = (SELECT id FROM merchants WHERE merchant_id = 'M1' AND incident_id = $1)`, inc)
	exec(t, conn, `UPDATE claims SET version = version + 5 WHERE merchant_id = (SELECT id FROM merchants WHERE merchant_id = 'M1' AND incident_id = $1)`, inc)
	v2 := dbtest.Get[int](t, conn, `SELECT version FROM claims c JOIN merchants m ON m.id = c.merchant_id WHERE m.merchant_id = 'M1' AND m.incident_id = $1`, inc)
	if v2 != v1+2 {
		t.Errorf("two updates took version %d to %d, want %d", v1, v2, v1+2)
	}
	if _, err := compensation.SetRate(ctx, conn, inc, "catering", 200000, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.ComputeClaims(ctx, conn, inc, "catering"); err != nil {
		t.Fatal(err)
	}
	v3 := dbtest.Get[int](t, conn, `SELECT version FROM claims c JOIN merchants m ON m.id = c.merchant_id WHERE m.merchant_id = 'M1' AND m.incident_id = $1`, inc)
	if v3 != v2+1 {
		t.Errorf("a recompute took version %d to %d, want %d", v2, v3, v2+1)
	}

	// Deleting (superusers only) cascades: a merchant takes its claim, an
	// incident its merchants and claims.
	exec(t, conn, `DELETE FROM merchants WHERE incident_id = $1 AND merchant_id = 'M3'`, inc)
	n := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims WHERE incident_id = $1`, inc)
	if n != 2 {
		t.Errorf("%d claims after deleting merchant M3, want 2", n)
	}
	exec(t, conn, `DELETE FROM incidents WHERE id = $1`, inc)
	n = dbtest.Get[int](t, conn, `SELECT (SELECT count(*) FROM claims WHERE incident_id = $1) + (SELECT count(*) FROM merchants WHERE incident_id = $1)`, inc)
	if n != 0 {
		t.Errorf("%d merchants and claims left after deleting their incident", n)
	}
}

// Migration 00012 partitioned claims and replaced the foreign keys of
// payouts and plan_changes to claims by statement-level checks and
// cascades: dangling references are still refused, a claim's keys cannot
// change, and deleting a merchant (superusers only) still takes its
// claim's payouts and plan changes with it.
func TestClaimReferencesStillEnforced(t *testing.T) {
	conn := dbtest.New(t)
	ctx := context.Background()
	inc := newIncident(t, conn, 100_000_000)
	importBoth(t, conn, inc)
	if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil {
		t.Fatal(err)
	}
	var claim, other int64
	if err := conn.Get(&claim, `SELECT c.id FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE m.incident_id = $1 AND m.merchant_id = 'M1'`, inc); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&other, `INSERT INTO incidents (slug, title, started_at) VALUES ('other', 'O', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	fk := func(what, q string, args ...any) {
		t.Helper()
		_, err := conn.Exec(q, args...)
		if err = db.MapError(err); !errors.Is(err, db.ErrForeignKey) {
			t.Errorf("%s: got %v, want a foreign key violation", what, err)
		}
	}
	fk("payout of a missing claim", `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key)
		VALUES ($1, 999999, 1, 'k-missing')`, inc)
	fk("payout naming another incident's claim", `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key)
		VALUES ($1, $2, 1, 'k-other')`, other, claim)
	fk("plan change of a missing claim", `INSERT INTO plan_changes (incident_id, claim_id, from_plan, to_plan, reason)
		VALUES ($1, 999999, 'cash', 'traffic', 'r')`, inc)
	fk("claim of another incident's merchant", `INSERT INTO claims (incident_id, merchant_id)
		SELECT $2, merchant_id FROM claims WHERE id = $1`, claim, other)
	fk("claim id changed", `UPDATE claims SET id = id + 1000000 WHERE id = $1`, claim)
	fk("claim moved to another incident", `UPDATE claims SET incident_id = $2 WHERE id = $1`, claim, other)

	exec(t, conn, `UPDATE claims SET plan = 'cash', state = 'approved', amount_fen = 1000 WHERE id = $1`, claim)
	exec(t, conn, `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 100, 'k-ok')`, inc, claim)
	exec(t, conn, `INSERT INTO plan_changes (incident_id, claim_id, from_plan, to_plan, reason) VALUES ($1, $2, 'traffic', 'cash', 'r')`, inc, claim)
	fk("plan change moved to a missing claim", `UPDATE plan_changes SET claim_id = 999999 WHERE claim_id = $1`, claim)

	exec(t, conn, `DELETE FROM merchants WHERE incident_id = $1 AND merchant_id = 'M1'`, inc)
	var n int
	if err := conn.Get(&n, `SELECT (SELECT count(*) FROM claims WHERE id = $1) + (SELECT count(*) FROM payouts WHERE claim_id = $1)
		+ (SELECT count(*) FROM plan_changes WHERE claim_id = $1)`, claim); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d claim, payout and plan change rows left after deleting their merchant", n)
	}
	// The fund's counters still say what the ledger and the claims say.
	var counters, recount string
	if err := conn.Get(&counters, `SELECT paid_fen || '/' || committed_fen || '/' || claims_count FROM funds WHERE incident_id = $1`, inc); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&recount, `SELECT (SELECT COALESCE(sum(amount_fen), 0) FROM payouts WHERE incident_id = $1) || '/' ||
		(SELECT COALESCE(sum(amount_fen - paid_fen), 0) FROM claims WHERE incident_id = $1 AND state = 'approved') || '/' ||
		(SELECT count(*) FROM claims WHERE incident_id = $1)`, inc); err != nil {
		t.Fatal(err)
	}
	if counters != recount {
		t.Errorf("fund counters paid/committed/claims %s after the delete, ledger and claims say %s", counters, recount)
	}
}
