package restore

import (
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// ImportOptions are `warroom restore counts import`'s.
type ImportOptions = cmdutil.ImportOptions

// NewCmdImport parses `warroom restore counts import`; runF replaces the run in tests.
func NewCmdImport(f *cmdutil.Factory, runF func(*ImportOptions) error) *cobra.Command {
	c := cmdutil.NewCmdImport(f, "Import a snapshot of restore counts: header merchant_id,domain,expected,restored[,at]", runF, importRun)
	c.Long += `

Each import is one snapshot, kept; the latest count per merchant and domain
wins, so a file may name only some merchants or domains. Domains are free
text (orders, products, members...). at is when the row was counted
(2020-02-28 09:00 in the incident's time zone, or with an offset); without
it, or with its cell empty, the time of the import. "Latest" is the newest
snapshot, whatever the times in it. A file with no counts is refused.`
	return c
}

func importRun(cmd *cobra.Command, opts *ImportOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	var res recovery.CountsImport
	var loc = incident.Incident{}.Location()
	err := f.ImportFile(ctx, opts.File, opts.JSON, func(conn *sqlx.DB, inc incident.Incident, file *os.File, progress compensation.Progress) error {
		loc = inc.Location()
		return db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
			res, err = recovery.ImportCounts(ctx, tx, inc.ID, file.Name(), file, loc, progress)
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
		fmt.Fprintf(f.Out, "%s was already imported at %s: nothing changed\n", cmdutil.CleanLine(res.File), res.ImportedAt.In(loc).Format("2006-01-02 15:04"))
		return nil
	}
	fmt.Fprintf(f.Out, "snapshot %d as of %s: %s from %s, %s kept from the previous snapshot\n",
		res.Snapshot, res.TakenAt.In(loc).Format("2006-01-02 15:04"), glossary.Plural(res.Rows, "count", "counts"),
		cmdutil.CleanLine(res.File), glossary.Count(res.Carried))
	fmt.Fprintf(f.Out, "merchants with all their data back: %s of %s\n", glossary.Count(res.MerchantsComplete), glossary.Count(res.Merchants))
	return nil
}
