package sales

import (
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
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
	err := f.ImportFile(ctx, opts.File, opts.JSON, func(conn *sqlx.DB, inc incident.Incident, file *os.File, progress compensation.Progress) error {
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
		fmt.Fprintf(out, "%s was already imported at %s: nothing changed\n", cmdutil.CleanLine(res.File), res.ImportedAt.Format("2006-01-02 15:04"))
		return nil
	}
	fmt.Fprintf(out, "imported %s: %d rows, %d in the baseline window (%s yuan, %d merchants), %d outside it (not counted)\n",
		cmdutil.CleanLine(res.File), res.Rows, res.InWindow, compensation.FormatFen(res.InWindowFen), res.Merchants, res.Outside)
	return nil
}
