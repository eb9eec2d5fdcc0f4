package compensation

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"unicode/utf8"

	"warroom/db"
)

// ImportError is one bad row: the whole import is refused and nothing is
// written. It reads "file:line: field: reason".
type ImportError struct {
	File   string
	Line   int
	Field  string
	Reason string
}

func (e *ImportError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Reason)
}

func (e *ImportError) Unwrap() error { return db.ErrInvalidInput }

// Progress is called now and then with the bytes read so far.
type Progress func(bytesRead int64)

// csvIn reads a CSV file with a fixed header, hashing every byte it reads
// so a re-import of the same file can be recognised.
type csvIn struct {
	name    string
	r       *csv.Reader
	hash    hash.Hash
	counter *countingReader
	cols    []string
	rows    int64
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress Progress
	next     int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && c.n >= c.next {
		c.progress(c.n)
		c.next = c.n + 4<<20
	}
	return n, err
}

func newCSVIn(name string, r io.Reader, cols []string, progress Progress) (*csvIn, error) {
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(r, h), progress: progress}
	br := bufio.NewReaderSize(cr, 1<<20)
	// An Excel-style byte-order mark is not part of the first column name.
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	c := &csvIn{name: name, hash: h, counter: cr, cols: cols}
	c.r = csv.NewReader(br)
	c.r.FieldsPerRecord = -1 // we check the count ourselves, to name the line
	c.r.ReuseRecord = true
	rec, err := c.next()
	if err == io.EOF {
		return nil, &ImportError{File: name, Line: 1, Reason: "empty file: want the header " + strings.Join(cols, ",")}
	}
	if err != nil {
		return nil, err
	}
	for i := range rec {
		rec[i] = strings.ToLower(strings.TrimSpace(rec[i]))
	}
	if strings.Join(rec, ",") != strings.Join(cols, ",") {
		return nil, &ImportError{File: name, Line: 1, Field: "header",
			Reason: fmt.Sprintf("got %q, want %s", strings.Join(rec, ","), strings.Join(cols, ","))}
	}
	return c, nil
}

// next returns the next record, checked for column count and encoding;
// io.EOF at the end.
func (c *csvIn) next() ([]string, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return nil, err
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &ImportError{File: c.name, Line: pe.StartLine, Field: "csv", Reason: pe.Err.Error()}
		}
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	// FieldPos is only valid after a successful Read: it panics otherwise.
	line, _ := c.r.FieldPos(0)
	if c.rows > 0 && len(rec) != len(c.cols) {
		return nil, c.errorf(line, "columns", "got %d, want %d (%s)", len(rec), len(c.cols), strings.Join(c.cols, ","))
	}
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return nil, c.errorf(line, c.colName(i), "not valid UTF-8 (save the file as UTF-8)")
		}
		if strings.ContainsRune(f, 0) {
			return nil, c.errorf(line, c.colName(i), "contains a NUL byte")
		}
	}
	c.rows++
	return rec, nil
}

func (c *csvIn) colName(i int) string {
	if i < len(c.cols) {
		return c.cols[i]
	}
	return fmt.Sprintf("column %d", i+1)
}

// line is the line the last record started on.
func (c *csvIn) line() int {
	l, _ := c.r.FieldPos(0)
	return l
}

func (c *csvIn) errorf(line int, field, format string, args ...any) error {
	return &ImportError{File: c.name, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// sum is the hex SHA-256 of everything read; call it after io.EOF.
func (c *csvIn) sum() string { return hex.EncodeToString(c.hash.Sum(nil)) }
