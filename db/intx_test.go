package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
)

// A context that ends while fn has a COPY open: InTx returns its error and
// commits nothing, and does not hang. Before, database/sql rolled the
// transaction back from its own goroutine as soon as the context ended,
// with the COPY still open, and lib/pq waited in that rollback for ever
// (lib/pq issue 892): Ctrl-C during an import's COPY hung the command.
func TestInTxCancelledDuringCopy(t *testing.T) {
	conn := dbtest.New(t)
	conn.MustExec(`CREATE TABLE copied (n int)`)
	for i := range 10 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
				stmt, err := tx.PrepareContext(ctx, `COPY copied (n) FROM STDIN`)
				if err != nil {
					return err
				}
				defer stmt.Close()
				if _, err := stmt.ExecContext(ctx, i); err != nil {
					return err
				}
				cancel()
				// database/sql's rollback goroutine, before the fix, ran
				// in this gap; the test passes whatever the timing now.
				time.Sleep(20 * time.Millisecond)
				_, err = stmt.ExecContext(ctx, i)
				return err
			})
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("round %d: got %v, want context.Canceled", i, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: InTx hung after the cancel", i)
		}
		cancel()
	}
	var n int
	if err := conn.Get(&n, `SELECT count(*) FROM copied`); err != nil || n != 0 {
		t.Fatalf("cancelled transactions left %d rows (%v)", n, err)
	}
	// Cancelled after fn finished but before the commit: nothing either.
	ctx, cancel := context.WithCancel(context.Background())
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO copied VALUES (1)`)
		cancel()
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel before the commit: got %v", err)
	}
	if err := conn.Get(&n, `SELECT count(*) FROM copied`); err != nil || n != 0 {
		t.Fatalf("a transaction cancelled before its commit left %d rows (%v)", n, err)
	}
}
