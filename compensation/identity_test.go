package compensation_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// `--as NAME` on the embedded (superuser) database: the payment is recorded
// as NAME's, not the login's.
func TestPaymentIsTheActors(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 10_000)
	exec(t, conn, `INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'A1', 'x')`, inc)
	exec(t, conn, `INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen, cash_fen)
		SELECT $1, id, 'cash', 'approved', 500, 500 FROM merchants WHERE incident_id = $1`, inc)
	err := db.Write(ctx, conn, "alice", func(tx *sqlx.Tx) error {
		_, err := compensation.Pay(ctx, tx, inc, "A1", "pay-a1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var by string
	if err := conn.Get(&by, `SELECT created_by FROM payouts WHERE idempotency_key = 'pay-a1'`); err != nil || by != "alice" {
		t.Fatalf("payout created_by %q, %v; want alice", by, err)
	}
}
