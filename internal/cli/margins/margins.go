// Package margins is `warroom margins` and `warroom margins set`.
package margins

import (
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/internal/cli/cmdutil"
)

// ListOptions are `warroom margins`'s.
type ListOptions struct {
	Factory *cmdutil.Factory
	History bool
	JSON    bool
}

// NewCmdMargins is `warroom margins`, with `set` under it.
func NewCmdMargins(f *cmdutil.Factory) *cobra.Command {
	c := NewCmdList(f, nil)
	c.AddCommand(NewCmdSet(f, nil))
	return c
}

// NewCmdList parses `warroom margins`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	c := &cobra.Command{
		Use:   "margins",
		Short: "Industry margin rates in force (--history: every version)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd, opts)
		},
	}
	c.Flags().BoolVar(&opts.History, "history", false, "every version, not only the rates in force")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func listRun(cmd *cobra.Command, opts *ListOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	rates, err := compensation.Rates(cmd.Context(), conn, inc.ID, opts.History)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		if rates == nil {
			rates = []compensation.Rate{}
		}
		return cmdutil.WriteJSON(out, rates)
	}
	rows := make([][]string, 0, len(rates))
	for _, r := range rates {
		rows = append(rows, []string{r.Industry, compensation.TrimDecimal(r.Percent) + "%", r.SetAt.In(inc.Location()).Format("2006-01-02 15:04 MST"), r.SetBy, r.Source})
	}
	return cmdutil.WriteTableOr(out, []cmdutil.Column{{Title: "INDUSTRY"}, {Title: "RATE", Right: true}, {Title: "SET"}, {Title: "BY"}, {Title: "SOURCE"}}, rows,
		"No margin rates yet: set one with `warroom margins set INDUSTRY PERCENT --source TEXT`.")
}
