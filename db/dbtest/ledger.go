package dbtest

import (
	"testing"

	"github.com/jmoiron/sqlx"
)

// Ledger is a fund's counters beside the same figures recomputed from the
// rows they count.
type Ledger struct {
	Pledged, Committed, Paid, Claims, PaidClaims, Received int64
}

// CheckLedger fails t unless the incident's fund counters (kept by
// triggers) equal sums recomputed from contributors, contributions (money
// received), claims and payouts,
// and every claim's paid_fen equals its payouts. Call it after each money
// path: a trigger that misses a case shows up here, not in the display.
func CheckLedger(t testing.TB, q sqlx.Queryer, incidentID int64) Ledger {
	t.Helper()
	var got, want Ledger
	err := q.QueryRowx(`SELECT pledged_fen, committed_fen, paid_fen, claims_count, paid_claims, received_fen
		FROM funds WHERE incident_id = $1`, incidentID).
		Scan(&got.Pledged, &got.Committed, &got.Paid, &got.Claims, &got.PaidClaims, &got.Received)
	if err != nil {
		t.Fatalf("ledger: fund of incident %d: %v", incidentID, err)
	}
	err = q.QueryRowx(`SELECT
		(SELECT COALESCE(sum(pledged_fen), 0) FROM contributors WHERE incident_id = $1)::bigint,
		(SELECT COALESCE(sum(GREATEST(amount_fen - paid_fen, 0)) FILTER (WHERE state = 'approved'), 0)
		   FROM claims WHERE incident_id = $1)::bigint,
		(SELECT COALESCE(sum(amount_fen), 0) FROM payouts WHERE incident_id = $1)::bigint,
		(SELECT count(*) FROM claims WHERE incident_id = $1),
		(SELECT count(*) FILTER (WHERE state = 'paid') FROM claims WHERE incident_id = $1),
		(SELECT COALESCE(sum(r.amount_fen), 0) FROM contributions r JOIN contributors c ON c.id = r.contributor_id
		  WHERE c.incident_id = $1)::bigint`, incidentID).
		Scan(&want.Pledged, &want.Committed, &want.Paid, &want.Claims, &want.PaidClaims, &want.Received)
	if err != nil {
		t.Fatalf("ledger: recompute incident %d: %v", incidentID, err)
	}
	if got != want {
		t.Fatalf("ledger of incident %d: fund counters %+v, recomputed from the rows %+v", incidentID, got, want)
	}
	var off int64
	err = q.QueryRowx(`SELECT count(*) FROM claims c
		WHERE c.incident_id = $1 AND c.paid_fen <> COALESCE((SELECT sum(p.amount_fen) FROM payouts p
		      WHERE p.incident_id = $1 AND p.claim_id = c.id), 0)`, incidentID).Scan(&off)
	if err != nil {
		t.Fatalf("ledger: claims' paid_fen in incident %d: %v", incidentID, err)
	}
	if off != 0 {
		t.Fatalf("ledger of incident %d: %d claims whose paid_fen differs from their payouts", incidentID, off)
	}
	return got
}
