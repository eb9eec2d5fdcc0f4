package access_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// A later computation (warroom_compute_claims, migration 00027) runs with
// its owner's rights, so that the guards need not re-derive the claims it
// has just computed: it must still be open only to those who may write
// claims, keep the fund's counters, and leave every check in force for a
// login's own statements, whatever the login sets.
func TestLaterComputationByRole(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	inc := f.incidentWithTwoMerchants(t)
	fin, _ := f.login(t, access.Finance)
	if c, err := compensation.ComputeClaims(ctx, fin, inc, ""); err != nil || c.Written != 2 {
		t.Fatalf("finance's first computation: %+v, %v", c, err)
	}
	// The later batch.
	f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'C', 'x')`, inc)

	for _, role := range []string{access.Viewer, access.Engineer} {
		conn, _ := f.login(t, role)
		if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); !errors.Is(err, db.ErrPermissionDenied) {
			t.Errorf("%s computing a later batch: %v, want permission denied", role, err)
		}
	}
	if n := dbtest.Get[int](t, f.admin, `SELECT count(*) FROM claims WHERE incident_id = $1`, inc); n != 2 {
		t.Fatalf("%d claims after refused computations, want 2", n)
	}
	c, err := compensation.ComputeClaims(ctx, fin, inc, "")
	if err != nil || c.Written != 1 || c.Awaiting != 1 {
		t.Fatalf("finance computing the later batch: %+v, %v; want C's claim, awaiting a rate", c, err)
	}
	if l := dbtest.CheckLedger(t, f.admin, inc); l.Claims != 3 {
		t.Fatalf("fund counts %d claims, want 3", l.Claims)
	}

	// The setting that lets the computation's own statement skip the
	// reference check does nothing for a login's statement. (The claims
	// of missing merchants carry the figures the claims guard, which
	// fires first, derives for no merchant: it is the reference check
	// that must refuse them.)
	f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'D', 'x')`, inc)
	for _, tc := range []struct {
		what, q, code, constraint string
	}{
		{"a claim of a missing merchant", `INSERT INTO claims (incident_id, merchant_id, state, baseline_fen) VALUES ($1, 999999, 'awaiting_rate', 0)`,
			"23503", "claims_merchant_id_fkey"},
		{"a claim of another incident's merchant", `INSERT INTO claims (incident_id, merchant_id, state, baseline_fen)
			SELECT $1, id, 'awaiting_rate', 0 FROM merchants WHERE incident_id <> $1 LIMIT 1`,
			"23503", "claims_merchant_id_fkey"},
		{"a claim with figures of its own", `INSERT INTO claims (incident_id, merchant_id, state, amount_fen, baseline_fen, cash_fen)
			SELECT $1, id, 'computed', 99999, 0, 99999 FROM merchants WHERE incident_id = $1 AND merchant_id = 'D'`,
			"23514", "claims_amount_computed"},
	} {
		err := asTx(t, fin, func(tx *sqlx.Tx) error {
			if _, err := tx.Exec(`SET LOCAL warroom.computing_claims = 'on'`); err != nil {
				t.Fatal(err)
			}
			_, err := tx.Exec(tc.q, inc)
			return err
		})
		if err == nil {
			t.Errorf("%s, warroom.computing_claims on: accepted", tc.what)
			continue
		}
		dbtest.WantConstraint(t, err, tc.code, tc.constraint)
	}
}
