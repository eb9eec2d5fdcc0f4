package recovery

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
)

// A COPY that ends before reading any row (here: it cannot begin) must
// give its error to the import, not leave the reader blocked on a full
// channel holding the transaction and its advisory lock.
func TestCountsCopyThatCannotBeginReturnsItsError(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('r', 'R', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			var id int64
			if err := tx.Get(&id, `SELECT snapshot_id FROM warroom_restore_stage($1, 'c.csv', $2, NULL)`,
				inc, strings.Repeat("c", 64)); err != nil {
				return err
			}
			c := newCountsCopy(ctx, tx, id, "no_such_table", false)
			line := bytes.Repeat([]byte{'x'}, 1000)
			for range 4000 { // 4 MB: many more batches than the channel holds
				if err := c.add(1, line); err != nil {
					return err
				}
			}
			return c.end()
		})
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "no_such_table") {
			t.Fatalf("got %v, want the COPY's error naming its table", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the import is still blocked a minute later")
	}
	// And the pool's connections are all usable again.
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM restore_snapshots`); n != 0 {
		t.Fatalf("%d snapshots left behind", n)
	}
}
