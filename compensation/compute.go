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

// ComputeClaims computes (or recomputes) the claims of every merchant of
// the incident, or of one industry when industry is not empty: the figures
// of warroom_claim_figures (migration 00017, the computation's one
// definition) written by the database. An incident's first computation
// builds its claims in bulk as a partition of their own
// (warroom_compute_first_claims); every later one, a later batch of
// merchants or a recomputation, is warroom_compute_claims (migration
// 00027): open claims whose figures changed updated, and new merchants'
// claims built in bulk as a batch of their own when they are many and all
// newer than every claimed merchant (migration 00032), inserted otherwise,
// by statements run as the schema owner so that the guards do not
// re-derive, claim by claim, the figures they have just read.
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
	var c Computed
	err = q.GetContext(ctx, &c, `SELECT * FROM warroom_compute_claims($1, $2, $3, $4)`, args...)
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
