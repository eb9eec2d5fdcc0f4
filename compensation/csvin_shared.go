package compensation

import (
	"context"
	"io"
)

// ParseFunc checks one record of a CSV import (its fields already checked
// for count, UTF-8, NUL and length) and appends what it makes of it to rows.
type ParseFunc[T any] = parseFunc[T]

// ReadCSV is the imports' parallel CSV reader for other packages (restore
// counts): r's header must be cols; consume sees each chunk's rows in file
// order, in a slice it must not keep; the first error, as file:line: field:
// reason, stops everything.
func ReadCSV[T any](ctx context.Context, name string, r io.Reader, cols []string, progress Progress, parse ParseFunc[T], consume func([]T) error) error {
	return readCSVParallel(ctx, name, r, cols, progress, parse, consume)
}

// HashFile is the hex SHA-256 of r, refusing a line longer than
// MaxRecordBytes, as the imports use to recognise a file imported before.
func HashFile(ctx context.Context, name string, r io.Reader) (string, error) {
	return hashFile(ctx, name, r)
}
