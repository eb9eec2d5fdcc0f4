package demo

import (
	"context"
	"fmt"
	"time"

	"warroom/db"
)

// insertPopulation bulk-loads merchants, their claims and the payouts of
// paid claims with COPY. Claims and payouts refer to serial ids, so each
// COPY is followed by one query mapping the merchant codes to those ids.
func insertPopulation(ctx context.Context, q db.Querier, incidentID int64, pop []merchant, s *Summary) error {
	err := copyRows(ctx, q, `COPY merchants (incident_id, merchant_id, name, industry) FROM STDIN`,
		len(pop), func(i int) []any {
			m := pop[i]
			return []any{incidentID, m.MerchantID, m.Name, m.Industry}
		})
	if err != nil {
		return fmt.Errorf("merchants: %w", err)
	}
	s.Merchants = len(pop)

	merchantIDs, err := idsByCode(ctx, q, `
		SELECT id, merchant_id AS code FROM merchants WHERE incident_id = $1`, incidentID)
	if err != nil {
		return fmt.Errorf("merchants: %w", err)
	}
	err = copyRows(ctx, q, `COPY claims (incident_id, merchant_id, plan, state, amount_fen,
		    computed_at, chosen_at, approved_at, paid_at, updated_at) FROM STDIN`,
		len(pop), func(i int) []any {
			c := pop[i].Claim
			var plan any
			if c.Plan != "" {
				plan = c.Plan
			}
			return []any{incidentID, merchantIDs[pop[i].MerchantID], plan, c.State, c.AmountFen,
				c.ComputedAt, orNull(c.ChosenAt), orNull(c.ApprovedAt), orNull(c.PaidAt), c.UpdatedAt}
		})
	if err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	s.Claims = len(pop)

	claimIDs, err := idsByCode(ctx, q, `
		SELECT c.id, m.merchant_id AS code
		FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE c.incident_id = $1`, incidentID)
	if err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	var paid []merchant
	for _, m := range pop {
		if m.Claim.State == "paid" {
			paid = append(paid, m)
		}
	}
	// One payout per paid claim, for its full amount; the key makes a
	// payment service's retry of the same payout a no-op.
	err = copyRows(ctx, q, `COPY payouts (incident_id, claim_id, amount_fen, paid_at,
		    idempotency_key, created_by) FROM STDIN`,
		len(paid), func(i int) []any {
			m := paid[i]
			return []any{incidentID, claimIDs[m.MerchantID], m.Claim.AmountFen, *m.Claim.PaidAt,
				"demo-" + m.MerchantID, demoAuthor}
		})
	if err != nil {
		return fmt.Errorf("payouts: %w", err)
	}
	s.Payouts = len(paid)
	for _, m := range paid {
		s.PaidFen += m.Claim.AmountFen
	}
	return nil
}

// copyRows streams n rows through a prepared COPY ... FROM STDIN; the
// final Exec without arguments flushes them, and is where the server
// reports a bad row.
func copyRows(ctx context.Context, q db.Querier, copySQL string, n int, row func(int) []any) error {
	stmt, err := q.PrepareContext(ctx, copySQL)
	if err != nil {
		return db.MapError(err)
	}
	defer stmt.Close()
	for i := range n {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			return db.MapError(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return db.MapError(err)
	}
	return db.MapError(stmt.Close())
}

func idsByCode(ctx context.Context, q db.Querier, query string, incidentID int64) (map[string]int64, error) {
	var rows []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	if err := q.SelectContext(ctx, &rows, query, incidentID); err != nil {
		return nil, db.MapError(err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}

// orNull turns a nil *time.Time into an untyped nil, which COPY writes as NULL.
func orNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
