package main

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/incident"
)

func newMarginsCmd() *cobra.Command {
	c := readCmd("margins", "Industry margin rates in force (--history: every version)",
		func(cmd *cobra.Command, conn *sqlx.DB, inc incident.Incident, asJSON bool) error {
			hist, _ := cmd.Flags().GetBool("history")
			rates, err := compensation.Rates(cmd.Context(), conn, inc.ID, hist)
			if err != nil {
				return err
			}
			if asJSON {
				if rates == nil {
					rates = []compensation.Rate{}
				}
				return writeJSON(cmd.OutOrStdout(), rates)
			}
			rows := make([][]string, 0, len(rates))
			for _, r := range rates {
				rows = append(rows, []string{r.Industry, r.Percent + "%", r.SetAt.In(inc.Location()).Format("2006-01-02 15:04"), r.SetBy, r.Source})
			}
			return writeTable(cmd.OutOrStdout(), []column{{title: "INDUSTRY"}, {title: "RATE", right: true}, {title: "SET"}, {title: "BY"}, {title: "SOURCE"}}, rows)
		})
	c.Flags().Bool("history", false, "every version, not only the rates in force")
	c.AddCommand(newMarginsSetCmd())
	return c
}

func newMarginsSetCmd() *cobra.Command {
	var (
		source, as     string
		dryRun, asJSON bool
	)
	c := &cobra.Command{
		Use:   "set INDUSTRY PERCENT --source TEXT",
		Short: "Set an industry's margin rate, showing its impact first",
		Long: `Record a new version of an industry's contribution-margin rate (percent, up to
four decimals) with its source, and recompute that industry's open claims
(awaiting rate, computed, chosen) in the same transaction. Approved and paid
claims keep their figures. --dry-run shows the impact and writes nothing.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := compensation.ParseMargin(args[1])
			if err != nil {
				return &db.FieldError{Field: "PERCENT", Reason: err.Error()}
			}
			if source == "" && !dryRun {
				return &codedError{code: exitUsage, err: fmt.Errorf("--source is required (who published the rate, and when)")}
			}
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			ctx := cmd.Context()
			var (
				imp  compensation.RateImpact
				comp compensation.Computed
			)
			err = db.Write(ctx, w.conn, w.actor, func(tx *sqlx.Tx) error {
				if imp, err = compensation.PreviewRate(ctx, tx, w.inc.ID, args[0], m); err != nil || dryRun {
					return err
				}
				if _, err = compensation.SetRate(ctx, tx, w.inc.ID, args[0], m, source); err != nil {
					return err
				}
				comp, err = compensation.ComputeClaims(ctx, tx, w.inc.ID, args[0])
				return err
			})
			if err != nil {
				reason := fmt.Sprintf("margin rate of %s to %s%% (%s)", args[0], m.String(), source)
				return requestInstead(cmd, w, err, access.OpMarginRate, reason, func(*sqlx.Tx) (any, error) {
					return compensation.RateRequest(args[0], m, source), nil
				})
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, map[string]any{"impact": imp, "applied": !dryRun, "recomputed": comp})
			}
			fmt.Fprintf(out, "%s: %s%% -> %s%%: %d open claims, %d change (%d awaiting a rate get one); cash %s -> %s; the fund moves by %s\n",
				imp.Industry, imp.OldPercent, imp.NewPercent, imp.Claims, imp.Changing, imp.NewlyComputed,
				compensation.FormatFen(imp.CashBeforeFen), compensation.FormatFen(imp.CashAfterFen), compensation.FormatFen(imp.FundMoveFen))
			if imp.FrozenClaims > 0 {
				fmt.Fprintf(out, "%d approved or paid claims keep their figures\n", imp.FrozenClaims)
			}
			if imp.MerchantsNoSet > 0 {
				fmt.Fprintf(out, "%d merchants have no claim yet (run: warroom claims compute)\n", imp.MerchantsNoSet)
			}
			if dryRun {
				fmt.Fprintln(out, "dry run: nothing written")
			} else {
				fmt.Fprintf(out, "applied: %d claims recomputed\n", comp.Written)
			}
			return nil
		},
	}
	c.Flags().StringVar(&source, "source", "", "where the rate comes from (required)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "show the impact only")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.Flags().StringVar(&as, "as", "", "author `name` (embedded database only)")
	return c
}
