package compensation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// testParse keeps every record as "line:fields" and refuses M8, so a parse
// error mid-file is compared too.
func testParse(rows []string, rec []string, line int) ([]string, error) {
	if rec[0] == "M8" {
		return rows, &ImportError{Line: line, Field: "merchant_id", Reason: "eight"}
	}
	return append(rows, fmt.Sprintf("%d:%q", line, rec)), nil
}

// readBoth reads f with the parallel reader (chunks of chunk bytes) and the
// row-by-row oracle and fails t if they differ.
func readBoth(t *testing.T, f string, chunk int) ([]string, error) {
	t.Helper()
	cols := []string{"merchant_id", "at", "amount"}
	want, wantErr := readRowByRow("f.csv", strings.NewReader(f), cols, testParse)
	var got []string
	err := readCSVChunks(context.Background(), "f.csv", strings.NewReader(f), chunk, cols, nil, testParse,
		func(rows []string) error { got = append(got, rows...); return nil })
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("file %q, chunk %d:\nparallel   %v\n%s\nrow by row %v\n%s", f, chunk, err, strings.Join(got, "\n"), wantErr, strings.Join(want, "\n"))
	}
	return got, err
}

// The parallel reader must see exactly what the row-by-row reader sees:
// the same records with the same line numbers, and the same first error,
// however the file is cut into chunks.
func TestParallelCSVMatchesRowByRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"M1", "M2", "\"M,3\"", "\"a\nb\"", "\"x\"\"y\"", "", " 7 ", "\xff", "a\x00", "\x00a", "\x00",
		"b\"c", "\"open", "é", "\x1b]52;c;eA==\x07", "\u2066x\u2069", "\u202e"}
	files := []string{
		"", "\uFEFF", "merchant_id,at,amount", "merchant_id,at,amount\n", "\uFEFFmerchant_id,at,amount\r\nM1,x,1\r\n",
		"a,b,c\nM1,x,1\n", "merchant_id,at,amount\n\nM1,x,1\n\n", "merchant_id,at,amount\nM1,x\n",
		// Blank lines before the header (found by FuzzReadCSV: a first
		// chunk of blank lines only was taken for an empty file).
		"\n0000000", "\r\n\n\nmerchant_id,at,amount\nM1,x,1\n", "\n\n", "\n\r\nM1\n",
	}
	for range 400 {
		var b strings.Builder
		b.WriteString("merchant_id,at,amount\n")
		for range rng.IntN(30) {
			n := 3
			if rng.IntN(20) == 0 {
				n = rng.IntN(5)
			}
			for j := range n {
				if j > 0 {
					b.WriteByte(',')
				}
				if rng.IntN(4) == 0 {
					b.WriteString(pieces[rng.IntN(len(pieces))])
				} else {
					fmt.Fprintf(&b, "M%d", rng.IntN(9))
				}
			}
			if rng.IntN(3) == 0 {
				b.WriteString("\r\n")
			} else {
				b.WriteString("\n")
			}
		}
		files = append(files, b.String())
	}
	for _, f := range files {
		for _, size := range []int{1, 7, 64, chunkSize} {
			readBoth(t, f, size)
		}
	}
}

// A NUL anywhere in a field, the first byte included, is refused with the
// field's line and name, by both readers.
func TestNULRefusedAnywhereInAField(t *testing.T) {
	for _, field := range []string{"\x00M1", "M\x001", "M1\x00", "\x00"} {
		for col := range 3 {
			rec := []string{"M1", "x", "1"}
			rec[col] = field
			f := "merchant_id,at,amount\nM2,y,2\n" + strings.Join(rec, ",") + "\n"
			for _, size := range []int{1, 7, chunkSize} {
				_, err := readBoth(t, f, size)
				want := fmt.Sprintf("f.csv:3: %s: contains a NUL byte", []string{"merchant_id", "at", "amount"}[col])
				if fmt.Sprint(err) != want {
					t.Fatalf("%q: got %v, want %s", f, err, want)
				}
			}
		}
	}
}

// endlessRows is an io.Reader of sales rows that never ends. It calls
// cancel once after cancelAt bytes, and fails once it has been read 64 MiB
// past that: a reader that ignores the cancel fails the test, not hangs it.
type endlessRows struct {
	read, cancelAt int64
	cancel         func()
	row            int
	pending        []byte
}

var errReadPastCancel = errors.New("read 64 MiB past the cancel")

func (e *endlessRows) Read(p []byte) (int, error) {
	if e.read > e.cancelAt+64<<20 {
		return 0, errReadPastCancel
	}
	if e.read == 0 {
		e.pending = append(e.pending, "merchant_id,at,amount\n"...)
	}
	for len(e.pending) < len(p) {
		e.row++
		e.pending = fmt.Appendf(e.pending, "M%d,2020-02-18 10:00,%d.50\n", e.row%9, e.row)
	}
	n := copy(p, e.pending)
	e.pending = e.pending[n:]
	before := e.read
	e.read += int64(n)
	if before < e.cancelAt && e.read >= e.cancelAt {
		e.cancel()
	}
	return n, nil
}

// The reader stops when its context ends, whatever the chunk size and
// whether the rows go anywhere: context.Canceled, and not much read after.
func TestReaderStopsWhenCancelled(t *testing.T) {
	for _, chunk := range []int{64, 4 << 10, chunkSize} {
		ctx, cancel := context.WithCancel(context.Background())
		r := &endlessRows{cancelAt: 3 << 20, cancel: cancel}
		err := readCSVChunks(ctx, "endless.csv", r, chunk, []string{"merchant_id", "at", "amount"}, nil,
			func(rows []string, rec []string, line int) ([]string, error) { return append(rows, rec[0]), nil },
			func([]string) error { return nil })
		cancel()
		if !errors.Is(err, context.Canceled) || err.Error() != "endless.csv: context canceled" {
			t.Fatalf("chunk %d: got %v, want endless.csv: context canceled", chunk, err)
		}
		if past := r.read - r.cancelAt; past > 4<<20 {
			t.Fatalf("chunk %d: read %d bytes after the cancel", chunk, past)
		}
	}
}

// A record that never ends (a quote left open, a file of NULs) is refused
// once it passes MaxRecordBytes, not read into memory whole.
func TestEndlessRecordRefused(t *testing.T) {
	for _, body := range []string{"M1,\"open", "\x00"} {
		r := io.MultiReader(strings.NewReader("merchant_id,at,amount\nM0,x,1\n"+body), endlessByte(body[len(body)-1]))
		err := readCSVChunks(context.Background(), "f.csv", r, 4<<10, []string{"merchant_id", "at", "amount"}, nil, testParse,
			func([]string) error { return nil })
		want := fmt.Sprintf("f.csv:3: a record runs past %d bytes without ending", MaxRecordBytes)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("%q...: got %v, want %s", body, err, want)
		}
	}
}

// endlessByte is an io.Reader of one byte repeated for ever.
type endlessByte byte

func (b endlessByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}
