package claims

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// ChangePlanOptions are `warroom claims change-plan`'s.
type ChangePlanOptions struct {
	Factory  *cmdutil.Factory
	Merchant string
	Plan     string
	Reason   string
}

// NewCmdChangePlan parses `warroom claims change-plan`; runF replaces the run in tests.
func NewCmdChangePlan(f *cmdutil.Factory, runF func(*ChangePlanOptions) error) *cobra.Command {
	opts := &ChangePlanOptions{Factory: f}
	c := &cobra.Command{
		Use:   "change-plan MERCHANT_ID cash|traffic --reason TEXT",
		Short: "Change a made choice (commanders), with a reason kept in its history",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Merchant, opts.Plan = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return writeClaim(cmd.Context(), f, func(ctx context.Context, tx *sqlx.Tx, inc int64) (string, error) {
				c, err := compensation.ChangePlan(ctx, tx, inc, opts.Merchant, opts.Plan, opts.Reason)
				return fmt.Sprintf("%s now has plan %s: costs the fund %s", opts.Merchant, glossary.Plan(c.PlanText), compensation.FormatFen(c.Amount)), err
			})
		},
	}
	c.Flags().StringVar(&opts.Reason, "reason", "", "why the plan changes (kept in its history)")
	return c
}
