package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"warroom/compensation"
)

func newMerchantCmd() *cobra.Command {
	c := &cobra.Command{Use: "merchant", Short: "One merchant's compensation", Args: cobra.NoArgs}
	var asJSON bool
	show := &cobra.Command{
		Use:   "show ID",
		Short: "A merchant's baseline, rate, the formula with its numbers, plan, state and payouts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			conn, inc, err := openIncident(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			d, err := compensation.Merchant(cmd.Context(), conn, inc.ID, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, d)
			}
			plan, rate, cash := "not chosen", "awaiting rate", "awaiting rate"
			if d.Plan != nil {
				plan = *d.Plan
			}
			if d.MarginPercent != nil {
				rate = *d.MarginPercent + "% (" + d.MarginSource + ")"
			}
			if d.CashFen != nil {
				cash = compensation.FormatFen(*d.CashFen)
			}
			rows := [][]string{
				{"merchant", d.MerchantID + " " + d.Name},
				{"industry", d.Industry},
				{"baseline sales", fmt.Sprintf("%s (%d rows)", compensation.FormatFen(d.BaselineFen), d.SalesRows)},
				{"margin rate", rate},
				{"cash", cash},
				{"plan", plan},
				{"state", d.State},
				{"costs the fund", compensation.FormatFen(d.AmountFen)},
				{"paid", compensation.FormatFen(d.PaidFen)},
			}
			if err := writeTable(out, []column{{title: ""}, {title: ""}}, rows); err != nil {
				return err
			}
			fmt.Fprintf(out, "\n%s\n", cleanLine(d.Formula))
			for _, p := range d.Payouts {
				fmt.Fprintf(out, "payout %s at %s (key %s)\n", compensation.FormatFen(p.AmountFen), p.PaidAt.In(inc.Location()).Format("2006-01-02 15:04"), cleanLine(p.IdempotencyKey))
			}
			for _, ch := range d.PlanChanges {
				fmt.Fprintln(out, "plan change", cleanLine(ch))
			}
			return nil
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(show)
	return c
}
