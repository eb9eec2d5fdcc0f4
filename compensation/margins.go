package compensation

import (
	"context"
	"strings"
	"time"

	"warroom/db"
)

// Rate is one version of an industry's margin rate.
type Rate struct {
	ID       int64     `db:"id" json:"id"`
	Industry string    `db:"industry" json:"industry"`
	Percent  string    `db:"percent" json:"percent"` // exact decimal text
	Source   string    `db:"source" json:"source"`
	SetAt    time.Time `db:"set_at" json:"set_at"`
	SetBy    string    `db:"set_by" json:"set_by"`
}

// SetRate records a new rate version for an industry (older versions are
// kept: every claim names the version it used).
func SetRate(ctx context.Context, q db.Querier, incidentID int64, industry string, m Margin, source string) (Rate, error) {
	industry = NormalizeIndustry(industry)
	if industry == "" {
		return Rate{}, db.Invalid("industry", "empty")
	}
	if strings.TrimSpace(source) == "" {
		return Rate{}, db.Invalid("--source", "say where the rate comes from (who published it, when)")
	}
	var r Rate
	err := q.GetContext(ctx, &r, `
		INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES ($1, $2, $3::numeric, $4)
		RETURNING id, industry, percent::text, source, set_at, set_by`,
		incidentID, industry, m.String(), strings.TrimSpace(source))
	return r, db.MapError(err)
}

// Rates lists the current rate of every industry; with history, every version, newest first.
func Rates(ctx context.Context, q db.Querier, incidentID int64, history bool) ([]Rate, error) {
	from := "current_margin_rates"
	if history {
		from = "margin_rates"
	}
	var out []Rate
	err := q.SelectContext(ctx, &out, `
		SELECT id, industry, percent::text, source, set_at, set_by FROM `+from+`
		WHERE incident_id = $1 ORDER BY industry, id DESC`, incidentID)
	return out, db.MapError(err)
}

// RateImpact is what setting a rate would do to the claims still open to
// recomputation (awaiting rate, computed, chosen): approved and paid
// claims keep the figure they were approved with.
type RateImpact struct {
	Industry       string `db:"industry" json:"industry"`
	OldPercent     string `db:"old_percent" json:"old_percent"`
	NewPercent     string `db:"new_percent" json:"new_percent"`
	Claims         int64  `db:"claims" json:"claims"`
	Changing       int64  `db:"changing" json:"changing"`
	NewlyComputed  int64  `db:"newly_computed" json:"newly_computed"`
	CashBeforeFen  int64  `db:"cash_before_fen" json:"cash_before_fen"`
	CashAfterFen   int64  `db:"cash_after_fen" json:"cash_after_fen"`
	FundMoveFen    int64  `db:"fund_move_fen" json:"fund_move_fen"` // change in what the claims cost the fund
	FrozenClaims   int64  `db:"frozen" json:"frozen_claims"`        // approved or paid: not recomputed
	MerchantsNoSet int64  `db:"not_computed" json:"merchants_not_computed"`
}

// PreviewRate computes RateImpact without writing anything.
func PreviewRate(ctx context.Context, q db.Querier, incidentID int64, industry string, m Margin) (RateImpact, error) {
	w, err := LoadWindows(ctx, q, incidentID)
	if err != nil {
		return RateImpact{}, err
	}
	industry = NormalizeIndustry(industry)
	var r RateImpact
	err = q.GetContext(ctx, &r, `
		WITH s AS (
		    SELECT t.merchant_id, sum(t.baseline_fen)::bigint AS fen FROM sales_totals t
		    JOIN merchants m ON m.id = t.merchant_id AND m.incident_id = $1
		    WHERE t.incident_id = $1 AND m.industry = $2 GROUP BY t.merchant_id),
		x AS (
		    SELECT c.state, c.plan, c.cash_fen, c.amount_fen,
		           warroom_cash_fen(COALESCE(s.fen, 0), $3::numeric, $4::numeric, $5::numeric) AS new_cash
		    FROM merchants m JOIN claims c ON c.merchant_id = m.id AND c.incident_id = m.incident_id
		    LEFT JOIN s ON s.merchant_id = m.id
		    WHERE m.incident_id = $1 AND m.industry = $2)
		SELECT $2::text AS industry,
		       COALESCE((SELECT percent::text FROM current_margin_rates WHERE incident_id = $1 AND industry = $2), 'none') AS old_percent,
		       $3::text AS new_percent,
		       count(*) FILTER (WHERE state IN ('awaiting_rate', 'computed', 'chosen')) AS claims,
		       count(*) FILTER (WHERE state IN ('awaiting_rate', 'computed', 'chosen') AND cash_fen IS DISTINCT FROM new_cash) AS changing,
		       count(*) FILTER (WHERE state = 'awaiting_rate') AS newly_computed,
		       COALESCE(sum(cash_fen) FILTER (WHERE state IN ('computed', 'chosen')), 0)::bigint AS cash_before_fen,
		       COALESCE(sum(new_cash) FILTER (WHERE state IN ('awaiting_rate', 'computed', 'chosen')), 0)::bigint AS cash_after_fen,
		       COALESCE(sum(CASE WHEN plan = 'traffic' THEN 0 ELSE new_cash - COALESCE(cash_fen, 0) END)
		                FILTER (WHERE state IN ('awaiting_rate', 'computed', 'chosen')), 0)::bigint AS fund_move_fen,
		       count(*) FILTER (WHERE state IN ('approved', 'paid')) AS frozen,
		       (SELECT count(*) FROM merchants m WHERE m.incident_id = $1 AND m.industry = $2
		           AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.merchant_id = m.id AND c.incident_id = m.incident_id)) AS not_computed
		FROM x`,
		incidentID, industry, m.String(), int64(w.Outage()), int64(w.Baseline()))
	return r, db.MapError(err)
}
