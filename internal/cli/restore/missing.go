package restore

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// MissingOptions are `warroom restore missing`'s.
type MissingOptions struct {
	Factory *cmdutil.Factory
	Domain  string
	Limit   int
	JSON    bool
}

// NewCmdMissing parses `warroom restore missing`; runF replaces the run in tests.
func NewCmdMissing(f *cmdutil.Factory, runF func(*MissingOptions) error) *cobra.Command {
	opts := &MissingOptions{Factory: f}
	c := &cobra.Command{
		Use:   "missing --domain D",
		Short: "Merchants still short in a data domain, worst first: the support team's call list",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(opts.Domain) == "" {
				return cmdutil.WithCode(cmdutil.ExitUsage, fmt.Errorf("--domain: name the data domain (orders, products, members...)"))
			}
			if opts.Limit < 1 {
				return cmdutil.WithCode(cmdutil.ExitUsage, fmt.Errorf("--limit %d: want 1 or more", opts.Limit))
			}
			if runF != nil {
				return runF(opts)
			}
			return missingRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Domain, "domain", "", "the data domain (orders, products, members...)")
	c.Flags().IntVar(&opts.Limit, "limit", 50, "at most this many merchants")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func missingRun(cmd *cobra.Command, opts *MissingOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	list, err := recovery.Missing(cmd.Context(), conn, inc.ID, opts.Domain, opts.Limit)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, list)
	}
	if len(list) == 0 {
		fmt.Fprintf(out, "no merchant is short in %s\n", cmdutil.CleanLine(opts.Domain))
		return nil
	}
	loc := inc.Location()
	rows := make([][]string, 0, len(list))
	for _, s := range list {
		rows = append(rows, []string{cmdutil.CleanLine(s.MerchantID), glossary.Count(s.Missing), glossary.Count(s.Restored),
			glossary.Count(s.Expected), strconv.Itoa(recovery.Percent(s.Restored, s.Expected)) + "%",
			s.AsOf.In(loc).Format("2006-01-02 15:04"), cmdutil.CleanLine(s.Name)})
	}
	return cmdutil.WriteTable(out, []cmdutil.Column{{Title: "MERCHANT"}, {Title: "MISSING", Right: true}, {Title: "RESTORED", Right: true},
		{Title: "EXPECTED", Right: true}, {Title: "%", Right: true}, {Title: "AS OF"}, {Title: "NAME"}}, rows)
}
