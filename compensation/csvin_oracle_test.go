package compensation

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// readRowByRow is the test oracle for readCSVParallel: the plain way to
// read an import, one record at a time with encoding/csv and no chunks.
// The parallel reader must give the same records, lines and first error
// for any file. It was the production reader before the parallel one; its
// checks are written out again here, independently of parseChunk's.
func readRowByRow[T any](name string, r io.Reader, cols []string, parse parseFunc[T]) ([]T, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	fail := func(line int, field, format string, args ...any) error {
		return &ImportError{File: name, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	var rows []T
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return nil, &ImportError{File: name, Line: 1, Reason: "empty file: want the header " + strings.Join(cols, ",")}
			}
			return rows, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return rows, fail(pe.StartLine, "csv", "%s", pe.Err.Error())
		}
		if err != nil {
			return rows, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if n > 0 && len(rec) != len(cols) {
			return rows, fail(line, "columns", "got %d, want %d (%s)", len(rec), len(cols), strings.Join(cols, ","))
		}
		for i, f := range rec {
			col := fmt.Sprintf("column %d", i+1)
			if i < len(cols) {
				col = cols[i]
			}
			switch {
			case !utf8.ValidString(f):
				return rows, fail(line, col, "not valid UTF-8 (save the file as UTF-8)")
			case strings.ContainsRune(f, 0):
				return rows, fail(line, col, "contains a NUL byte")
			case len(f) > MaxFieldBytes:
				return rows, fail(line, col, "%d bytes long: a field holds at most %d", len(f), MaxFieldBytes)
			}
		}
		if n == 0 {
			got := make([]string, len(rec))
			for i := range rec {
				got[i] = strings.ToLower(strings.TrimSpace(rec[i]))
			}
			if strings.Join(got, ",") != strings.Join(cols, ",") {
				return rows, fail(line, "header", "got %q, want %s", strings.Join(got, ","), strings.Join(cols, ","))
			}
			continue
		}
		if rows, err = parse(rows, rec, line); err != nil {
			if ie, ok := err.(*ImportError); ok && ie.File == "" {
				ie.File = name
			}
			return rows, err
		}
	}
}
