package main

import (
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
)

func newMerchantsCmd() *cobra.Command {
	c := &cobra.Command{Use: "merchants", Short: "Merchants of the incident's compensation", Args: cobra.NoArgs}
	c.AddCommand(importCmd("import FILE.csv", "Import merchants: header merchant_id,name,industry",
		func(cmd *cobra.Command, w *writeTarget, f *os.File, progress compensation.Progress, asJSON bool) error {
			var res compensation.MerchantImport
			err := db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) (err error) {
				res, err = compensation.ImportMerchants(cmd.Context(), tx, w.inc.ID, f.Name(), f, progress)
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			if res.AlreadyImported {
				fmt.Fprintf(cmd.OutOrStdout(), "%s was already imported at %s: nothing changed\n", cleanLine(res.File), res.ImportedAt.Format("2006-01-02 15:04"))
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %d merchants from %s\n", res.Merchants, cleanLine(res.File))
			return nil
		}))
	return c
}

// importCmd builds an import command: open the file, connect, run the
// import in one transaction with a progress bar on a terminal.
func importCmd(use, short string, run func(cmd *cobra.Command, w *writeTarget, f *os.File, progress compensation.Progress, asJSON bool) error) *cobra.Command {
	var (
		asJSON bool
		as     string
	)
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.
The import is one transaction: a bad row stops it with file:line: field: reason
and nothing is written, and so does Ctrl-C. A field holds at most 64 KiB.
Importing the same file again changes nothing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return &codedError{code: exitNotFound, err: err}
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return err
			}
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			progress, done := progressBar(cmd.ErrOrStderr(), st.Size(), !asJSON)
			err = run(cmd, w, f, progress, asJSON)
			done()
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	c.Flags().StringVar(&as, "as", "", "author `name` (embedded database only)")
	return c
}
