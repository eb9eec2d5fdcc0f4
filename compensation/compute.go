package compensation

import (
	"context"

	"warroom/db"
)

// Computed says what a claims computation wrote.
type Computed struct {
	Written  int64 `db:"written" json:"claims_written"`
	Awaiting int64 `db:"awaiting" json:"awaiting_rate"`
	CashFen  int64 `db:"cash_fen" json:"cash_fen"`
}

// computeSQL is the whole computation in one statement: each merchant's
// baseline sales (summed per merchant first: aggregating before the join
// keeps a million-merchant run in memory), its industry's current rate and
// warroom_cash_fen, the formula's one implementation. New merchants get a
// claim; existing claims still open (awaiting rate, computed, chosen) take
// the new figures; approved, paid and rejected claims keep theirs. Claims
// whose figures did not change are not rewritten, so a rerun is cheap.
// $2 limits it to one industry (a rate change recomputes only that one).
const computeSQL = `
WITH s AS (
    SELECT merchant_id, sum(baseline_fen)::bigint AS fen FROM sales_totals
    WHERE incident_id = $1 GROUP BY merchant_id),
n AS (
    SELECT m.id AS merchant_id, COALESCE(s.fen, 0) AS baseline_fen, r.id AS rate_id, r.percent,
           warroom_cash_fen(COALESCE(s.fen, 0), r.percent, $3::numeric, $4::numeric) AS cash
    FROM merchants m
    LEFT JOIN s ON s.merchant_id = m.id
    LEFT JOIN current_margin_rates r ON r.incident_id = $1 AND r.industry = m.industry
    WHERE m.incident_id = $1 AND ($2::text IS NULL OR m.industry = $2)),
w AS (
    INSERT INTO claims AS c (incident_id, merchant_id, state, amount_fen, baseline_fen,
                             margin_rate_id, margin_percent, cash_fen)
    SELECT $1, merchant_id, CASE WHEN cash IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
           COALESCE(cash, 0), baseline_fen, rate_id, percent, cash
    FROM n
    ON CONFLICT (merchant_id) DO UPDATE SET
        baseline_fen = EXCLUDED.baseline_fen, margin_rate_id = EXCLUDED.margin_rate_id,
        margin_percent = EXCLUDED.margin_percent, cash_fen = EXCLUDED.cash_fen,
        state = CASE WHEN c.state = 'chosen' THEN 'chosen' ELSE EXCLUDED.state END,
        amount_fen = CASE WHEN c.plan = 'traffic' THEN c.amount_fen ELSE EXCLUDED.amount_fen END,
        computed_at = now(), updated_at = now()
    WHERE c.state IN ('awaiting_rate', 'computed', 'chosen')
      AND (c.state = 'awaiting_rate') IS DISTINCT FROM (EXCLUDED.cash_fen IS NULL AND c.plan IS NULL)
       OR c.state IN ('awaiting_rate', 'computed', 'chosen')
      AND (c.baseline_fen, c.margin_rate_id, c.cash_fen)
          IS DISTINCT FROM (EXCLUDED.baseline_fen, EXCLUDED.margin_rate_id, EXCLUDED.cash_fen)
    RETURNING c.state, c.cash_fen)
SELECT count(*) AS written, count(*) FILTER (WHERE state = 'awaiting_rate') AS awaiting,
       COALESCE(sum(cash_fen), 0)::bigint AS cash_fen
FROM w`

// ComputeClaims computes (or recomputes) the claims of every merchant of
// the incident, or of one industry when industry is not empty.
func ComputeClaims(ctx context.Context, q db.Querier, incidentID int64, industry string) (Computed, error) {
	w, err := LoadWindows(ctx, q, incidentID)
	if err != nil {
		return Computed{}, err
	}
	var only *string
	if industry != "" {
		n := NormalizeIndustry(industry)
		only = &n
	}
	var c Computed
	err = q.GetContext(ctx, &c, computeSQL, incidentID, only, int64(w.Outage()), int64(w.Baseline()))
	return c, db.MapError(err)
}
