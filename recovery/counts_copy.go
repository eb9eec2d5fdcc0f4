package recovery

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"warroom/db"
)

// copyBatch is how many bytes of COPY lines go to the COPY at once.
const copyBatch = 256 << 10

// countsCopy streams the pivoted rows into the staged table. The COPY runs
// on a goroutine of its own, fed batches of lines, so the file's parsing
// and the sending overlap. The table has columns for as many domain
// positions as it was widened to (warroom_restore_widen); a row naming more
// ends the COPY in progress, widens the table and begins another.
type countsCopy struct {
	ctx      context.Context
	q        db.Querier
	snapshot int64
	table    string
	withAt   bool

	width   int
	batch   *copyLines
	batches chan *copyLines
	done    chan struct{} // closed when the COPY in progress has ended
	err     error         // its error, set before done is closed
}

// copyLines is a batch of COPY lines, end to end in buf, each ending at
// its offset in ends: handed over as one, sent line by line.
type copyLines struct {
	buf  []byte
	ends []int
}

func newCopyLines() *copyLines {
	return &copyLines{buf: make([]byte, 0, copyBatch+512)}
}

func newCountsCopy(ctx context.Context, q db.Querier, snapshot int64, table string, withAt bool) *countsCopy {
	return &countsCopy{ctx: ctx, q: q, snapshot: snapshot, table: table, withAt: withAt}
}

// add takes one row's line, of width domain positions.
func (c *countsCopy) add(width int, line []byte) error {
	if width > c.width {
		if err := c.end(); err != nil {
			return err
		}
		if _, err := c.q.ExecContext(c.ctx, `SELECT warroom_restore_widen($1, $2, $3)`, c.snapshot, width, c.withAt); err != nil {
			return db.MapError(err)
		}
		c.width = width
		c.begin()
	}
	c.batch.buf = append(c.batch.buf, line...)
	c.batch.ends = append(c.batch.ends, len(c.batch.buf))
	if len(c.batch.buf) >= copyBatch {
		select {
		case c.batches <- c.batch:
		case <-c.done: // ended early (a server error, a cancel): no use reading on
			if err := c.end(); err != nil {
				return err
			}
			return errors.New("restore counts: the COPY ended before its rows did")
		}
		c.batch = newCopyLines()
	}
	return nil
}

func (c *countsCopy) begin() {
	cols := make([]string, 0, 1+3*c.width)
	cols = append(cols, "merchant_id")
	for i := 1; i <= c.width; i++ {
		n := strconv.Itoa(i)
		cols = append(cols, "e"+n, "r"+n)
		if c.withAt {
			cols = append(cols, "a"+n)
		}
	}
	// FREEZE: the table is this transaction's own, so its rows are written
	// frozen and all-visible; the passes after the COPY then skip the
	// per-row visibility work for rows of an open transaction.
	query := `COPY ` + pq.QuoteIdentifier(c.table) + ` (` + strings.Join(cols, ", ") + `) FROM STDIN WITH (FREEZE)`
	c.batches, c.done = make(chan *copyLines, 2), make(chan struct{})
	c.batch = newCopyLines()
	go func(batches <-chan *copyLines) {
		_, err := db.CopyIn(c.ctx, c.q, query, func(send func([]byte) error) error {
			for b := range batches {
				start := 0
				for _, end := range b.ends {
					if err := send(b.buf[start:end]); err != nil {
						return err
					}
					start = end
				}
			}
			return nil
		})
		c.err = err
		close(c.done)
		// A COPY that ended early, or never began, must not leave the
		// sender blocked on a full channel.
		for range batches {
		}
	}(c.batches)
}

// end sends what is left and waits for the COPY in progress, if any.
func (c *countsCopy) end() error {
	if c.batches == nil {
		return nil
	}
	if len(c.batch.ends) > 0 {
		select {
		case c.batches <- c.batch:
		case <-c.done:
		}
	}
	close(c.batches)
	<-c.done
	c.batches, c.batch = nil, nil
	if c.err != nil {
		return fmt.Errorf("restore counts: %w", c.err)
	}
	return nil
}

// abort ends the COPY in progress after an error elsewhere, without the
// lines in hand: the caller's rollback needs the connection back.
func (c *countsCopy) abort() {
	if c.batches != nil {
		c.batch = newCopyLines()
		_ = c.end()
	}
}
