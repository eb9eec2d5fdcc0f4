package sales

import (
	"fmt"
	"os"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// ImportOptions are `warroom sales import`'s.
type ImportOptions = cmdutil.ImportOptions

// NewCmdImport parses `warroom sales import`; runF replaces the run in tests.
func NewCmdImport(f *cmdutil.Factory, runF func(*ImportOptions) error) *cobra.Command {
	return cmdutil.NewCmdImport(f, "Import sales: header merchant_id,at,amount (at: RFC 3339 or local time in the incident's zone; amount: tax-excluded yuan, up to two decimals)", runF, importRun)
}

func importRun(cmd *cobra.Command, opts *ImportOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	var res compensation.SalesImport
	loc := time.UTC // the incident's zone, once the import knows the incident
	err := f.ImportFile(ctx, opts.File, opts.JSON, func(conn *sqlx.DB, inc incident.Incident, file *os.File, progress compensation.Progress) error {
		loc = inc.Location()
		return db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
			res, err = compensation.ImportSales(ctx, tx, inc.ID, file.Name(), file, progress)
			return err
		})
	})
	if err != nil {
		return err
	}
	out := f.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, res)
	}
	if res.AlreadyImported {
		fmt.Fprintf(out, "%s was already imported at %s: nothing changed\n", cmdutil.CleanLine(res.File), cmdutil.FormatAt(res.ImportedAt, loc))
		return nil
	}
	fmt.Fprintf(out, "imported %s: %s, %s in the baseline window (%s yuan, %s), %s outside it (not counted)\n",
		cmdutil.CleanLine(res.File), glossary.Plural(res.Rows, "row", "rows"), glossary.Count(res.InWindow), compensation.FormatFen(res.InWindowFen),
		glossary.Plural(res.Merchants, "merchant", "merchants"), glossary.Count(res.Outside))
	return nil
}
