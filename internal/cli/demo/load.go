package democmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/demo"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// LoadOptions are `warroom demo load`'s.
type LoadOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdLoad parses `warroom demo load`; runF replaces the run in tests.
func NewCmdLoad(f *cmdutil.Factory, runF func(*LoadOptions) error) *cobra.Command {
	opts := &LoadOptions{Factory: f}
	c := &cobra.Command{
		Use:   "load",
		Short: "Load the demo incident, its fund and a synthetic merchant population",
		Long: `Load writes the demo incident, its timeline, restore plan, accountability,
compensation fund and a few thousand synthetic merchants with claims and
payouts, in one transaction. It refuses when the incident is already there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return loadRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func loadRun(cmd *cobra.Command, opts *LoadOptions) error {
	conn, err := opts.Factory.OpenAdmin(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	s, err := demo.Load(cmd.Context(), conn)
	if errors.Is(err, demo.ErrAlreadyLoaded) {
		return fmt.Errorf("%w; nothing changed (open it with `warroom --incident %s`)", err, demo.Slug())
	}
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, s)
	}
	fmt.Fprintf(out, "Loaded demo incident %s\n\n", s.Slug)
	return cmdutil.WriteTable(out, []cmdutil.Column{{Title: "LOADED"}, {Title: "", Right: true}}, [][]string{
		{"timeline entries", glossary.Count(s.Entries)},
		{"milestones", glossary.Count(s.Milestones) + " (" + glossary.Plural(s.Updates, "update", "updates") + ")"},
		{"people", glossary.Count(s.People) + " (" + glossary.Plural(s.Findings, "finding", "findings") + ")"},
		{"remediation measures", glossary.Count(s.Measures) + " (" + glossary.Plural(s.ActionItems, "action item", "action items") + ")"},
		{"contributors", glossary.Count(s.Contributors) + " (" + glossary.Plural(s.Contributions, "receipt", "receipts") + ")"},
		{"merchants", glossary.Count(s.Merchants)},
		{"claims", glossary.Count(s.Claims)},
		{"payouts", glossary.Count(s.Payouts) + " (" + glossary.Count(s.ApprovedPayouts) + " approved by a second person)"},
		{"pledged", compensation.FormatFen(s.PledgedFen)},
		{"received", compensation.FormatFen(s.ReceivedFen)},
		{"paid", compensation.FormatFen(s.PaidFen)},
	})
}
