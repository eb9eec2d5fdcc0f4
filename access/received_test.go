package access_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/compensation"
	"warroom/db/dbtest"
)

// Money received, as each role with plain SQL: finance records it; the
// others are refused by the database; the amount is more than 0; one
// reference once per contributor; the fund's received counter follows the
// rows and no login writes it.
func TestMoneyReceivedRules(t *testing.T) {
	f := newFixture(t)
	ins := func(ref string, fen int64) string {
		return fmt.Sprintf(`INSERT INTO contributions (contributor_id, amount_fen, received_at, reference)
			VALUES (%d, %d, now(), '%s')`, f.contributor, fen, ref)
	}
	for _, role := range []string{access.Viewer, access.Engineer, access.Commander} {
		conn, _ := f.login(t, role)
		_, err := conn.Exec(ins("ref-"+role, 100))
		dbtest.WantPG(t, err, "42501", "permission denied for table contributions")
	}
	fin, _ := f.login(t, access.Finance)
	if _, err := fin.Exec(ins("bank 1", 250)); err != nil {
		t.Fatalf("finance records money received: %v", err)
	}
	l := dbtest.CheckLedger(t, f.admin, f.incident)
	if l.Received != 500+250 { // the fixture's 500 and this 250
		t.Fatalf("received counter %d, want 750", l.Received)
	}
	_, err := fin.Exec(ins("bank 2", 0))
	dbtest.WantConstraint(t, err, "23514", "contributions_amount_fen_check")
	_, err = fin.Exec(ins("bank 3", -5))
	dbtest.WantConstraint(t, err, "23514", "contributions_amount_fen_check")
	// The same reference again, in another case and with spaces: refused.
	_, err = fin.Exec(ins(" BANK 1 ", 250))
	dbtest.WantConstraint(t, err, "23505", "contributions_reference_key")
	// The counter: finance (and a commander) may update the fund, not it.
	for _, role := range []string{access.Finance, access.Commander} {
		conn, _ := f.login(t, role)
		_, err = conn.Exec(`UPDATE funds SET received_fen = received_fen + 1 WHERE incident_id = $1`, f.incident)
		dbtest.WantConstraint(t, err, "42501", "funds_counters_from_ledger")
	}
	// A recorded transfer changes only through an approved request.
	_, err = fin.Exec(`UPDATE contributions SET amount_fen = 1 WHERE reference = 'bank 1'`)
	if err == nil {
		t.Fatal("finance changed a recorded transfer directly")
	}
	dbtest.CheckLedger(t, f.admin, f.incident)
}

// compensation.Receive over a finance login: a transfer, a retried one
// (already recorded, not counted twice), the same reference with another
// amount (refused, naming it), an unknown contributor, a time in the
// future; the ledger holds after each.
func TestReceiveAsFinance(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fin, _ := f.login(t, access.Finance)
	now := time.Now()
	at := now.Add(-time.Hour)
	run := func(in compensation.ReceiveInput) (compensation.Received, error) {
		var r compensation.Received
		err := asCommit(t, fin, func(tx *sqlx.Tx) (err error) {
			r, err = compensation.Receive(ctx, tx, f.incident, in, now)
			return err
		})
		return r, err
	}
	r, err := run(compensation.ReceiveInput{Contributor: "CO", AmountFen: 30000, At: at, Reference: "wire 7"})
	if err != nil || r.AlreadyRecorded || r.ReceivedFen != 30500 || r.Contributor != "co" {
		t.Fatalf("first receive: %+v, %v", r, err)
	}
	again, err := run(compensation.ReceiveInput{Contributor: "co", AmountFen: 30000, At: at, Reference: "Wire 7"})
	if err != nil || !again.AlreadyRecorded || again.ID != r.ID || again.ReceivedFen != 30500 {
		t.Fatalf("retried receive: %+v, %v", again, err)
	}
	if _, err := run(compensation.ReceiveInput{Contributor: "co", AmountFen: 40000, At: at, Reference: "wire 7"}); err == nil ||
		err.Error() != `--reference: "wire 7" from co is already recorded as 300.00 (transfer `+fmt.Sprint(r.ID)+`), not 400.00` {
		t.Fatalf("same reference, other amount: %v", err)
	}
	if _, err := run(compensation.ReceiveInput{Contributor: "nobody", AmountFen: 1, At: at, Reference: "x"}); err == nil ||
		err.Error() != `CONTRIBUTOR: "nobody" has pledged nothing to this fund (see warroom fund)` {
		t.Fatalf("unknown contributor: %v", err)
	}
	if _, err := run(compensation.ReceiveInput{Contributor: "co", AmountFen: 1, At: now.Add(time.Hour), Reference: "y"}); err == nil {
		t.Fatal("a transfer an hour in the future was recorded")
	}
	if l := dbtest.CheckLedger(t, f.admin, f.incident); l.Received != 30500 {
		t.Fatalf("received %d, want 30500", l.Received)
	}
	fund, err := compensation.LoadFund(ctx, fin, f.incident, "i")
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's approved claim owes 50,000.00; 305.00 is on hand.
	if fund.CashOnHandFen != 30500-fund.PaidFen || !fund.CashShort || fund.CommittedFen != 5000000 {
		t.Fatalf("cash on hand %d (paid %d), short %v, committed %d", fund.CashOnHandFen, fund.PaidFen, fund.CashShort, fund.CommittedFen)
	}
}

// asCommit runs fn in a transaction that commits when fn succeeds.
func asCommit(t *testing.T, conn *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	t.Helper()
	tx, err := conn.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
