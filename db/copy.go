package db

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// txConns holds, for each transaction InTx is running, the connection it
// was begun on: CopyIn needs the driver's connection, which database/sql
// gives out only through a *sql.Conn.
var txConns sync.Map // *sqlx.Tx -> *sqlx.Conn

// beginOwn begins a transaction on a connection taken from the pool for it.
// The pool's own BeginTx tries again when the connection it took turns out
// dead (a server restart, an idle timeout); a Conn's does not, so the same
// three tries are made here.
func beginOwn(ctx context.Context, conn *sqlx.DB) (tx *sqlx.Tx, c *sqlx.Conn, err error) {
	for range 3 {
		if c, err = conn.Connx(ctx); err != nil {
			return nil, nil, err
		}
		if tx, err = c.BeginTxx(ctx, nil); err == nil {
			return tx, c, nil
		}
		c.Close()
		if !errors.Is(err, driver.ErrBadConn) {
			break
		}
	}
	return nil, nil, err
}

// copyChunk is about how many bytes of lines go to lib/pq per CopyData
// call. lib/pq writes its buffer out once it passes 63 KiB, so a chunk this
// size is one socket write, and one call (each starts a cancel watcher when
// ctx can end) per thousand or so rows instead of one per row.
const copyChunk = 64 << 10

// copyDataer is lib/pq's COPY statement, which takes raw COPY data.
type copyDataer interface {
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// CopyIn runs query (a `COPY t (cols) FROM STDIN`) on q's connection and
// calls fill with a function that sends one COPY text-format line (without
// its trailing newline; the caller escapes fields). It returns the rows
// copied.
//
// In a transaction from InTx the lines reach lib/pq many at a time, not
// through database/sql's statement call per row (some 460 ns a row). On any
// other q each line is split into fields and executed on a prepared COPY
// one by one, which can take no escape but \N; that path is there so that
// callers from outside InTx still work, not for speed.
//
// fill must not use q: the connection is CopyIn's until fill returns. A
// line holding a raw line break is refused, as the server would read it as
// two rows. The first error send returns is returned again by every later
// send and by CopyIn, even if fill drops it.
//
// On an error the COPY is still ended, leaving the connection ready for the
// caller's rollback. lib/pq cannot abort a COPY (it has no CopyFail), so
// when fill fails the lines already sent stay in the transaction: it must
// be rolled back, as InTx does when fn returns the error.
func CopyIn(ctx context.Context, q Querier, query string, fill func(send func(line []byte) error) error) (int64, error) {
	// lib/pq answers a context that has already ended by closing the
	// connection; checking first keeps it for the rollback.
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if tx, ok := q.(*sqlx.Tx); ok {
		if c, ok := txConns.Load(tx); ok {
			return copyRaw(ctx, c.(*sqlx.Conn), query, fill)
		}
	}
	return copyStmt(ctx, q, query, fill)
}

// copyRaw is CopyIn on the driver connection under c. The function given to
// Raw neither panics nor returns an error: either makes database/sql close
// c, which waits for the transaction open on c to end, and that cannot
// happen while fn is waiting for CopyIn.
func copyRaw(ctx context.Context, c *sqlx.Conn, query string, fill func(send func(line []byte) error) error) (n int64, err error) {
	var panicked any
	rawErr := c.Raw(func(dc any) error {
		defer func() { panicked = recover() }()
		n, err = copyDriver(ctx, dc, query, fill)
		return nil
	})
	if panicked != nil {
		panic(panicked)
	}
	if rawErr != nil {
		return 0, MapError(rawErr)
	}
	return n, err
}

func copyDriver(ctx context.Context, dc any, query string, fill func(send func(line []byte) error) error) (int64, error) {
	pc, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return 0, fmt.Errorf("db: CopyIn: driver connection %T cannot prepare", dc)
	}
	st, err := pc.PrepareContext(ctx, query)
	if err != nil {
		return 0, copyError(err)
	}
	// Ends the COPY after a failure too (after Exec(nil) it does nothing):
	// the connection is left ready for the rollback.
	defer st.Close()
	cd, ok := st.(copyDataer)
	if !ok {
		return 0, fmt.Errorf("db: CopyIn: %q is not a COPY FROM STDIN (lib/pq gave %T)", query, st)
	}

	buf := make([]byte, 0, copyChunk+4<<10)
	pending := false // buf holds a line, which may be empty
	flush := func() error {
		if !pending {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// CopyData ends what it is given with '\n', so the lines are
		// joined with '\n' and the last one left without.
		_, err := cd.CopyData(ctx, string(buf))
		buf, pending = buf[:0], false
		return copyError(err)
	}
	err = runFill(fill, func(_ int, line []byte) error {
		if pending {
			buf = append(buf, '\n')
		}
		buf, pending = append(buf, line...), true
		if len(buf) < copyChunk {
			return nil
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return 0, err
	}
	// Ends the COPY; the server's verdict on the rows. lib/pq's COPY
	// statement has no ExecContext.
	res, err := st.Exec(nil) //lint:ignore SA1019 the only way lib/pq ends a COPY it was given raw data for
	if err != nil {
		return 0, copyError(err)
	}
	n, err := res.RowsAffected()
	return n, copyError(err)
}

// copyStmt is CopyIn through database/sql, one ExecContext a line. lib/pq
// escapes each value it is given, so a field must reach it unescaped; with
// no backslash in it but a whole \N, the field's COPY text is its value.
func copyStmt(ctx context.Context, q Querier, query string, fill func(send func(line []byte) error) error) (int64, error) {
	st, err := q.PrepareContext(ctx, query)
	if err != nil {
		return 0, copyError(err)
	}
	defer st.Close()
	var args []any
	err = runFill(fill, func(n int, line []byte) error {
		args = args[:0]
		for f := range bytes.SplitSeq(line, []byte{'\t'}) {
			switch {
			case string(f) == `\N`:
				args = append(args, nil)
			case bytes.IndexByte(f, '\\') >= 0:
				return fmt.Errorf(`db: COPY line %d, field %d: a backslash escape other than \N needs a transaction from db.InTx`, n, len(args)+1)
			default:
				args = append(args, string(f))
			}
		}
		_, err := st.ExecContext(ctx, args...)
		return copyError(err)
	})
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx) // no values: ends the COPY
	if err != nil {
		return 0, copyError(err)
	}
	n, err := res.RowsAffected()
	return n, copyError(err)
}

// runFill calls fill with a send that refuses raw line breaks and passes
// each line, numbered from 1, to put. The first error is kept: a COPY whose
// data failed must not be ended as if it had succeeded because fill went on
// or swallowed the error.
func runFill(fill func(send func(line []byte) error) error, put func(n int, line []byte) error) error {
	var first error
	n := 0
	err := fill(func(line []byte) error {
		if first != nil {
			return first
		}
		n++
		if bytes.IndexByte(line, '\n') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
			first = fmt.Errorf(`db: COPY line %d holds a raw line break; escape it as \n or \r`, n)
		} else {
			first = put(n, line)
		}
		return first
	})
	if first != nil && !errors.Is(err, first) {
		return first
	}
	return err
}

// copyError is MapError plus where in the COPY data the server stopped
// ("COPY t, line 3, column n: ..."), which names the caller's bad line.
func copyError(err error) error {
	mapped := MapError(err)
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Where != "" {
		return fmt.Errorf("%w (%s)", mapped, pe.Where)
	}
	return mapped
}
