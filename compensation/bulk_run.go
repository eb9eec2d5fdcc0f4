package compensation

import (
	"context"

	"github.com/jmoiron/sqlx"

	"warroom/db"
)

// BulkBatch is how many claims a bulk run settles per transaction: large
// enough that a million claims take minutes, not hours (docs/performance.md),
// small enough that Ctrl-C, a refusal or a lost connection costs at most one
// batch, and the console sees the fund move batch by batch.
const BulkBatch = 20000

// BulkAct settles up to limit claims after the cursor, inside q's
// transaction (ChooseBatch, ApproveBatch, PayBatch).
type BulkAct func(ctx context.Context, q db.Querier, after BulkCursor, limit int) (BulkStep, error)

// BulkTotals is what a bulk run has done so far.
type BulkTotals struct {
	Claims       int64
	Fen          int64
	KeyTaken     int64
	Batches      int
	Uncovered    bool  // stopped: the fund cannot cover the next claim in line
	UncoveredFen int64 // what that claim owes
	Interrupted  bool  // ctx ended; every committed batch stays
}

// RunBulk runs act one batch per transaction, written as actor, until no
// claim is left after its cursor, limit claims are done (0: no limit), the
// fund cannot cover the next claim, or ctx ends (checked between batches: a
// batch once started is finished). onBatch, if not nil, hears of each
// committed batch. An error ends the run; the batches before it stay.
func RunBulk(ctx context.Context, conn *sqlx.DB, actor string, limit int, act BulkAct, onBatch func(BulkTotals, BulkStep)) (BulkTotals, error) {
	txCtx := context.WithoutCancel(ctx)
	var t BulkTotals
	var cursor BulkCursor
	for limit == 0 || t.Claims < int64(limit) {
		if ctx.Err() != nil {
			t.Interrupted = true
			break
		}
		n := BulkBatch
		if limit > 0 {
			n = int(min(int64(n), int64(limit)-t.Claims))
		}
		var st BulkStep
		err := db.Write(txCtx, conn, actor, func(tx *sqlx.Tx) (err error) {
			st, err = act(txCtx, tx, cursor, n)
			return err
		})
		if err != nil {
			return t, err
		}
		t.Batches++
		t.Claims += st.Claims
		t.Fen += st.Fen
		t.KeyTaken += st.KeyTaken
		if onBatch != nil {
			onBatch(t, st)
		}
		if st.Uncovered > 0 {
			t.Uncovered, t.UncoveredFen = true, st.UncoveredFen
			break
		}
		if st.Next.At.Equal(cursor.At) && st.Next.Merchant == cursor.Merchant {
			break // nothing left after the cursor
		}
		cursor = st.Next
	}
	return t, nil
}
