package compensation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// Many payers approve and pay claims worth twice the fund at once, each
// payment sent twice with the same key. The database must stop them at the
// fund's size: remaining never negative, no key paid twice, and the ledger
// sums to exactly what was paid.
func TestConcurrentPayersCannotOverdraw(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	conn.SetMaxOpenConns(20)
	const claims, amount = 40, 1_000
	inc := newIncident(t, conn, claims*amount/2) // the fund covers half
	exec(t, conn, `INSERT INTO merchants (incident_id, merchant_id, industry) SELECT $1, 'P' || g, 'x' FROM generate_series(1, $2) g`, inc, claims)
	exec(t, conn, `INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen, cash_fen)
		SELECT $1, id, 'cash', 'chosen', $2, $2 FROM merchants WHERE incident_id = $1`, inc, amount)

	var (
		wg                 sync.WaitGroup
		mu                 sync.Mutex
		paid, refused, rep int
	)
	for i := 1; i <= claims; i++ {
		for try := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, key := fmt.Sprintf("P%d", i), fmt.Sprintf("pay-%d", i)
				if try == 0 {
					err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
						_, err := compensation.Approve(ctx, tx, inc, m)
						return err
					})
					mu.Lock()
					defer mu.Unlock()
					if errors.Is(err, compensation.ErrFundExhausted) {
						refused++
						return
					}
					if err != nil {
						t.Errorf("approve %s: %v", m, err)
					}
					return
				}
				for range 3 { // the payer retries with the same key
					var p compensation.Payment
					err := db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
						p, err = compensation.Pay(ctx, tx, inc, m, key)
						return err
					})
					mu.Lock()
					switch {
					case err == nil && p.Repeated:
						rep++
					case err == nil:
						paid++
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	f, err := compensation.LoadFund(ctx, conn, inc, "e")
	if err != nil {
		t.Fatal(err)
	}
	var ledger struct {
		Sum  int64 `db:"s"`
		N    int   `db:"n"`
		Keys int   `db:"k"`
	}
	if err := conn.Get(&ledger, `SELECT COALESCE(sum(amount_fen), 0)::bigint AS s, count(*) AS n, count(DISTINCT claim_id) AS k FROM payouts`); err != nil {
		t.Fatal(err)
	}
	t.Logf("paid %d, refused approvals %d, repeated keys %d; fund %+v", paid, refused, rep, f)
	if f.RemainingFen < 0 || f.CommittedFen+f.PaidFen > f.PledgedFen {
		t.Fatalf("fund overdrawn: %+v", f)
	}
	if refused != claims/2 || ledger.N != ledger.Keys || ledger.Sum != f.PaidFen || ledger.Sum != int64(paid)*amount {
		t.Fatalf("ledger %+v, paid %d, refused %d, fund paid %d", ledger, paid, refused, f.PaidFen)
	}
	_, err = conn.Exec(`UPDATE payouts SET amount_fen = 1`)
	dbtest.WantConstraint(t, err, "23514", "payouts_append_only")
	_, err = conn.Exec(`DELETE FROM payouts`)
	dbtest.WantConstraint(t, err, "23514", "payouts_append_only")
	// Removing the whole incident still cascades through the ledger.
	exec(t, conn, `DELETE FROM incidents WHERE id = $1`, inc)
}
