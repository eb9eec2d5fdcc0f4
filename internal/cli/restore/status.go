package restore

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// StatusOptions are `warroom restore status`'s.
type StatusOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdStatus parses `warroom restore status`; runF replaces the run in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{Factory: f}
	c := &cobra.Command{
		Use:   "status",
		Short: "Totals per data domain and the merchants with all their data back, as of the latest snapshot",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func statusRun(cmd *cobra.Command, opts *StatusOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	st, err := recovery.Status(cmd.Context(), conn, inc.ID)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, st)
	}
	if st.Snapshot == nil {
		fmt.Fprintln(out, "no restore counts yet: import a snapshot with `warroom restore counts import FILE.csv`")
		return nil
	}
	loc := inc.Location()
	s := st.Snapshot
	fmt.Fprintf(out, "Restore counts of %s as of %s (snapshot %d, %s)\n", inc.Slug, s.TakenAt.In(loc).Format("2006-01-02 15:04"),
		s.ID, cmdutil.CleanLine(s.File))
	fmt.Fprintf(out, "merchants with all their data back: %s of %s\n\n", glossary.Count(s.MerchantsComplete), glossary.Count(s.Merchants))
	rows := make([][]string, 0, len(st.Domains))
	for _, d := range st.Domains {
		rows = append(rows, []string{d.Domain, strconv.Itoa(d.Percent()) + "%", glossary.Count(d.Restored),
			glossary.Count(d.Expected), glossary.Count(d.Short)})
	}
	for i := range rows {
		rows[i][0] = cmdutil.CleanLine(rows[i][0])
	}
	return cmdutil.WriteTable(out, []cmdutil.Column{{Title: "DOMAIN"}, {Title: "RESTORED", Right: true}, {Title: "ROWS BACK", Right: true},
		{Title: "EXPECTED", Right: true}, {Title: "MERCHANTS SHORT", Right: true}}, rows)
}
