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

// computeSQL writes the figures of warroom_claim_figures (migration 00017:
// the computation's one definition, which the first computation,
// warroom_compute_first_claims, reads too) into the claims. Merchants
// without a claim get one by a plain INSERT; existing claims still open
// (awaiting rate, computed, chosen) take the new figures by an UPDATE of
// only those whose figures changed; approved, paid and rejected claims keep
// theirs. No INSERT ... ON CONFLICT: its speculative insertion cost a third
// more per row, and a rerun touched every row's conflict path.
//
// The function (its current body: db/schema.sql) is inlined into this
// statement, so the planner sees its joins as if they were written here. $2 names one industry, or is NULL for
// all: a rate change recomputes only that industry's merchants and sums
// only their sales.
//
// n is sorted by merchant: the hash joins hand rows over in hash order, and
// new claims written in that order land at random places in the
// merchant_id index (and updated ones all over the heap); in merchant order
// the index, the heap and the ids all grow at their ends. At 1M merchants
// the sort saved about 3.5 s of 13 (measured: README, Measured).
//
// The UPDATE sets version itself so the bump_version trigger (00006) skips
// its per-row call.
const computeSQL = `
WITH f AS (
    SELECT merchant_id, baseline_fen, rate_id, percent, cash_fen AS cash
    FROM warroom_claim_figures($1, $2, $3::numeric, $4::numeric)),
n AS MATERIALIZED (
    SELECT f.*, c.id AS claim_id
    FROM f LEFT JOIN claims c ON c.merchant_id = f.merchant_id AND c.incident_id = $1
    WHERE c.id IS NULL
       OR c.state IN ('awaiting_rate', 'computed', 'chosen')
      AND ((c.state = 'awaiting_rate') IS DISTINCT FROM (f.cash IS NULL AND c.plan IS NULL)
           OR (c.baseline_fen, c.margin_rate_id, c.cash_fen)
              IS DISTINCT FROM (f.baseline_fen, f.rate_id, f.cash))
    ORDER BY f.merchant_id),
ins AS (
    INSERT INTO claims (incident_id, merchant_id, state, amount_fen, baseline_fen,
                        margin_rate_id, margin_percent, cash_fen)
    SELECT $1, merchant_id, CASE WHEN cash IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
           COALESCE(cash, 0), baseline_fen, rate_id, percent, cash
    FROM n WHERE claim_id IS NULL
    RETURNING state, cash_fen),
upd AS (
    UPDATE claims c SET
        baseline_fen = n.baseline_fen, margin_rate_id = n.rate_id,
        margin_percent = n.percent, cash_fen = n.cash,
        state = CASE WHEN c.state = 'chosen' THEN 'chosen'
                     WHEN n.cash IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
        amount_fen = CASE WHEN c.plan = 'traffic' THEN c.amount_fen ELSE COALESCE(n.cash, 0) END,
        computed_at = now(), updated_at = now(), version = c.version + 1
    FROM n
    WHERE c.id = n.claim_id AND c.incident_id = $1 -- only the incident's partition
      -- again on the row as it is now, should another writer have got there first
      AND c.state IN ('awaiting_rate', 'computed', 'chosen')
      AND ((c.state = 'awaiting_rate') IS DISTINCT FROM (n.cash IS NULL AND c.plan IS NULL)
           OR (c.baseline_fen, c.margin_rate_id, c.cash_fen)
              IS DISTINCT FROM (n.baseline_fen, n.rate_id, n.cash))
    RETURNING c.state, c.cash_fen),
w AS (SELECT * FROM ins UNION ALL SELECT * FROM upd)
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
	args := []any{incidentID, nil, int64(w.Outage()), int64(w.Baseline())}
	if industry != "" {
		args[1] = NormalizeIndustry(industry)
	} else {
		// An incident's first computation builds its claims in bulk as a
		// partition of their own (migration 00012); it returns no row when
		// the incident already has claims.
		var c Computed
		err := q.GetContext(ctx, &c, `SELECT * FROM warroom_compute_first_claims($1, $2, $3)`,
			incidentID, int64(w.Outage()), int64(w.Baseline()))
		if err == nil {
			return c, nil
		}
		if err = db.MapError(err); !db.IsNotFound(err) {
			return Computed{}, err
		}
	}
	// Room to hash a million merchants in memory, no JIT (its cost
	// estimates of these joins made it compile for 0.4 s), and no nested
	// loops (right after an import the planner, not yet told of the
	// incident's merchants, expects one and would rescan the sales for each
	// of a million), for this transaction only.
	if _, err := q.ExecContext(ctx, `SELECT set_config('jit', 'off', true), set_config('enable_nestloop', 'off', true)`); err != nil {
		return Computed{}, db.MapError(err)
	}
	if err := setLocalWorkMem(ctx, q); err != nil {
		return Computed{}, err
	}
	var c Computed
	err = q.GetContext(ctx, &c, computeSQL, args...)
	return c, db.MapError(err)
}

// setLocalWorkMem raises work_mem for the rest of the caller's transaction
// (never lowers it): the bulk statements hash and sort a million rows.
func setLocalWorkMem(ctx context.Context, q db.Querier) error {
	_, err := q.ExecContext(ctx, `
		SELECT set_config('work_mem', '128MB', true)
		WHERE pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('128MB')`)
	return db.MapError(err)
}
