package claims

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/internal/cli/cmdutil"
)

// ApproveOptions are `warroom claims approve`'s.
type ApproveOptions struct {
	Factory  *cmdutil.Factory
	Merchant string
}

// NewCmdApprove parses `warroom claims approve`; runF replaces the run in tests.
func NewCmdApprove(f *cmdutil.Factory, runF func(*ApproveOptions) error) *cobra.Command {
	opts := &ApproveOptions{Factory: f}
	return &cobra.Command{
		Use:   "approve MERCHANT_ID",
		Short: "Approve a chosen claim (refused if the fund cannot cover it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Merchant = args[0]
			if runF != nil {
				return runF(opts)
			}
			return writeClaim(cmd.Context(), f, func(ctx context.Context, tx *sqlx.Tx, inc int64) (string, error) {
				c, err := compensation.Approve(ctx, tx, inc, opts.Merchant)
				return fmt.Sprintf("%s approved: %s committed", opts.Merchant, compensation.FormatFen(c.Amount)), err
			})
		},
	}
}
