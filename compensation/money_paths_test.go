package compensation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// moneyFixture is an incident with a 100,000.00 pledge and four computed
// claims, M1..M4, each worth 5,000.00 in cash.
func moneyFixture(t *testing.T) (*sqlx.DB, int64) {
	t.Helper()
	conn := dbtest.New(t)
	inc := dbtest.Get[int64](t, conn, `INSERT INTO incidents (slug, title, started_at) VALUES ('m', 'M', now()) RETURNING id`)
	exec(t, conn, `INSERT INTO funds (incident_id) VALUES ($1)`, inc)
	exec(t, conn, `INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'Co', 1, 10000000)`, inc)
	exec(t, conn, `INSERT INTO merchants (incident_id, merchant_id) SELECT $1, 'M' || g FROM generate_series(1, 4) g`, inc)
	exec(t, conn, `INSERT INTO claims (incident_id, merchant_id, state, amount_fen, cash_fen)
		SELECT $1, id, 'computed', 500000, 500000 FROM merchants WHERE incident_id = $1`, inc)
	dbtest.CheckLedger(t, conn, inc)
	return conn, inc
}

// claimOf reads a claim's state and amount by merchant id.
func claimOf(t *testing.T, conn *sqlx.DB, inc int64, merchant string) (state string, amount int64) {
	t.Helper()
	if err := conn.QueryRow(`SELECT c.state, c.amount_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE m.incident_id = $1 AND m.merchant_id = $2`, inc, merchant).Scan(&state, &amount); err != nil {
		t.Fatalf("claim of %s: %v", merchant, err)
	}
	return state, amount
}

// inTx runs fn in one transaction, as the console and CLI do.
func inTx(t *testing.T, conn *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	t.Helper()
	return db.InTx(context.Background(), conn, fn)
}

// Reject closes a claim before approval; an approved, paid or already
// rejected claim is refused and left as it was. The ledger holds after each.
func TestRejectClaim(t *testing.T) {
	ctx := context.Background()
	conn, inc := moneyFixture(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Choose(ctx, tx, inc, "M2", "cash"); return err }))
	must(inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Choose(ctx, tx, inc, "M3", "cash"); return err }))
	must(inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Approve(ctx, tx, inc, "M3"); return err }))
	before := dbtest.CheckLedger(t, conn, inc)
	if before.Committed != 500000 {
		t.Fatalf("committed %d before the rejections, want M3's 500000", before.Committed)
	}

	// A computed and a chosen claim can be rejected; neither was committed.
	for _, m := range []string{"M1", "M2"} {
		var c compensation.ClaimRef
		err := inTx(t, conn, func(tx *sqlx.Tx) (err error) { c, err = compensation.Reject(ctx, tx, inc, m); return err })
		if err != nil || c.State != "rejected" {
			t.Fatalf("reject %s: %+v %v", m, c, err)
		}
		if state, _ := claimOf(t, conn, inc, m); state != "rejected" {
			t.Fatalf("%s is %s after its rejection", m, state)
		}
		if l := dbtest.CheckLedger(t, conn, inc); l != before {
			t.Fatalf("rejecting uncommitted %s moved the fund: %+v, was %+v", m, l, before)
		}
	}
	// An approved claim (money committed) and a rejected one are refused,
	// naming the state, and nothing changes.
	for _, tc := range []struct{ merchant, state string }{{"M3", "approved"}, {"M1", "rejected"}} {
		err := inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Reject(ctx, tx, inc, tc.merchant); return err })
		var fe *db.FieldError
		if !errors.As(err, &fe) || fe.Field != "state" || !errors.Is(err, db.ErrInvalidInput) {
			t.Fatalf("rejecting %s claim %s: %v", tc.state, tc.merchant, err)
		}
		if state, _ := claimOf(t, conn, inc, tc.merchant); state != tc.state {
			t.Fatalf("%s is %s after a refused rejection, want %s", tc.merchant, state, tc.state)
		}
	}
	if l := dbtest.CheckLedger(t, conn, inc); l != before {
		t.Fatalf("refused rejections moved the fund: %+v, was %+v", l, before)
	}
	// A rejected claim cannot come back through a choice.
	err := inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Choose(ctx, tx, inc, "M1", "cash"); return err })
	if !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("choosing for a rejected claim: %v", err)
	}
	if err := inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Reject(ctx, tx, inc, "NOPE"); return err }); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("rejecting an unknown merchant: %v", err)
	}
}

// SetInKindValue reprices only chosen, not yet approved traffic claims:
// an approved one keeps the value it was approved at, a cash one its cash.
func TestSetInKindValueRepricesOnlyChosenTrafficClaims(t *testing.T) {
	ctx := context.Background()
	conn, inc := moneyFixture(t)
	for _, c := range []struct{ merchant, plan string }{{"M1", "traffic"}, {"M2", "traffic"}, {"M3", "cash"}} {
		if err := inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Choose(ctx, tx, inc, c.merchant, c.plan); return err }); err != nil {
			t.Fatalf("choose %s %s: %v", c.merchant, c.plan, err)
		}
	}
	if err := inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Approve(ctx, tx, inc, "M2"); return err }); err != nil {
		t.Fatal(err)
	}
	before := dbtest.CheckLedger(t, conn, inc)
	if before.Committed != 1200000 {
		t.Fatalf("committed %d, want M2's in-kind 1200000", before.Committed)
	}

	var n int64
	err := inTx(t, conn, func(tx *sqlx.Tx) (err error) { n, err = compensation.SetInKindValue(ctx, tx, inc, 800000); return err })
	if err != nil || n != 1 {
		t.Fatalf("set in-kind value: %d claims updated, %v; want 1 (M1)", n, err)
	}
	want := map[string]struct {
		state  string
		amount int64
	}{"M1": {"chosen", 800000}, "M2": {"approved", 1200000}, "M3": {"chosen", 500000}, "M4": {"computed", 500000}}
	for m, w := range want {
		if state, amount := claimOf(t, conn, inc, m); state != w.state || amount != w.amount {
			t.Errorf("%s: %s %d, want %s %d", m, state, amount, w.state, w.amount)
		}
	}
	if v := dbtest.Get[int64](t, conn, `SELECT inkind_value_fen FROM funds WHERE incident_id = $1`, inc); v != 800000 {
		t.Fatalf("fund's in-kind value %d, want 800000", v)
	}
	if l := dbtest.CheckLedger(t, conn, inc); l != before {
		t.Fatalf("repricing uncommitted claims moved the fund: %+v, was %+v", l, before)
	}
	// The same value again changes nothing; a negative one is refused.
	err = inTx(t, conn, func(tx *sqlx.Tx) (err error) { n, err = compensation.SetInKindValue(ctx, tx, inc, 800000); return err })
	if err != nil || n != 0 {
		t.Fatalf("same value again: %d updated, %v", n, err)
	}
	err = inTx(t, conn, func(tx *sqlx.Tx) (err error) { n, err = compensation.SetInKindValue(ctx, tx, inc, -1); return err })
	if !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("negative value: %v", err)
	}
	// M1, approved now, costs the fund the new value.
	if err := inTx(t, conn, func(tx *sqlx.Tx) error { _, err := compensation.Approve(ctx, tx, inc, "M1"); return err }); err != nil {
		t.Fatal(err)
	}
	if l := dbtest.CheckLedger(t, conn, inc); l.Committed != 1200000+800000 {
		t.Fatalf("committed %d after approving M1, want %d", l.Committed, 1200000+800000)
	}
}
