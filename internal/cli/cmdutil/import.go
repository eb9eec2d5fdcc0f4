package cmdutil

import (
	"context"
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/incident"
)

// ImportLong is the help both CSV imports share.
const ImportLong = `.
The import is one transaction: a bad row stops it with file:line: field: reason
and nothing is written, and so does Ctrl-C. A field holds at most 64 KiB.
Importing the same file again changes nothing.`

// ImportOptions are a CSV import command's (merchants import, sales import).
type ImportOptions struct {
	Factory *Factory
	File    string
	JSON    bool
}

// NewCmdImport parses a CSV import command whose help starts with short;
// run does the import, and runF replaces it in tests.
func NewCmdImport(f *Factory, short string, runF func(*ImportOptions) error,
	run func(*cobra.Command, *ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{Factory: f}
	c := &cobra.Command{
		Use:   "import FILE.csv",
		Short: short,
		Long:  short + ImportLong,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return run(cmd, opts)
		},
	}
	AddJSONFlag(c, &opts.JSON)
	return c
}

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
	if st.IsDir() {
		return WithCode(ExitInvalid, fmt.Errorf("%s is a directory: name a CSV file", CleanLine(path)))
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
