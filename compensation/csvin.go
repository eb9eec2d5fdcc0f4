package compensation

import (
	"fmt"
	"io"

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

// countingReader counts the bytes read and reports them to progress every
// 4 MiB.
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
