package compensation

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"
)

// Parallel CSV reading for million-row imports: one goroutine reads the
// file in chunks of whole records, workers parse and check the chunks (on
// every core), and the caller's consume sees each chunk's rows in file
// order. Results are the same as reading the file row by row (the oracle
// in the tests): the same records, the same first error (file:line:
// field: reason), however the file is cut into chunks.
//
// A chunk ends at a line break outside quotes: RFC 4180 quotes come in
// pairs inside a quoted field, so a line break is a record boundary when
// the quotes before it in the chunk are even. A stray quote makes
// encoding/csv fail on its own line, and every chunk up to that one was
// cut at true boundaries, so the first error reported is the same.

// chunkSize is how much a chunk holds before it is cut at a record
// boundary. A chunk grows past it until it holds a whole record, up to
// MaxRecordBytes.
const chunkSize = 1 << 20

// MaxFieldBytes is the longest field an import accepts (64 KiB): longer is
// refused with file:line: field: reason. A name or id is a few dozen bytes;
// a field of megabytes is a broken or hostile file, and would be drawn on
// every screen that shows it.
const MaxFieldBytes = 64 << 10

// MaxRecordBytes bounds what is read of one record (or one line) while
// looking for its end: a file with no line break for a mebibyte (/dev/zero,
// a quote never closed) is refused there, not read into memory whole.
// Three fields of MaxFieldBytes, quotes doubled, fit well inside it.
const MaxRecordBytes = 1 << 20

type csvChunk struct {
	seq  int
	data []byte
	line int   // file line of data's first byte
	err  error // reading the file failed here
	out  chan any
}

// chunkResult is what a worker made of one chunk: rows parsed up to the
// first error, and that error.
type chunkResult[T any] struct {
	rows []T
	err  error
}

// parseFunc checks one record (its fields already checked for count,
// UTF-8 and NUL) and appends what it makes of it to rows.
type parseFunc[T any] func(rows []T, rec []string, line int) ([]T, error)

// readCSVParallel reads r (a CSV file whose header must be cols) and calls
// consume with each chunk's rows, in file order, on the calling goroutine;
// the slice is reused once consume returns, so consume must not keep it
// (its elements it may).
// The first error (from the file, parse or consume) stops everything, and
// so does ctx: its error is returned as soon as the reader or the caller
// notices (between reads, and before each chunk is consumed).
func readCSVParallel[T any](ctx context.Context, name string, r io.Reader, cols []string, progress Progress, parse parseFunc[T], consume func([]T) error) error {
	return readCSVChunks(ctx, name, r, chunkSize, cols, progress, parse, consume)
}

// readCSVChunks is readCSVParallel with the chunk size given: tests cut
// small files into many chunks.
func readCSVChunks[T any](ctx context.Context, name string, r io.Reader, chunk int, cols []string, progress Progress, parse parseFunc[T], consume func([]T) error) error {
	workers := max(runtime.GOMAXPROCS(0), 1)
	// Row slices consume is done with go back to the workers: a chunk's
	// rows, allocated and zeroed afresh, were a tenth of a 15M-line import's
	// CPU with the collection they caused.
	free := make(chan []T, 2*workers+2)
	work := make(chan csvChunk, workers)
	order := make(chan chan any, 2*workers)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(quit)
		for range order { // let the reader finish
		}
		wg.Wait()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(work)
		readChunks(ctx, name, r, chunk, progress, func(c csvChunk) bool {
			c.out = make(chan any, 1)
			select {
			case order <- c.out:
			case <-quit:
				return false
			}
			if c.err != nil {
				c.out <- c.err
				return false
			}
			select {
			case work <- c:
				return true
			case <-quit:
				return false
			}
		})
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				var rows []T
				select {
				case rows = <-free:
				default:
				}
				c.out <- parseChunk(name, c, cols, parse, rows)
			}
		}()
	}
	sawHeader := false
	for out := range order {
		var got any
		select {
		case got = <-out:
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", name, ctx.Err())
		}
		switch v := got.(type) {
		case error: // from the reader
			return v
		case chunkResult[T]:
			sawHeader = true
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if len(v.rows) > 0 {
				if err := consume(v.rows); err != nil {
					return err
				}
			}
			select {
			case free <- v.rows[:0]:
			default:
			}
			if v.err != nil {
				return v.err
			}
		}
	}
	if !sawHeader {
		return &ImportError{File: name, Line: 1, Reason: "empty file: want the header " + strings.Join(cols, ",")}
	}
	return nil
}

// readChunks cuts r into chunks of whole records and hands them to emit
// (false: stop). A read error, a record longer than MaxRecordBytes or ctx
// ending is handed on as a chunk whose out gets the error.
func readChunks(ctx context.Context, name string, r io.Reader, size int, progress Progress, emit func(csvChunk) bool) {
	br := bufio.NewReaderSize(&countingReader{r: r, progress: progress}, 64<<10)
	// An Excel-style byte-order mark is not part of the first column name.
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	var (
		buf  []byte
		seq  int
		line = 1
		eof  bool
	)
	for !eof {
		next := make([]byte, len(buf), max(size, 2*len(buf)))
		copy(next, buf)
		buf = next
		for len(buf) < cap(buf) && !eof {
			if err := ctx.Err(); err != nil {
				emit(csvChunk{seq: seq, err: fmt.Errorf("%s: %w", name, err)})
				return
			}
			n, err := br.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				eof = true
			} else if err != nil {
				emit(csvChunk{seq: seq, err: fmt.Errorf("%s: %w", name, err)})
				return
			}
		}
		cut := len(buf)
		if !eof {
			if cut = recordBoundary(buf); cut < 0 {
				if len(buf) > MaxRecordBytes {
					emit(csvChunk{seq: seq, err: &ImportError{File: name, Line: line,
						Reason: fmt.Sprintf("a record runs past %d bytes without ending (a quote left open, or not a CSV file)", MaxRecordBytes)}})
					return
				}
				continue // no whole record yet: read more
			}
		}
		if seq == 0 && cut > 0 && !eof && blankLines(buf[:cut]) {
			// encoding/csv skips blank lines: the first chunk must hold the
			// header, so blank lines before it are counted and dropped.
			line += bytes.Count(buf[:cut], []byte{'\n'})
			buf = buf[cut:]
			continue
		}
		if cut > 0 {
			data := buf[:cut]
			if !emit(csvChunk{seq: seq, data: data, line: line}) {
				return
			}
			line += bytes.Count(data, []byte{'\n'})
			seq++
		}
		buf = buf[cut:]
	}
}

// blankLines reports whether b is only empty lines ("\n" or "\r\n"), which
// encoding/csv skips.
func blankLines(b []byte) bool {
	for len(b) > 0 {
		switch {
		case b[0] == '\n':
			b = b[1:]
		case len(b) > 1 && b[0] == '\r' && b[1] == '\n':
			b = b[2:]
		default:
			return false
		}
	}
	return true
}

// recordBoundary is the end (just past the line break) of the last whole
// record in b, or -1.
func recordBoundary(b []byte) int {
	if bytes.IndexByte(b, '"') < 0 {
		i := bytes.LastIndexByte(b, '\n')
		if i < 0 {
			return -1
		}
		return i + 1
	}
	last, quotes := -1, 0
	for i, c := range b {
		switch c {
		case '"':
			quotes++
		case '\n':
			if quotes%2 == 0 {
				last = i
			}
		}
	}
	if last < 0 {
		return -1
	}
	return last + 1
}

// parseChunk parses one chunk; the first chunk starts with the header.
func parseChunk[T any](name string, c csvChunk, cols []string, parse parseFunc[T], reuse []T) any {
	var res chunkResult[T]
	fail := func(line int, field, format string, args ...any) bool {
		res.err = &ImportError{File: name, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
		return false
	}
	header := c.seq == 0
	// One row per line, mostly: sized once rather than grown by copying,
	// but no more than a chunk of short records needs (a chunk of blank
	// lines would otherwise reserve a row for each).
	if n := min(bytes.Count(c.data, []byte{'\n'})+1, len(c.data)/8+1); cap(reuse) >= n {
		res.rows = reuse[:0]
	} else {
		res.rows = make([]T, 0, n)
	}
	// Checked once for the chunk, each field only when the chunk fails:
	// per field, these checks took a tenth of a counts import's client CPU.
	valid, noNUL := utf8.Valid(c.data), bytes.IndexByte(c.data, 0) < 0
	// record checks and parses one record of the file's line; false: stop,
	// res.err says why.
	record := func(rec []string, line int) bool {
		if !header && len(rec) != len(cols) {
			return fail(line, "columns", "got %d, want %d (%s)", len(rec), len(cols), strings.Join(cols, ","))
		}
		for i, f := range rec {
			if !valid && !utf8.ValidString(f) {
				return fail(line, colName(cols, i), "not valid UTF-8 (save the file as UTF-8)")
			}
			if !noNUL && strings.IndexByte(f, 0) >= 0 {
				return fail(line, colName(cols, i), "contains a NUL byte")
			}
			if len(f) > MaxFieldBytes {
				return fail(line, colName(cols, i), "%d bytes long: a field holds at most %d", len(f), MaxFieldBytes)
			}
		}
		if header {
			header = false
			got := make([]string, len(rec))
			for i := range rec {
				got[i] = strings.ToLower(strings.TrimSpace(rec[i]))
			}
			if strings.Join(got, ",") != strings.Join(cols, ",") {
				return fail(line, "header", "got %q, want %s", strings.Join(got, ","), strings.Join(cols, ","))
			}
			return true
		}
		var err error
		if res.rows, err = parse(res.rows, rec, line); err != nil {
			if ie, ok := err.(*ImportError); ok && ie.File == "" {
				ie.File = name
			}
			res.err = err
			return false
		}
		return true
	}
	if bytes.IndexByte(c.data, '"') < 0 && bytes.IndexByte(c.data, '\r') < 0 {
		// Without a quote or a carriage return, encoding/csv's records are
		// the lines, blank ones skipped, cut at each comma: split here,
		// which took about half the time of encoding/csv's reader on 15M
		// lines of restore counts. One string for the chunk, the fields
		// slices of it (a string per line was a tenth of the import's CPU,
		// in allocation and collection).
		var rec []string
		data, line := string(c.data), c.line
		for len(data) > 0 {
			l := data
			if i := strings.IndexByte(data, '\n'); i >= 0 {
				l, data = data[:i], data[i+1:]
			} else {
				data = ""
			}
			if len(l) > 0 {
				f := l
				rec = rec[:0]
				for {
					j := strings.IndexByte(f, ',')
					if j < 0 {
						rec = append(rec, f)
						break
					}
					rec = append(rec, f[:j])
					f = f[j+1:]
				}
				if !record(rec, line) {
					return res
				}
			}
			line++
		}
	} else {
		cr := csv.NewReader(bytes.NewReader(c.data))
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					fail(c.line+pe.StartLine-1, "csv", "%s", pe.Err.Error())
					return res
				}
				res.err = fmt.Errorf("%s: %w", name, err)
				return res
			}
			l, _ := cr.FieldPos(0)
			if !record(rec, c.line+l-1) {
				return res
			}
		}
	}
	if header { // chunk 0 held no record at all: an empty file
		res.err = &ImportError{File: name, Line: 1, Reason: "empty file: want the header " + strings.Join(cols, ",")}
	}
	return res
}

func colName(cols []string, i int) string {
	if i < len(cols) {
		return cols[i]
	}
	return fmt.Sprintf("column %d", i+1)
}
