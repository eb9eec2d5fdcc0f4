package compensation

import (
	"context"
	"time"

	"github.com/lib/pq"

	"warroom/db"
)

// Set-based steps behind `warroom claims choose-run|approve-run|pay-run
// --bulk`: each settles up to a batch of claims in a few statements, inside
// the caller's transaction, as any login with the role may. The database's
// guards are statement-level triggers (lifecycle, amounts, the fund's
// coverage, the payout threshold, identity, audit, counters, notification),
// so a batch passes exactly the checks a claim at a time passes; these
// functions only pick the rows those checks will accept, so that one
// unacceptable claim does not refuse the whole batch.
//
// The rows a batch writes are those its pick locked (FOR UPDATE re-reads
// each, so its state is still the one picked): the writes name them by id
// alone. Naming the state again would plan them by the state's statistics,
// which right after the previous stage say no claim is in it; a nested
// loop over the partition per claim then runs for minutes.
//
// Claims locked by someone else (a person at the console, another run) are
// skipped, not waited for (SKIP LOCKED), and left behind the run's cursor:
// a later run takes them if they still wait.

// BulkStep is what one batch did.
type BulkStep struct {
	Claims int64
	Fen    int64
	// approve: claims of the batch the fund could not cover (the run stops)
	Uncovered int64
	// approve: what the first of them owes
	UncoveredFen int64
	// pay: claims whose key pay-run-<merchant> already paid another claim
	KeyTaken int64
	// where the batch got to: the next batch starts after it
	Next BulkCursor
}

// BulkCursor is where a bulk run has got to in its order: the time the
// last claim reached its state (the epoch for computed claims), then its
// merchant's row id (import order). A run never reads a claim behind its
// cursor again, so one it could not settle (locked by someone else, its
// key taken) is passed over instead of blocking every later batch.
type BulkCursor struct {
	At       time.Time
	Merchant int64
}

// bulkSettings are the batch transaction's own: these statements are cheap
// per row, so compiling them (JIT) costs more than it saves; and a batch's
// sorts fit in memory.
func bulkSettings(ctx context.Context, q db.Querier) error {
	_, err := q.ExecContext(ctx, `SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`)
	return db.MapError(err)
}

// ChooseBatch records plan for up to limit computed claims without a plan
// after the cursor, in import order.
func ChooseBatch(ctx context.Context, q db.Querier, incidentID int64, plan string, after BulkCursor, limit int) (BulkStep, error) {
	plan, err := checkPlan(plan)
	if err != nil {
		return BulkStep{}, err
	}
	if err := bulkSettings(ctx, q); err != nil {
		return BulkStep{}, err
	}
	s := BulkStep{Next: after}
	err = q.QueryRowxContext(ctx, `
		WITH pick AS MATERIALIZED (
		    SELECT c.id, c.merchant_id FROM claims c
		    WHERE c.incident_id = $1 AND c.state = 'computed' AND c.plan IS NULL AND c.merchant_id > $4
		    ORDER BY c.merchant_id LIMIT $3
		    FOR UPDATE SKIP LOCKED),
		u AS (
		    UPDATE claims c SET plan = $2, state = 'chosen', chosen_at = now(), updated_at = now(),
		        amount_fen = CASE WHEN $2 = 'traffic' THEN f.inkind_value_fen ELSE c.cash_fen END
		    FROM pick, funds f
		    WHERE c.id = pick.id AND c.incident_id = $1 AND f.incident_id = $1
		    RETURNING c.amount_fen)
		SELECT (SELECT count(*) FROM u), (SELECT COALESCE(sum(amount_fen), 0)::bigint FROM u),
		       'epoch'::timestamptz, COALESCE((SELECT max(merchant_id) FROM pick), $4)`,
		incidentID, plan, limit, after.Merchant).Scan(&s.Claims, &s.Fen, &s.Next.At, &s.Next.Merchant)
	return s, db.MapError(err)
}

// ApproveBatch approves up to limit chosen claims after the cursor, oldest
// choice first (then import order), as many as the fund's remaining money
// covers: the longest prefix whose running total fits. The fund's row is
// locked first, so concurrent approvals queue behind the batch instead of
// racing it to the same money. Uncovered > 0 means the next claim in line
// does not fit: approving later, smaller ones first would jump the queue.
func ApproveBatch(ctx context.Context, q db.Querier, incidentID int64, after BulkCursor, limit int) (BulkStep, error) {
	if err := bulkSettings(ctx, q); err != nil {
		return BulkStep{}, err
	}
	var remaining int64
	err := db.MapError(q.GetContext(ctx, &remaining, `
		SELECT pledged_fen - committed_fen - paid_fen FROM funds WHERE incident_id = $1 FOR UPDATE`, incidentID))
	if db.IsNotFound(err) {
		return BulkStep{}, ErrNoFund
	}
	if err != nil {
		return BulkStep{}, err
	}
	s := BulkStep{Next: after}
	err = q.QueryRowxContext(ctx, `
		WITH pick AS MATERIALIZED (
		    SELECT c.id, c.amount_fen - c.paid_fen AS owed, COALESCE(c.chosen_at, 'epoch') AS at, c.merchant_id
		    FROM claims c
		    WHERE c.incident_id = $1 AND c.state = 'chosen'
		      AND (COALESCE(c.chosen_at, 'epoch'), c.merchant_id) > ($4, $5)
		    ORDER BY 3, 4 LIMIT $2
		    FOR UPDATE SKIP LOCKED),
		running AS MATERIALIZED (
		    SELECT id, owed, at, merchant_id,
		           sum(owed) OVER (ORDER BY at, merchant_id ROWS UNBOUNDED PRECEDING) AS upto,
		           row_number() OVER (ORDER BY at, merchant_id) AS n
		    FROM pick),
		-- the prefix that fits: everything before the first claim that does not
		cut AS (SELECT COALESCE(min(n), 9223372036854775807) AS n FROM running WHERE upto > $3),
		u AS (
		    UPDATE claims c SET state = 'approved', approved_at = now(), updated_at = now()
		    FROM running r, cut
		    WHERE c.id = r.id AND c.incident_id = $1 AND r.n < cut.n
		    RETURNING c.amount_fen - c.paid_fen AS owed),
		last AS (SELECT at, merchant_id FROM running, cut WHERE running.n < cut.n ORDER BY running.n DESC LIMIT 1)
		SELECT (SELECT count(*) FROM u), (SELECT COALESCE(sum(owed), 0)::bigint FROM u),
		       (SELECT count(*) FROM running, cut WHERE running.n >= cut.n),
		       COALESCE((SELECT owed FROM running, cut WHERE running.n = cut.n), 0)::bigint,
		       COALESCE((SELECT at FROM last), $4), COALESCE((SELECT merchant_id FROM last), $5)`,
		incidentID, limit, remaining, after.At, after.Merchant).Scan(&s.Claims, &s.Fen, &s.Uncovered, &s.UncoveredFen, &s.Next.At, &s.Next.Merchant)
	return s, fundError(err)
}

// PayBatch pays up to limit approved claims after the cursor, oldest
// approval first (then import order), each what it still owes, as one
// payout with the key pay-run-<merchant id>: the one-at-a-time run's key,
// so the two never pay a merchant twice. Only claims whose payouts made
// without a request stay within the payout threshold are picked; the rest
// need a second authorisation (ApprovedAboveThreshold counts them). A claim
// whose key already paid another claim is left alone and counted in
// KeyTaken.
func PayBatch(ctx context.Context, q db.Querier, incidentID int64, after BulkCursor, limit int) (BulkStep, error) {
	if err := bulkSettings(ctx, q); err != nil {
		return BulkStep{}, err
	}
	s := BulkStep{Next: after}
	var paid pq.Int64Array
	err := q.QueryRowxContext(ctx, `
		WITH pick AS MATERIALIZED (
		    SELECT c.id, c.amount_fen - c.paid_fen AS owed, COALESCE(c.approved_at, 'epoch') AS at, c.merchant_id
		    FROM claims c JOIN funds f ON f.incident_id = c.incident_id
		    WHERE c.incident_id = $1 AND c.state = 'approved' AND c.amount_fen > c.paid_fen
		      AND (COALESCE(c.approved_at, 'epoch'), c.merchant_id) > ($3, $4)
		      -- nothing paid yet: no payouts to add up (paid_fen is their sum)
		      AND CASE WHEN c.paid_fen = 0 THEN c.amount_fen
		               ELSE c.amount_fen - c.paid_fen + COALESCE((
		                        SELECT sum(p.amount_fen) FROM payouts p
		                        WHERE p.claim_id = c.id AND p.incident_id = $1 AND p.approval_id IS NULL), 0) END
		          <= f.payout_approval_fen
		    ORDER BY 3, 4 LIMIT $2
		    FOR UPDATE OF c SKIP LOCKED),
		ins AS (
		    INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
		    SELECT $1, p.id, p.owed, 'pay-run-' || m.merchant_id, (SELECT warroom_actor()) -- once, not per row
		    FROM pick p JOIN merchants m ON m.id = p.merchant_id AND m.incident_id = $1
		    ON CONFLICT (incident_id, idempotency_key) DO NOTHING
		    RETURNING claim_id, amount_fen),
		last AS (SELECT at, merchant_id FROM pick ORDER BY at DESC, merchant_id DESC LIMIT 1)
		SELECT (SELECT COALESCE(array_agg(claim_id), '{}') FROM ins),
		       (SELECT COALESCE(sum(amount_fen), 0)::bigint FROM ins),
		       (SELECT count(*) FROM pick) - (SELECT count(*) FROM ins),
		       COALESCE((SELECT at FROM last), $3), COALESCE((SELECT merchant_id FROM last), $4)`,
		incidentID, limit, after.At, after.Merchant).Scan(&paid, &s.Fen, &s.KeyTaken, &s.Next.At, &s.Next.Merchant)
	if err = fundError(err); err != nil {
		return s, err
	}
	// The payouts' statement trigger has now raised each claim's paid total,
	// so the claims can be marked paid (the lifecycle guard checks it).
	res, err := q.ExecContext(ctx, `
		UPDATE claims c SET state = 'paid', paid_at = now(), updated_at = now()
		FROM unnest($2::bigint[]) AS p(id)
		WHERE c.incident_id = $1 AND c.id = p.id`, incidentID, paid)
	if err != nil {
		return s, db.MapError(err)
	}
	s.Claims, _ = res.RowsAffected()
	return s, nil
}

// CountInState counts the incident's claims in state: a bulk run's total.
func CountInState(ctx context.Context, q db.Querier, incidentID int64, state string) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT count(*) FROM claims WHERE incident_id = $1 AND state = $2`, incidentID, state)
	return n, db.MapError(err)
}
