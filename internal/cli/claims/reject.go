package claims

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/internal/cli/cmdutil"
)

// RejectOptions are `warroom claims reject`'s.
type RejectOptions struct {
	Factory  *cmdutil.Factory
	Merchant string
}

// NewCmdReject parses `warroom claims reject`; runF replaces the run in tests.
func NewCmdReject(f *cmdutil.Factory, runF func(*RejectOptions) error) *cobra.Command {
	opts := &RejectOptions{Factory: f}
	return &cobra.Command{
		Use:   "reject MERCHANT_ID",
		Short: "Reject a claim before approval",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Merchant = args[0]
			if runF != nil {
				return runF(opts)
			}
			return writeClaim(cmd.Context(), f, func(ctx context.Context, tx *sqlx.Tx, inc int64) (string, error) {
				_, err := compensation.Reject(ctx, tx, inc, opts.Merchant)
				return opts.Merchant + " rejected", err
			})
		},
	}
}
