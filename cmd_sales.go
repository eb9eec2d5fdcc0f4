package main

import (
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
)

func newSalesCmd() *cobra.Command {
	c := &cobra.Command{Use: "sales", Short: "Merchants' baseline-week sales", Args: cobra.NoArgs}
	c.AddCommand(importCmd("import FILE.csv",
		"Import sales: header merchant_id,at,amount (at: RFC 3339 or local time in the incident's zone; amount: tax-excluded yuan, up to two decimals)",
		func(cmd *cobra.Command, w *writeTarget, f *os.File, progress compensation.Progress, asJSON bool) error {
			var res compensation.SalesImport
			err := db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) (err error) {
				res, err = compensation.ImportSales(cmd.Context(), tx, w.inc.ID, f.Name(), f, progress)
				return err
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, res)
			}
			if res.AlreadyImported {
				fmt.Fprintf(out, "%s was already imported at %s: nothing changed\n", cleanLine(res.File), res.ImportedAt.Format("2006-01-02 15:04"))
				return nil
			}
			fmt.Fprintf(out, "imported %s: %d rows, %d in the baseline window (%s yuan, %d merchants), %d outside it (not counted)\n",
				cleanLine(res.File), res.Rows, res.InWindow, compensation.FormatFen(res.InWindowFen), res.Merchants, res.Outside)
			return nil
		}))
	return c
}
