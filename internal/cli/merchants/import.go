package merchants

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

// ImportOptions are `warroom merchants import`'s.
type ImportOptions = cmdutil.ImportOptions

// NewCmdImport parses `warroom merchants import`; runF replaces the run in tests.
func NewCmdImport(f *cmdutil.Factory, runF func(*ImportOptions) error) *cobra.Command {
	return cmdutil.NewCmdImport(f, "Import merchants: header merchant_id,name,industry", runF, importRun)
}

func importRun(cmd *cobra.Command, opts *ImportOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	var res compensation.MerchantImport
	loc := time.UTC // the incident's zone, once the import knows the incident
	err := f.ImportFile(ctx, opts.File, opts.JSON, func(conn *sqlx.DB, inc incident.Incident, file *os.File, progress compensation.Progress) error {
		loc = inc.Location()
		return db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
			res, err = compensation.ImportMerchants(ctx, tx, inc.ID, file.Name(), file, progress)
			return err
		})
	})
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(f.Out, res)
	}
	if res.AlreadyImported {
		fmt.Fprintf(f.Out, "%s was already imported at %s: nothing changed\n", cmdutil.CleanLine(res.File), cmdutil.FormatAt(res.ImportedAt, loc))
		return nil
	}
	fmt.Fprintf(f.Out, "imported %s from %s\n", glossary.Plural(res.Merchants, "merchant", "merchants"), cmdutil.CleanLine(res.File))
	return nil
}
