package db_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/db"
	"warroom/db/dbtest"
)

// copyLine is line i of the test data: id, a name with an escaped tab and
// backslash in every thousandth row, and v, NULL in row 0.
func copyLine(buf []byte, i int) []byte {
	buf = strconv.AppendInt(buf[:0], int64(i), 10)
	buf = append(buf, '\t', 'n')
	if i%1000 == 0 {
		buf = append(buf, `\t\\`...)
	}
	buf = strconv.AppendInt(buf, int64(i), 10)
	buf = append(buf, '\t')
	if i == 0 {
		return append(buf, `\N`...)
	}
	return strconv.AppendInt(buf, int64(2*i), 10)
}

// withDeadline fails t if f has not returned in a minute: the ways CopyIn
// could go wrong on a transaction's connection hang rather than fail.
func withDeadline(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("hung")
	}
}

// stillUsable fails t unless conn's one connection still runs a query and
// a COPY.
func stillUsable(t *testing.T, conn *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	var one int
	if err := conn.Get(&one, `SELECT 1`); err != nil || one != 1 {
		t.Fatalf("connection unusable afterwards: %v", err)
	}
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE after_copy (s text) ON COMMIT DROP`); err != nil {
			return err
		}
		n, err := db.CopyIn(ctx, tx, `COPY after_copy (s) FROM STDIN`, func(send func([]byte) error) error {
			return send([]byte("ok"))
		})
		if err == nil && n != 1 {
			err = fmt.Errorf("copied %d rows, want 1", n)
		}
		return err
	})
	if err != nil {
		t.Fatalf("COPY afterwards: %v", err)
	}
}

// 100,000 lines through InTx arrive whole, in chunks of many lines (see
// TestCopyInChunks). The escaped names show the lines went to lib/pq as
// they were: the fallback refuses them.
func TestCopyInThroughInTx(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	const rows = 100_000
	var tx0 *sqlx.Tx
	var copied int64
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		tx0 = tx
		if !db.TxRegistered(tx) {
			t.Error("InTx did not register its transaction")
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE copy_a (id bigint, name text, v bigint)`); err != nil {
			return err
		}
		var err error
		copied, err = db.CopyIn(ctx, tx, `COPY copy_a (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
			var buf []byte
			for i := range rows {
				buf = copyLine(buf, i)
				if err := send(buf); err != nil {
					return err
				}
			}
			return nil
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if copied != rows {
		t.Fatalf("CopyIn reported %d rows, want %d", copied, rows)
	}
	if db.TxRegistered(tx0) {
		t.Fatal("the registry still holds the transaction after InTx returned")
	}
	var got struct {
		N, SumID, NV, SumV, Escaped, SumLen int64
	}
	if err := conn.QueryRowx(`SELECT count(*), sum(id), count(v), sum(v),
		count(*) FILTER (WHERE name = 'n' || E'\t\\' || id), sum(length(name)) FROM copy_a`).
		Scan(&got.N, &got.SumID, &got.NV, &got.SumV, &got.Escaped, &got.SumLen); err != nil {
		t.Fatal(err)
	}
	var sumLen int64
	for i := range rows {
		sumLen += int64(1 + len(strconv.Itoa(i)))
		if i%1000 == 0 {
			sumLen += 2
		}
	}
	want := struct{ N, SumID, NV, SumV, Escaped, SumLen int64 }{
		rows, rows * (rows - 1) / 2, rows - 1, rows * (rows - 1), rows / 1000, sumLen,
	}
	if got != want {
		t.Fatalf("copied table holds %+v, want %+v", got, want)
	}
	var nullRow int
	if err := conn.Get(&nullRow, `SELECT id FROM copy_a WHERE v IS NULL`); err != nil || nullRow != 0 {
		t.Fatalf(`\N did not arrive as NULL in row 0: row %d, %v`, nullRow, err)
	}
}

// Empty lines are rows too (an empty string in a one-column table), also
// first in a chunk, where a join of the lines could drop them.
func TestCopyInEmptyLines(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	conn.MustExec(`CREATE TABLE copy_e (s text)`)
	lines := []string{"", "", "x", "", `\N`, ""}
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := db.CopyIn(ctx, tx, `COPY copy_e (s) FROM STDIN`, func(send func([]byte) error) error {
			for _, l := range lines {
				if err := send([]byte(l)); err != nil {
					return err
				}
			}
			return nil
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var n, empty, null int
	if err := conn.QueryRow(`SELECT count(*), count(*) FILTER (WHERE s = ''), count(*) FILTER (WHERE s IS NULL) FROM copy_e`).
		Scan(&n, &empty, &null); err != nil {
		t.Fatal(err)
	}
	if n != 6 || empty != 4 || null != 1 {
		t.Fatalf("%d rows, %d empty, %d NULL; want 6, 4, 1", n, empty, null)
	}
}

func TestCopyInBadValueRollsBack(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	conn.SetMaxOpenConns(1) // the connection checked afterwards is the COPY's
	conn.MustExec(`CREATE TABLE copy_b (id bigint, name text, v bigint)`)
	const bad = 50_001 // line number, counted from 1 as the server does
	var tx0 *sqlx.Tx
	var err error
	withDeadline(t, func() {
		err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			tx0 = tx
			_, err := db.CopyIn(ctx, tx, `COPY copy_b (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
				var buf []byte
				for i := range 100_000 {
					buf = copyLine(buf, i)
					if i+1 == bad {
						buf = append(buf[:len(buf)-len(strconv.Itoa(2*i))], "12x"...)
					}
					if err := send(buf); err != nil {
						return err
					}
				}
				return nil
			})
			return err
		})
	})
	if !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("got %v, want ErrInvalidInput", err)
	}
	for _, want := range []string{`invalid input syntax for type bigint: "12x"`, fmt.Sprintf("line %d, column v", bad)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	dbtest.WantPG(t, err, "22P02", "bigint")
	t.Logf("error: %v", err)
	if db.TxRegistered(tx0) {
		t.Error("the registry still holds the transaction after InTx failed")
	}
	var n int
	if err := conn.Get(&n, `SELECT count(*) FROM copy_b`); err != nil || n != 0 {
		t.Fatalf("the failed COPY left %d rows (%v)", n, err)
	}
	stillUsable(t, conn)
}

func TestCopyInFillError(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	conn.SetMaxOpenConns(1)
	conn.MustExec(`CREATE TABLE copy_c (id bigint, name text, v bigint)`)
	boom := errors.New("boom")
	var copyErr error
	withDeadline(t, func() {
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, copyErr = db.CopyIn(ctx, tx, `COPY copy_c (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
				var buf []byte
				for i := range 5_000 { // some sent to the server already
					buf = copyLine(buf, i)
					if err := send(buf); err != nil {
						return err
					}
				}
				return boom
			})
			return copyErr
		})
		if !errors.Is(err, boom) {
			t.Errorf("InTx returned %v, want boom", err)
		}
	})
	if !errors.Is(copyErr, boom) {
		t.Fatalf("CopyIn returned %v, want boom", copyErr)
	}
	var n int
	if err := conn.Get(&n, `SELECT count(*) FROM copy_c`); err != nil || n != 0 {
		t.Fatalf("the aborted COPY left %d rows (%v)", n, err)
	}
	stillUsable(t, conn)

	// A raw line break is refused, and the refusal stands although fill
	// drops it and goes on sending.
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := db.CopyIn(ctx, tx, `COPY copy_c (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
			_ = send([]byte("1\ta\t1"))
			_ = send([]byte("2\tb\nc\t2"))
			_ = send([]byte("3\tc\t3"))
			return nil
		})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "line 2 holds a raw line break") {
		t.Fatalf("raw newline: got %v", err)
	}
	if err := conn.Get(&n, `SELECT count(*) FROM copy_c`); err != nil || n != 0 {
		t.Fatalf("the refused COPY left %d rows (%v)", n, err)
	}
}

// A panic in fill unwinds through CopyIn and InTx without hanging (a panic
// out of Raw makes database/sql close the Conn, which waits for the
// transaction open on it) and leaves the connection usable.
func TestCopyInPanicInFill(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	conn.SetMaxOpenConns(1)
	conn.MustExec(`CREATE TABLE copy_p (id bigint, name text, v bigint)`)
	var tx0 *sqlx.Tx
	var recovered any
	withDeadline(t, func() {
		defer func() { recovered = recover() }()
		_ = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			tx0 = tx
			_, err := db.CopyIn(ctx, tx, `COPY copy_p (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
				if err := send([]byte("1\ta\t1")); err != nil {
					return err
				}
				panic("fill panicked")
			})
			return err
		})
	})
	if recovered != "fill panicked" {
		t.Fatalf("recovered %v, want fill's panic", recovered)
	}
	if db.TxRegistered(tx0) {
		t.Error("the registry still holds the transaction after a panic")
	}
	var n int
	if err := conn.Get(&n, `SELECT count(*) FROM copy_p`); err != nil || n != 0 {
		t.Fatalf("the panicked COPY left %d rows (%v)", n, err)
	}
	stillUsable(t, conn)
}

// A context that ends mid-COPY: CopyIn and InTx return its error, nothing
// lands, nothing hangs, and the connection is kept (lib/pq closes a
// connection whose context ends under a call; CopyIn stops before that).
func TestCopyInCancelled(t *testing.T) {
	conn := dbtest.New(t)
	conn.SetMaxOpenConns(1)
	conn.MustExec(`CREATE TABLE copy_x (id bigint, name text, v bigint)`)
	var pid int
	if err := conn.Get(&pid, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var err, copyErr error
	withDeadline(t, func() {
		err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, copyErr = db.CopyIn(ctx, tx, `COPY copy_x (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
				var buf []byte
				for i := range 100_000 {
					if i == 30_000 {
						cancel()
					}
					buf = copyLine(buf, i)
					if err := send(buf); err != nil {
						return err
					}
				}
				return nil
			})
			return copyErr
		})
	})
	if !errors.Is(copyErr, context.Canceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("CopyIn returned %v, InTx %v; want context.Canceled", copyErr, err)
	}
	var n, after int
	if err := conn.Get(&n, `SELECT count(*) FROM copy_x`); err != nil || n != 0 {
		t.Fatalf("the cancelled COPY left %d rows (%v)", n, err)
	}
	if err := conn.Get(&after, `SELECT pg_backend_pid()`); err != nil || after != pid {
		t.Fatalf("the connection was replaced (backend %d, then %d: %v)", pid, after, err)
	}
	stillUsable(t, conn)
}

func TestCopyInFallback(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	conn.MustExec(`CREATE TABLE copy_d (id bigint, name text, v bigint)`)
	c, err := conn.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tx, err := c.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if db.TxRegistered(tx) {
		t.Fatal("a transaction begun outside InTx is registered")
	}
	lines := []string{"1\tone\t10", "2\t\\N\t20", "3\tthree\t\\N", "4\t\t40"}
	n, err := db.CopyIn(ctx, tx, `COPY copy_d (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
		for _, l := range lines {
			if err := send([]byte(l)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 4 {
		t.Fatalf("fallback copied %d rows, %v; want 4", n, err)
	}
	var got []string
	if err := tx.Select(&got, `SELECT id || ':' || coalesce(name, 'NULL') || ':' || coalesce(v::text, 'NULL') FROM copy_d ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if want := "1:one:10 2:NULL:20 3:three:NULL 4::40"; strings.Join(got, " ") != want {
		t.Fatalf("fallback rows %q, want %q", strings.Join(got, " "), want)
	}

	// An escape other than \N would reach lib/pq escaped again: refused.
	_, err = db.CopyIn(ctx, tx, `COPY copy_d (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
		return send([]byte("5\ta\\tb\t50"))
	})
	if err == nil || !strings.Contains(err.Error(), `line 1, field 2: a backslash escape other than \N`) {
		t.Fatalf("escaped field on the fallback: got %v", err)
	}

	// On the pool itself lib/pq refuses COPY outside a transaction.
	_, err = db.CopyIn(ctx, conn, `COPY copy_d (id, name, v) FROM STDIN`, func(send func([]byte) error) error {
		return send([]byte("6\tsix\t60"))
	})
	if err == nil || !strings.Contains(err.Error(), "only allowed inside a transaction") {
		t.Fatalf("COPY on the pool: got %v", err)
	}
}

// InTx keeps the pool's retry of a BEGIN that finds its connection dead,
// now that it begins on a Conn of its own. (A real dead connection, killed
// with pg_terminate_backend, is no test: lib/pq reports it as bad only when
// it reads the server's farewell before the TCP reset, which is timing.)
func TestInTxRetriesDeadConnection(t *testing.T) {
	ctx := context.Background()
	pc, err := pq.NewConnector(dbtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	dead := &deadBegins{Connector: pc}
	dead.left.Store(2) // the pool's BeginTx tries three times
	conn := sqlx.NewDb(sql.OpenDB(dead), "postgres")
	defer conn.Close()
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `SELECT 1`)
		return err
	})
	if err != nil {
		t.Fatalf("InTx after two dead connections: %v", err)
	}
	if left := dead.left.Load(); left > 0 {
		t.Fatalf("%d dead BEGINs left untried", left)
	}
}

// deadBegins connects with lib/pq but fails the first BEGINs as lib/pq does
// on a connection the server has closed.
type deadBegins struct {
	driver.Connector
	left atomic.Int32
}

func (d *deadBegins) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := d.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return deadBeginConn{cn, d}, nil
}

type deadBeginConn struct {
	driver.Conn
	d *deadBegins
}

func (c deadBeginConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.d.left.Add(-1) >= 0 {
		return nil, driver.ErrBadConn
	}
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

// The chunks CopyIn hands lib/pq: each at least copyChunk (64 KiB) but the
// last, whole lines, and together exactly the lines sent.
func TestCopyInChunks(t *testing.T) {
	st := &fakeCopy{}
	var want strings.Builder
	n, err := db.CopyDriver(context.Background(), fakeConn{st}, "COPY t FROM STDIN", func(send func([]byte) error) error {
		var buf []byte
		for i := range 100_000 {
			buf = copyLine(buf, i)
			if i == 0 {
				buf = buf[:0] // an empty line first
			}
			want.Write(buf)
			want.WriteByte('\n')
			if err := send(buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 100_000 {
		t.Fatalf("copied %d, %v", n, err)
	}
	if got := strings.Join(st.chunks, "\n") + "\n"; got != want.String() {
		t.Fatal("the chunks do not add up to the lines sent")
	}
	for i, c := range st.chunks[:len(st.chunks)-1] {
		if len(c) < 64<<10 || len(c) > 65<<10 {
			t.Fatalf("chunk %d of %d is %d bytes", i, len(st.chunks), len(c))
		}
	}
	if !st.closed {
		t.Fatal("the COPY statement was not closed")
	}
	t.Logf("%d lines in %d CopyData calls", n, len(st.chunks))
}

type fakeConn struct{ st *fakeCopy }

func (c fakeConn) PrepareContext(context.Context, string) (driver.Stmt, error) { return c.st, nil }

type fakeCopy struct {
	chunks []string
	closed bool
}

func (s *fakeCopy) CopyData(_ context.Context, line string) (driver.Result, error) {
	s.chunks = append(s.chunks, line)
	return driver.RowsAffected(0), nil
}

func (s *fakeCopy) Exec(v []driver.Value) (driver.Result, error) {
	if v != nil {
		return nil, errors.New("Exec with values")
	}
	s.closed = true
	return driver.RowsAffected(strings.Count(strings.Join(s.chunks, "\n"), "\n") + 1), nil
}

func (s *fakeCopy) Close() error                              { s.closed = true; return nil }
func (s *fakeCopy) NumInput() int                             { return -1 }
func (s *fakeCopy) Query([]driver.Value) (driver.Rows, error) { return nil, errors.New("no") }

// BenchmarkCopyIn: 100,000 rows a run, through InTx's chunks and through
// the per-row fallback.
func BenchmarkCopyIn(b *testing.B) {
	ctx := context.Background()
	conn := dbtest.New(b)
	conn.MustExec(`CREATE UNLOGGED TABLE copy_bench (id bigint, name text, v bigint)`)
	const rows = 100_000
	// No escapes but \N: the fallback takes no others.
	fill := func(send func([]byte) error) error {
		var buf []byte
		for i := range rows {
			buf = strconv.AppendInt(buf[:0], int64(i), 10)
			buf = append(buf, "\tname\t"...)
			if i == 0 {
				buf = append(buf, `\N`...)
			} else {
				buf = strconv.AppendInt(buf, int64(2*i), 10)
			}
			if err := send(buf); err != nil {
				return err
			}
		}
		return nil
	}
	run := func(b *testing.B, tx *sqlx.Tx) {
		if _, err := db.CopyIn(ctx, tx, `COPY copy_bench (id, name, v) FROM STDIN`, fill); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("chunks", func(b *testing.B) {
		for b.Loop() {
			if err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error { run(b, tx); return errors.New("roll back") }); err == nil {
				b.Fatal("committed")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	})
	b.Run("fallback", func(b *testing.B) {
		for b.Loop() {
			tx := conn.MustBegin()
			run(b, tx)
			tx.Rollback()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	})
}
