package compensation_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// endlessMerchants is a merchants file that never ends: a header, then
// rows M1, M2, ... for ever. Its first pass (the hashing one) is finite
// when firstPass is set, as if the file grew after being hashed, so the
// second pass reaches the parser and COPY. onRead sees the bytes read in
// the current pass after every read.
//
// Once ctx is done it reads on for at most 64 MiB, then fails: an import
// that ignores the cancel fails its test instead of running for ever.
type endlessMerchants struct {
	ctx       context.Context
	firstPass int64 // bytes in the first pass; 0: endless from the start
	pass      int
	read      int64
	next      int
	pending   []byte
	onRead    func(pass int, read int64)
	afterDone int64
}

var errIgnoredCancel = errors.New("read 64 MiB after the cancel")

func (e *endlessMerchants) Read(p []byte) (int, error) {
	if e.ctx.Err() != nil {
		if e.afterDone += int64(len(p)); e.afterDone > 64<<20 {
			return 0, errIgnoredCancel
		}
	}
	if e.firstPass > 0 && e.pass == 0 && e.read >= e.firstPass {
		return 0, io.EOF
	}
	for len(e.pending) < len(p) {
		if e.read == 0 && len(e.pending) == 0 && e.next == 0 {
			e.pending = append(e.pending, "merchant_id,name,industry\n"...)
		}
		e.next++
		e.pending = fmt.Appendf(e.pending, "M%d,Merchant %d,retail\n", e.next, e.next)
	}
	n := copy(p, e.pending)
	if e.firstPass > 0 && e.pass == 0 {
		n = int(min(int64(n), e.firstPass-e.read))
	}
	e.pending = e.pending[n:]
	e.read += int64(n)
	if e.onRead != nil {
		e.onRead(e.pass, e.read)
	}
	return n, nil
}

func (e *endlessMerchants) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekStart {
		return 0, errors.New("endless: only a rewind")
	}
	e.pass, e.read, e.next, e.pending = e.pass+1, 0, 0, nil
	return 0, nil
}

// leftBehind counts what an import could have written in the incident.
func leftBehind(t *testing.T, conn *sqlx.DB, inc int64) (merchants, imports int) {
	t.Helper()
	if err := conn.QueryRow(`SELECT (SELECT count(*) FROM merchants WHERE incident_id = $1),
		(SELECT count(*) FROM merchant_imports WHERE incident_id = $1)`, inc).Scan(&merchants, &imports); err != nil {
		t.Fatal(err)
	}
	return merchants, imports
}

// importMerchants runs ImportMerchants on r in a transaction with ctx.
func importMerchants(ctx context.Context, conn *sqlx.DB, inc int64, r io.ReadSeeker) error {
	return db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := compensation.ImportMerchants(ctx, tx, inc, "endless.csv", r, nil)
		return err
	})
}

// checkCancelled fails t unless err is context.Canceled, came soon after
// the cancel and left nothing behind.
func checkCancelled(t *testing.T, conn *sqlx.DB, inc int64, err error, took time.Duration) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	t.Logf("stopped %v after the cancel: %v", took, err)
	// The readers never end, so returning at all proves the stop; this bound
	// only turns a stop that waits on something else (a lock, a timeout)
	// into a failure instead of a slow pass. Speed is not asserted here: the
	// logged figure is what the docs quote.
	if took > 30*time.Second {
		t.Fatalf("the import took %v to stop after the cancel", took)
	}
	if m, i := leftBehind(t, conn, inc); m != 0 || i != 0 {
		t.Fatalf("a cancelled import left %d merchants and %d import records", m, i)
	}
}

// Cancelled while hashing a file that never ends: the import returns
// context.Canceled and writes nothing.
func TestImportStopsWhileHashing(t *testing.T) {
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var at time.Time
	r := &endlessMerchants{ctx: ctx, onRead: func(pass int, read int64) {
		if read >= 8<<20 && at.IsZero() { // 8 MiB into the hashing pass
			at = time.Now()
			cancel()
		}
	}}
	err := importMerchants(ctx, conn, inc, r)
	checkCancelled(t, conn, inc, err, time.Since(at))
	if r.pass != 0 {
		t.Fatalf("the hashing pass ended (pass %d) on an endless file", r.pass)
	}
}

// Cancelled while rows are being parsed and copied into the database: the
// cancel comes once the server's COPY has taken rows (pg_stat_progress_copy),
// and the transaction leaves nothing.
func TestImportStopsDuringCopy(t *testing.T) {
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &endlessMerchants{ctx: ctx, firstPass: 1 << 20}
	done := make(chan error, 1)
	go func() { done <- importMerchants(ctx, conn, inc, r) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var copied int64
		if err := conn.Get(&copied, `SELECT COALESCE(max(tuples_processed), 0) FROM pg_stat_progress_copy
			WHERE datname = current_database()`); err != nil {
			cancel()
			t.Fatal(err)
		}
		if copied > 0 {
			t.Logf("cancelled with %d rows copied", copied)
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the COPY never started (the import: %v)", <-done)
		}
		time.Sleep(5 * time.Millisecond) // polling the condition, not timing the test
	}
	at := time.Now()
	cancel()
	err := <-done
	checkCancelled(t, conn, inc, err, time.Since(at))
}

// A field one byte over the limit is refused naming file, line and field;
// one at the limit is taken. Nothing of the refused file is written.
func TestFieldLongerThanLimitRefused(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	importOne := func(name string) error {
		return db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, err := compensation.ImportMerchants(ctx, tx, inc, "big.csv", strings.NewReader(
				"merchant_id,name,industry\nM1,One,retail\nM2,"+name+",retail\n"), nil)
			return err
		})
	}
	err := importOne(strings.Repeat("x", compensation.MaxFieldBytes+1))
	want := fmt.Sprintf("big.csv:3: name: %d bytes long: a field holds at most %d", compensation.MaxFieldBytes+1, compensation.MaxFieldBytes)
	if err == nil || err.Error() != want || !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("got %v, want %s", err, want)
	}
	if m, i := leftBehind(t, conn, inc); m != 0 || i != 0 {
		t.Fatalf("a refused import left %d merchants and %d import records", m, i)
	}
	if err := importOne(strings.Repeat("x", compensation.MaxFieldBytes)); err != nil {
		t.Fatalf("a field of exactly %d bytes: %v", compensation.MaxFieldBytes, err)
	}
}

// A file with no line break (like /dev/zero) is refused at its first
// mebibyte, while hashing, without being read to the end.
func TestEndlessLineRefused(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	z := &zeros{}
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := compensation.ImportMerchants(ctx, tx, inc, "zero", z, nil)
		return err
	})
	want := fmt.Sprintf("zero:1: a line runs past %d bytes", compensation.MaxRecordBytes)
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("got %v, want %s...", err, want)
	}
	if z.n > 2*compensation.MaxRecordBytes {
		t.Fatalf("read %d bytes of an endless line", z.n)
	}
}

// zeros is /dev/zero as a ReadSeeker, counting what was read.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

func (z *zeros) Seek(int64, int) (int64, error) { return 0, nil }
