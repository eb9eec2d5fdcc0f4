package merchant

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
	"warroom/textsafe"
)

// ShowOptions are `warroom merchant show`'s.
type ShowOptions struct {
	Factory  *cmdutil.Factory
	Merchant string
	JSON     bool
}

// NewCmdShow parses `warroom merchant show`; runF replaces the run in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Factory: f}
	c := &cobra.Command{
		Use:   "show ID",
		Short: "A merchant's baseline, rate, the formula with its numbers, plan, state and payouts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Merchant = args[0]
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func showRun(cmd *cobra.Command, opts *ShowOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	d, err := compensation.Merchant(cmd.Context(), conn, inc.ID, opts.Merchant)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, d)
	}
	plan, rate, cash := "not chosen", "awaiting rate", "awaiting rate"
	if d.Plan != nil {
		plan = glossary.Plan(*d.Plan)
	}
	if d.MarginPercent != nil {
		rate = compensation.TrimDecimal(*d.MarginPercent) + "% (" + d.MarginSource + ")"
	}
	if d.CashFen != nil {
		cash = compensation.FormatFen(*d.CashFen)
	}
	rows := [][]string{
		{"merchant", d.MerchantID + " " + d.Name},
		{"industry", d.Industry},
		{"baseline sales", fmt.Sprintf("%s (%s)", compensation.FormatFen(d.BaselineFen), glossary.Plural(d.SalesRows, "row", "rows"))},
		{"margin rate", rate},
		{"cash", cash},
		{"plan", plan},
		{"state", glossary.ClaimState(d.State)},
		{"costs the fund", compensation.FormatFen(d.AmountFen)},
		{"paid", compensation.FormatFen(d.PaidFen)},
	}
	// Label and value pairs, not a table: a table's empty header printed
	// a blank first line.
	for _, r := range rows {
		fmt.Fprintf(out, "%-15s %s\n", r[0], cmdutil.CleanLine(r[1]))
	}
	// The formula's lines stay lines (CleanLine would run them together).
	fmt.Fprintf(out, "\n%s\n", strings.TrimRight(textsafe.Sanitize(d.Formula), "\n"))
	for _, p := range d.Payouts {
		fmt.Fprintf(out, "payout %s at %s (key %s)\n", compensation.FormatFen(p.AmountFen), cmdutil.FormatAt(p.PaidAt, inc.Location()), cmdutil.CleanLine(p.IdempotencyKey))
	}
	for _, ch := range d.PlanChanges {
		fmt.Fprintln(out, "plan change", cmdutil.CleanLine(ch))
	}
	return nil
}
