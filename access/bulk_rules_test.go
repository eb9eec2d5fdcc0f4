package access_test

import (
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/access"
	"warroom/db/dbtest"
)

// The set-based statements `claims ... --bulk` runs, tried as finance in
// plain SQL: the money rules hold over a statement's rows as a whole, so
// one claim the rules refuse refuses the statement, and nothing of it is
// written. Fixture: pledged 1,000,000.00, 50,000.00 committed, threshold
// 10,000.00.
func TestSetStatementsAsFinance(t *testing.T) {
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)

	// Approvals: three chosen claims of 400,000.00 each, 950,000.00 left.
	var chosen []int64
	for _, m := range []string{"MC1", "MC2", "MC3"} {
		chosen = append(chosen, claimFor(t, f, f.incident, m, "chosen", 40000000))
	}
	approve := `UPDATE claims SET state = 'approved', approved_at = now() WHERE incident_id = $1 AND id = ANY ($2)`
	refused(t, "approving three at once beyond the fund", exec(t, fin, approve, f.incident, int64s(chosen)),
		"23514", "fund_not_overdrawn", "")
	if n := dbtest.Get[int](t, f.admin, `SELECT count(*) FROM claims WHERE state = 'chosen'`); n != 3 {
		t.Fatalf("%d chosen claims after the refusal, want 3", n)
	}
	if _, err := fin.Exec(approve, f.incident, int64s(chosen[:2])); err != nil {
		t.Fatalf("approving the two the fund covers: %v", err)
	}
	dbtest.CheckLedger(t, f.admin, f.incident)

	// Payouts: two approved claims under the threshold, one above it.
	s1 := claimFor(t, f, f.incident, "MS1", "approved", 500000)
	s2 := claimFor(t, f, f.incident, "MS2", "approved", 600000)
	big := claimFor(t, f, f.incident, "MB", "approved", 2000000)
	payAll := `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key)
		SELECT incident_id, id, amount_fen - paid_fen, 'bulk-' || id FROM claims WHERE incident_id = $1 AND id = ANY ($2)`
	refused(t, "paying three at once, one above the threshold", exec(t, fin, payAll, f.incident, int64s([]int64{s1, s2, big})),
		"WR001", "", "needs a second authorisation")
	if n := dbtest.Get[int](t, f.admin, `SELECT count(*) FROM payouts`); n != 0 {
		t.Fatalf("%d payouts after the refusal, want 0", n)
	}
	small := claimFor(t, f, f.incident, "MC4", "chosen", 1000)
	refused(t, "paying an unapproved claim among approved ones", exec(t, fin, payAll, f.incident, int64s([]int64{s1, small})),
		"23514", "payouts_claim_approved", "")

	markPaid := `UPDATE claims SET state = 'paid', paid_at = now() WHERE incident_id = $1 AND id = ANY ($2)`
	err := asTx(t, fin, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(payAll, f.incident, int64s([]int64{s1, s2})); err != nil {
			t.Fatalf("paying the two under the threshold: %v", err)
		}
		_, err := tx.Exec(markPaid, f.incident, int64s([]int64{s1, s2, big}))
		return err
	})
	refused(t, "marking paid a claim its payouts do not cover", err, "23514", "claims_lifecycle", "")

	// Both statements, as a batch does them, in one transaction.
	tx := fin.MustBegin()
	if _, err := tx.Exec(payAll, f.incident, int64s([]int64{s1, s2})); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(markPaid, f.incident, int64s([]int64{s1, s2})); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	l := dbtest.CheckLedger(t, f.admin, f.incident)
	if l.Paid != 1100000 || l.PaidClaims != 2 {
		t.Errorf("after paying two: paid %d over %d claims, want 1100000 over 2", l.Paid, l.PaidClaims)
	}
	refused(t, "paying them again under other keys", exec(t, fin, `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key)
		SELECT incident_id, id, 1, 'again-' || id FROM claims WHERE incident_id = $1 AND id = ANY ($2)`, f.incident, int64s([]int64{s1, s2})),
		"23514", "claims_not_overpaid", "")
}

func int64s(ids []int64) any { return pq.Array(ids) }
