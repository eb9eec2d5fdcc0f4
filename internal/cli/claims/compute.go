package claims

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// ComputeOptions are `warroom claims compute`'s.
type ComputeOptions struct {
	Factory  *cmdutil.Factory
	Industry string
	JSON     bool
}

// NewCmdCompute parses `warroom claims compute`; runF replaces the run in tests.
func NewCmdCompute(f *cmdutil.Factory, runF func(*ComputeOptions) error) *cobra.Command {
	opts := &ComputeOptions{Factory: f}
	c := &cobra.Command{
		Use:   "compute [--industry NAME]",
		Short: "Compute every merchant's cash compensation (or one industry's)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return computeRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Industry, "industry", "", "only this industry")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func computeRun(cmd *cobra.Command, opts *ComputeOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var res compensation.Computed
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
		res, err = compensation.ComputeClaims(ctx, tx, inc.ID, opts.Industry)
		return err
	})
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(f.Out, res)
	}
	fmt.Fprintf(f.Out, "%s written (%s awaiting a margin rate); their cash %s\n",
		glossary.Plural(res.Written, "claim", "claims"), glossary.Count(res.Awaiting), compensation.FormatFen(res.CashFen))
	return nil
}
