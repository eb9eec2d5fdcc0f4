package compensation

import (
	"context"
	"fmt"
	"time"

	"warroom/db"
)

// The reads behind `warroom claims choose-run`, `approve-run` and
// `pay-run`: which claim comes next, the fund's position between claims,
// and what a pay-run leaves for a second authorisation.

// RunCandidate is a claim a run may act on.
type RunCandidate struct {
	ClaimID  int64     `db:"claim_id"`
	Merchant string    `db:"merchant"`
	At       time.Time `db:"at"` // when it reached its state (the epoch for computed claims)
	OwedFen  int64     `db:"owed_fen"`
}

// RunCursor is where a run has got to: the last candidate it was given.
type RunCursor struct {
	At       time.Time
	Merchant string
}

// runOrder is the timestamp a run walks claims of a state by, oldest
// first; computed claims go by merchant id alone.
var runOrder = map[string]string{
	"computed": "'epoch'::timestamptz",
	"chosen":   "COALESCE(c.chosen_at, 'epoch')",
	"approved": "COALESCE(c.approved_at, 'epoch')",
}

// RunCandidates returns up to limit claims of the incident in state,
// oldest first by the time they reached it, then merchant id, after the
// cursor (keyset paging, so a claim skipped or changed meanwhile is never
// read again by the same run). maxOwed, when not nil, leaves out claims
// owing more than it.
func RunCandidates(ctx context.Context, q db.Querier, incident int64, state string, after RunCursor, maxOwed *int64, limit int) ([]RunCandidate, error) {
	at, ok := runOrder[state]
	if !ok {
		return nil, fmt.Errorf("claim runs: no run over %q claims", state)
	}
	var out []RunCandidate
	err := q.SelectContext(ctx, &out, `
		SELECT c.id AS claim_id, m.merchant_id AS merchant, `+at+` AS at,
		       c.amount_fen - c.paid_fen AS owed_fen
		FROM claims c JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = $1
		WHERE c.incident_id = $1 AND c.state = $2
		  AND (`+at+`, m.merchant_id) > ($3, $4)
		  AND ($5::bigint IS NULL OR c.amount_fen - c.paid_fen <= $5)
		ORDER BY 3, 2 LIMIT $6`, incident, state, after.At, after.Merchant, maxOwed, limit)
	return out, db.MapError(err)
}

// FundPosition is the fund's position, for a run's progress and summary.
type FundPosition struct {
	PledgedFen   int64 `db:"pledged_fen" json:"pledged_fen"`
	CommittedFen int64 `db:"committed_fen" json:"committed_fen"`
	PaidFen      int64 `db:"paid_fen" json:"paid_fen"`
	RemainingFen int64 `db:"remaining_fen" json:"remaining_fen"`
	ThresholdFen int64 `db:"payout_approval_fen" json:"payout_approval_fen"`
}

// ReadFundPosition reads the incident's fund counters and payout threshold.
func ReadFundPosition(ctx context.Context, q db.Querier, incident int64) (FundPosition, error) {
	var f FundPosition
	err := q.GetContext(ctx, &f, `
		SELECT pledged_fen, committed_fen, paid_fen, pledged_fen - committed_fen - paid_fen AS remaining_fen,
		       payout_approval_fen
		FROM funds WHERE incident_id = $1`, incident)
	if db.IsNotFound(db.MapError(err)) {
		return f, ErrNoFund
	}
	return f, db.MapError(err)
}

func (f FundPosition) String() string {
	return fmt.Sprintf("paid %s, committed %s, remaining %s of %s",
		FormatFen(f.PaidFen), FormatFen(f.CommittedFen), FormatFen(f.RemainingFen), FormatFen(f.PledgedFen))
}

// AboveThreshold is what payouts over the threshold leave for a second
// authorisation: how many approved claims, how much they owe, and the
// first of them (oldest approval), if any.
type AboveThreshold struct {
	Claims   int64
	OwedFen  int64
	First    *int64 // claim id
	Merchant *string
	FirstFen *int64
}

// ApprovedAboveThreshold counts the incident's approved claims owing more
// than the fund's payout threshold.
func ApprovedAboveThreshold(ctx context.Context, q db.Querier, incident int64) (AboveThreshold, error) {
	var a AboveThreshold
	err := q.QueryRowxContext(ctx, `
		SELECT count(*), COALESCE(sum(c.amount_fen - c.paid_fen), 0)::bigint,
		       (array_agg(c.id ORDER BY c.approved_at, m.merchant_id))[1],
		       (array_agg(m.merchant_id ORDER BY c.approved_at, m.merchant_id))[1],
		       (array_agg(c.amount_fen - c.paid_fen ORDER BY c.approved_at, m.merchant_id))[1]
		FROM claims c JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = $1
		JOIN funds f ON f.incident_id = c.incident_id
		WHERE c.incident_id = $1 AND c.state = 'approved' AND c.amount_fen - c.paid_fen > f.payout_approval_fen`,
		incident).Scan(&a.Claims, &a.OwedFen, &a.First, &a.Merchant, &a.FirstFen)
	return a, db.MapError(err)
}
