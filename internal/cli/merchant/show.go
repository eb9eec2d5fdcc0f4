package merchant

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
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
		Short: "A merchant's baseline, rate, the formula with its numbers, plan, state, payouts and data restored per domain",
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
	restore, err := recovery.MerchantRestore(cmd.Context(), conn, inc.ID, opts.Merchant)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	d, err := compensation.Merchant(cmd.Context(), conn, inc.ID, opts.Merchant)
	if db.IsNotFound(err) && len(restore) > 0 {
		// Counted for the restore but not (yet) among the compensation's merchants.
		if opts.JSON {
			return cmdutil.WriteJSON(out, struct {
				MerchantID string                   `json:"merchant_id"`
				Restore    []recovery.MerchantCount `json:"restore"`
			}{opts.Merchant, restore})
		}
		fmt.Fprintf(out, "%-15s %s (not among the compensation's merchants)\n", "merchant", cmdutil.CleanLine(opts.Merchant))
		writeRestore(out, restore, inc.Location())
		return nil
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(out, struct {
			compensation.MerchantDetail
			Restore []recovery.MerchantCount `json:"restore"`
		}{d, restore})
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
	if len(restore) > 0 {
		fmt.Fprintln(out)
		writeRestore(out, restore, inc.Location())
	}
	return nil
}

// writeRestore prints a merchant's data per domain: restored of expected,
// percent, as of when.
func writeRestore(out io.Writer, restore []recovery.MerchantCount, loc *time.Location) {
	fmt.Fprintln(out, "restore")
	for _, c := range restore {
		state := "back"
		if c.Restored < c.Expected {
			state = glossary.Count(c.Expected-c.Restored) + " missing"
		}
		fmt.Fprintf(out, "  %-13s %s of %s (%d%%) %s, as of %s\n", cmdutil.CleanLine(c.Domain), glossary.Count(c.Restored),
			glossary.Count(c.Expected), c.Percent, state, c.AsOf.In(loc).Format("2006-01-02 15:04"))
	}
}
