package milestone

import (
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// LinkOptions are `warroom milestone link`'s.
type LinkOptions struct {
	Factory *cmdutil.Factory
	Key     string
	Domains []string
	None    bool
}

// NewCmdLink parses `warroom milestone link`; runF replaces the run in tests.
func NewCmdLink(f *cmdutil.Factory, runF func(*LinkOptions) error) *cobra.Command {
	opts := &LinkOptions{Factory: f}
	c := &cobra.Command{
		Use:   "link KEY --domain D [--domain D...]",
		Short: "Count a milestone's progress from data domains: restored/expected of those domains",
		Long: `Count a milestone's progress from data domains: restored/expected of those
domains in the latest restore counts snapshot (warroom restore counts import).
The domains given replace the milestone's links; --none unlinks it, and its
typed progress shows again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if opts.None == (len(opts.Domains) > 0) {
				return cmdutil.WithCode(cmdutil.ExitUsage, fmt.Errorf("give --domain at least once, or --none"))
			}
			if runF != nil {
				return runF(opts)
			}
			return linkRun(cmd, opts)
		},
	}
	c.Flags().StringArrayVar(&opts.Domains, "domain", nil, "a data domain (orders, products, members...); repeat for more")
	c.Flags().BoolVar(&opts.None, "none", false, "unlink every domain: typed progress again")
	return c
}

func linkRun(cmd *cobra.Command, opts *LinkOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var linked []string
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
		linked, err = recovery.LinkDomains(ctx, tx, inc.ID, opts.Key, opts.Domains)
		return err
	})
	if err != nil {
		return err
	}
	if len(linked) == 0 {
		fmt.Fprintf(f.Out, "%s: progress is typed again\n", opts.Key)
		return nil
	}
	fmt.Fprintf(f.Out, "%s: progress counted from %s\n", opts.Key, cmdutil.CleanLine(strings.Join(linked, ", ")))
	return nil
}
