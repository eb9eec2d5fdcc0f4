// Package fund is `warroom fund`.
package fund

import (
	"fmt"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// FundOptions are `warroom fund`'s.
type FundOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdFund parses `warroom fund`; runF replaces the run in tests.
func NewCmdFund(f *cmdutil.Factory, runF func(*FundOptions) error) *cobra.Command {
	opts := &FundOptions{Factory: f}
	c := &cobra.Command{
		Use:   "fund",
		Short: "The compensation fund: pledged, received, committed, paid, remaining",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return fundRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func fundRun(cmd *cobra.Command, opts *FundOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	f, err := compensation.LoadFund(cmd.Context(), conn, inc.ID, inc.Slug)
	if db.IsNotFound(err) {
		return fmt.Errorf("incident %s has no compensation fund", inc.Slug)
	}
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, f)
	}
	fmt.Fprintf(out, "Fund of %s (%s)\n\n", inc.Slug, f.Currency)
	if err := cmdutil.WriteTable(out, []cmdutil.Column{{Title: ""}, {Title: f.Currency, Right: true}}, [][]string{
		{"pledged", compensation.FormatFen(f.PledgedFen)},
		{"received", compensation.FormatFen(f.ReceivedFen)},
		{"committed", compensation.FormatFen(f.CommittedFen)},
		{"paid", compensation.FormatFen(f.PaidFen)},
		{"remaining", compensation.FormatFen(f.RemainingFen)},
	}); err != nil {
		return err
	}
	fmt.Fprintln(out)
	rows := make([][]string, 0, len(f.Contributors))
	for _, c := range f.Contributors {
		rows = append(rows, []string{c.Name, c.NativeName, c.Role,
			compensation.FormatFen(c.PledgedFen), compensation.FormatFen(c.ReceivedFen)})
	}
	return cmdutil.WriteTable(out, []cmdutil.Column{{Title: "CONTRIBUTOR"}, {Title: "NATIVE"}, {Title: "ROLE"},
		{Title: "PLEDGED", Right: true}, {Title: "RECEIVED", Right: true}}, rows)
}
