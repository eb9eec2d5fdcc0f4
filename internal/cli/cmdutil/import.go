package cmdutil

import (
	"context"
	"os"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/incident"
)

// ImportLong is the help both CSV imports share.
const ImportLong = `.
The import is one transaction: a bad row stops it with file:line: field: reason
and nothing is written, and so does Ctrl-C. A field holds at most 64 KiB.
Importing the same file again changes nothing.`

// ImportFile opens path, connects, and calls load with the file and a
// progress bar (drawn on a terminal unless quiet).
func (f *Factory) ImportFile(ctx context.Context, path string, quiet bool,
	load func(conn *sqlx.DB, inc incident.Incident, file *os.File, progress compensation.Progress) error) error {
	file, err := os.Open(path)
	if err != nil {
		return WithCode(ExitNotFound, err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return err
	}
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	progress, done := ProgressBar(f.ErrOut, st.Size(), !quiet)
	err = load(conn, inc, file, progress)
	done()
	return err
}
