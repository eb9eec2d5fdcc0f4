// Package fund is `warroom fund`.
package fund

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
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
		Short: "The compensation fund: pledged, received, committed, paid, remaining, cash on hand",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return fundRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	c.AddCommand(NewCmdOpen(f, nil), NewCmdSet(f, nil), NewCmdPledge(f, nil), NewCmdReceive(f, nil))
	return c
}

func fundRun(cmd *cobra.Command, opts *FundOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	out := opts.Factory.Out
	f, err := compensation.LoadFund(cmd.Context(), conn, inc.ID, inc.Slug)
	if db.IsNotFound(err) {
		// Not an error: a new incident has no fund until a commander opens one.
		reason := fmt.Sprintf("incident %s has no compensation fund yet", inc.Slug)
		if opts.JSON {
			return cmdutil.WriteJSON(out, map[string]any{"fund": nil, "reason": reason})
		}
		fmt.Fprintf(out, "%s; a commander opens one with: warroom fund open --baseline-start T --baseline-end T --outage-start T --threshold AMOUNT\n", reason)
		return nil
	}
	if err != nil {
		return err
	}
	terms, err := compensation.LoadTerms(cmd.Context(), conn, inc.ID)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(out, struct {
			compensation.Fund
			Terms compensation.Terms `json:"terms"`
		}{f, terms})
	}
	fmt.Fprintf(out, "Fund of %s in %s, %s\n\n", inc.Slug, f.Currency, glossary.TimesIn(inc.Location(), time.Now()))
	writeTerms(out, terms, inc.Location())
	writeInKind(out, f)
	fmt.Fprintln(out)
	if err := cmdutil.WriteTable(out, []cmdutil.Column{{Title: ""}, {Title: f.Currency, Right: true}}, [][]string{
		{"pledged", compensation.FormatFen(f.PledgedFen)},
		{"received", compensation.FormatFen(f.ReceivedFen)},
		{"committed", compensation.FormatFen(f.CommittedFen)},
		{"paid", compensation.FormatFen(f.PaidFen)},
		{"remaining", compensation.FormatFen(f.RemainingFen)},
		{"cash on hand", compensation.FormatFen(f.CashOnHandFen)},
	}); err != nil {
		return err
	}
	if w := f.CashWarning(); w != "" {
		fmt.Fprintf(out, "warning: %s\n", w)
	}
	fmt.Fprintln(out)
	rows := make([][]string, 0, len(f.Contributors))
	for _, c := range f.Contributors {
		rows = append(rows, []string{c.Name, c.NativeName, c.Role,
			compensation.FormatFen(c.PledgedFen), compensation.FormatFen(c.ReceivedFen), c.PledgeNote})
	}
	return cmdutil.WriteTable(out, []cmdutil.Column{{Title: "CONTRIBUTOR"}, {Title: "NATIVE"}, {Title: "ROLE"},
		{Title: "PLEDGED", Right: true}, {Title: "RECEIVED", Right: true}, {Title: "PLEDGE NOTE"}}, rows)
}

// writeInKind prints what one in-kind plan costs the fund, whether that
// value is an assumption (no source named who valued it), and what the
// plan gives a merchant.
func writeInKind(out io.Writer, f compensation.Fund) {
	basis := "an assumption: no source valued the plan"
	if !f.InKindValueAssumed {
		basis = "valued by " + cmdutil.CleanLine(f.InKindValueSource)
	}
	plan := glossary.Plan(compensation.PlanTraffic)
	fmt.Fprintf(out, "each claim on the %s plan costs %s (%s)\n", plan, compensation.FormatFen(f.InKindValueFen), basis)
	if f.InKindPlan != "" {
		fmt.Fprintf(out, "the %s plan: %s\n", plan, cmdutil.CleanLine(f.InKindPlan))
	}
}

// writeTerms prints the windows and the thresholds, times in the
// incident's zone.
func writeTerms(out io.Writer, t compensation.Terms, loc *time.Location) {
	when := func(p *time.Time) string {
		if p == nil {
			return "not set"
		}
		return cmdutil.FormatWhen(*p, "minute", loc)
	}
	end := when(t.OutageEnd)
	if t.OutageEndFollows {
		if t.OutageEnd == nil {
			end = "when the incident is resolved"
		} else {
			end += " (the resolution)"
		}
	}
	fmt.Fprintf(out, "baseline  %s to %s\n", when(t.BaselineStart), when(t.BaselineEnd))
	fmt.Fprintf(out, "outage    %s to %s\n", when(t.OutageStart), end)
	fmt.Fprintf(out, "payouts above %s need a second person\n", compensation.FormatFen(t.ThresholdFen))
}
