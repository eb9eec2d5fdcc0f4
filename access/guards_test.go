package access_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
)

// Each high-risk write done directly is refused by its own guard, not by a
// missing privilege: a commander may write every one of these tables, so
// only the guard can refuse it, with "needs a second authorisation" under
// its own SQLSTATE, WR001 (migration 00017), which db.MapError names.
func TestHighRiskGuardsRefuseACommanderByName(t *testing.T) {
	f := newFixture(t)
	f.admin.MustExec(`INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES ($1, 'retail', 20, 'x')`, f.incident)
	boss, _ := f.login(t, access.Commander)
	cases := []struct{ name, sql, msg string }{
		{"payout above threshold",
			fmt.Sprintf(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES (%d, %d, 2000000, 'k-big')`, f.incident, f.claim),
			fmt.Sprintf("paying 20,000.00 on claim %d without a request (above the payout threshold of 10,000.00) needs a second authorisation", f.claim)},
		{"margin rate change",
			fmt.Sprintf(`INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES (%d, 'retail', 90, 's')`, f.incident),
			"changing the margin rate of retail needs a second authorisation"},
		{"void entry",
			fmt.Sprintf(`UPDATE timeline_entries SET voided_at = now(), voided_by = 'me' WHERE id = %d`, f.entry),
			fmt.Sprintf("voiding timeline entry %d needs a second authorisation", f.entry)},
		{"void milestone",
			fmt.Sprintf(`UPDATE milestones SET void_reason = 'x' WHERE id = %d`, f.milestone),
			fmt.Sprintf("voiding milestone %d needs a second authorisation", f.milestone)},
		{"contribution change",
			fmt.Sprintf(`UPDATE contributions SET amount_fen = 1 WHERE id = %d`, f.contrib),
			fmt.Sprintf("changing contribution %d needs a second authorisation", f.contrib)},
		{"pledge change",
			fmt.Sprintf(`UPDATE contributors SET pledged_fen = 1 WHERE id = %d`, f.contributor),
			"changing the pledge of co needs a second authorisation"},
		{"threshold change",
			fmt.Sprintf(`UPDATE funds SET payout_approval_fen = 999999999 WHERE incident_id = %d`, f.incident),
			"changing the payout approval threshold needs a second authorisation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := asTx(t, boss, func(tx *sqlx.Tx) error { _, err := tx.Exec(tc.sql); return err })
			dbtest.WantPG(t, err, "WR001", tc.msg)
			if !errors.Is(db.MapError(err), db.ErrNeedsApproval) {
				t.Fatalf("%v does not map to db.ErrNeedsApproval", err)
			}
		})
	}
	// The same statements' harmless neighbours pass, so the privilege is there.
	for _, ok := range []string{
		fmt.Sprintf(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES (%d, %d, 100, 'k-small')`, f.incident, f.claim),
		fmt.Sprintf(`UPDATE timeline_entries SET title = 'renamed' WHERE id = %d`, f.entry),
		fmt.Sprintf(`UPDATE milestones SET title = 'renamed' WHERE id = %d`, f.milestone),
		fmt.Sprintf(`UPDATE contributors SET name = 'co2' WHERE id = %d`, f.contributor),
		fmt.Sprintf(`UPDATE funds SET currency = currency WHERE incident_id = %d`, f.incident),
	} {
		if err := asTx(t, boss, func(tx *sqlx.Tx) error { _, err := tx.Exec(ok); return err }); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}
