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

// ChooseOptions are `warroom claims choose`'s.
type ChooseOptions struct {
	Factory  *cmdutil.Factory
	Merchant string
	Plan     string
}

// NewCmdChoose parses `warroom claims choose`; runF replaces the run in tests.
func NewCmdChoose(f *cmdutil.Factory, runF func(*ChooseOptions) error) *cobra.Command {
	opts := &ChooseOptions{Factory: f}
	return &cobra.Command{
		Use:   "choose MERCHANT_ID cash|traffic",
		Short: "Record the merchant's one choice of plan",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Merchant, opts.Plan = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return writeClaim(cmd.Context(), f, func(ctx context.Context, tx *sqlx.Tx, inc int64) (string, error) {
				c, err := compensation.Choose(ctx, tx, inc, opts.Merchant, opts.Plan)
				return fmt.Sprintf("%s chose %s: costs the fund %s", opts.Merchant, glossary.Plan(c.PlanText), compensation.FormatFen(c.Amount)), err
			})
		},
	}
}
