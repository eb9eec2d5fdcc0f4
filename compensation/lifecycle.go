package compensation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"warroom/db"
	"warroom/glossary"
)

// Approve moves a chosen claim to approved, committing its amount. The
// database refuses it (constraint fund_not_overdrawn) when the fund cannot
// cover it; concurrent approvals queue on the fund's row, so they cannot
// jointly overdraw it.
func Approve(ctx context.Context, q db.Querier, incidentID int64, merchant string) (ClaimRef, error) {
	c, err := lockClaim(ctx, q, incidentID, merchant)
	if err != nil {
		return c, err
	}
	if c.State != "chosen" {
		return c, db.Invalid("state", "merchant %s's claim is %s: only a chosen claim can be approved", merchant, glossary.ClaimState(c.State))
	}
	_, err = q.ExecContext(ctx, `UPDATE claims SET state = 'approved', approved_at = now(), updated_at = now() WHERE id = $1 AND incident_id = $2`, c.ID, incidentID)
	if err = fundError(err); err != nil {
		return c, fmt.Errorf("approve %s (%s): %w", merchant, FormatFen(c.Amount), err)
	}
	c.State = "approved"
	return c, nil
}

// fundError names an overdraw plainly, keeping the database's error.
func fundError(err error) error {
	err = db.MapError(err)
	var me *db.MappedError
	if errors.As(err, &me) && me.PG.Constraint == "fund_not_overdrawn" {
		return fmt.Errorf("%w: %w", ErrFundExhausted, err)
	}
	return err
}

// Payment is one payout from the ledger.
type Payment struct {
	Merchant       string    `json:"merchant_id"`
	AmountFen      int64     `db:"amount_fen" json:"amount_fen"`
	PaidAt         time.Time `db:"paid_at" json:"paid_at"`
	IdempotencyKey string    `db:"idempotency_key" json:"idempotency_key"`
	Repeated       bool      `json:"repeated"` // the key was paid before: nothing new was paid
}

// Pay pays what an approved claim still owes, as one append-only payout.
// The idempotency key makes a retry (same key) return the first payment
// instead of paying twice; a key already used for another claim of the
// incident is refused. Keys are unique per incident (migration 00014).
func Pay(ctx context.Context, q db.Querier, incidentID int64, merchant, key string) (Payment, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return Payment{}, db.Invalid("--key", "a payment needs an idempotency key (the payment order number)")
	}
	// The claim lock first: a concurrent retry with the same key waits here
	// and then finds the first payment below.
	c, err := lockClaim(ctx, q, incidentID, merchant)
	if err != nil {
		return Payment{}, err
	}
	p := Payment{Merchant: merchant}
	var claimID int64
	err = q.QueryRowxContext(ctx, `SELECT claim_id, amount_fen, paid_at, idempotency_key FROM payouts
		WHERE incident_id = $1 AND idempotency_key = $2`, incidentID, key).
		Scan(&claimID, &p.AmountFen, &p.PaidAt, &p.IdempotencyKey)
	switch err = db.MapError(err); {
	case err == nil && claimID == c.ID:
		p.Repeated = true
		return p, nil
	case err == nil:
		return p, db.Invalid("--key", "%q already paid another claim", key)
	case !db.IsNotFound(err):
		return p, err
	}
	if c.State != "approved" {
		return p, db.Invalid("state", "merchant %s's claim is %s: only an approved claim is paid", merchant, glossary.ClaimState(c.State))
	}
	owed := c.Amount - c.Paid
	if owed <= 0 {
		return p, db.Invalid("state", "merchant %s's claim owes nothing", merchant)
	}
	// created_by names the transaction's actor: the column's default is the
	// login, which for the embedded superuser is not who `--as` names.
	err = q.GetContext(ctx, &p, `
		INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
		VALUES ($1, $2, $3, $4, warroom_actor())
		RETURNING amount_fen, paid_at, idempotency_key`, incidentID, c.ID, owed, key)
	if err = fundError(err); err != nil {
		return p, err
	}
	_, err = q.ExecContext(ctx, `UPDATE claims SET state = 'paid', paid_at = $2, updated_at = now() WHERE id = $1 AND incident_id = $3`, c.ID, p.PaidAt, incidentID)
	return p, db.MapError(err)
}

// Reject closes a claim that will not be paid (before approval).
func Reject(ctx context.Context, q db.Querier, incidentID int64, merchant string) (ClaimRef, error) {
	c, err := lockClaim(ctx, q, incidentID, merchant)
	if err != nil {
		return c, err
	}
	if c.State == "approved" || c.State == "paid" || c.State == "rejected" {
		return c, db.Invalid("state", "merchant %s's claim is %s", merchant, glossary.ClaimState(c.State))
	}
	_, err = q.ExecContext(ctx, `UPDATE claims SET state = 'rejected', updated_at = now() WHERE id = $1 AND incident_id = $2`, c.ID, incidentID)
	c.State = "rejected"
	return c, db.MapError(err)
}
