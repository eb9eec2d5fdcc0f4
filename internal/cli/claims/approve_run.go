package claims

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// ApproveRunOptions are `warroom claims approve-run`'s.
type ApproveRunOptions struct {
	Factory *cmdutil.Factory
	RunFlags
}

// NewCmdApproveRun parses `warroom claims approve-run`; runF replaces the run in tests.
func NewCmdApproveRun(f *cmdutil.Factory, runF func(*ApproveRunOptions) error) *cobra.Command {
	opts := &ApproveRunOptions{Factory: f}
	c := &cobra.Command{
		Use:   "approve-run [--limit N] [--bulk] [--json]",
		Short: "Approve chosen claims, oldest choice first, until the fund cannot cover the next",
		Long: `Approve chosen claims one at a time, as 'warroom claims approve' does, each
in its own transaction, oldest choice first. The database refuses an approval the fund
cannot cover (constraint fund_not_overdrawn): the run reports it and stops.
--bulk approves 20,000 claims per transaction, oldest choice first (then
import order), as many as the fund covers, and stops at the first claim in
line it cannot cover.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return approveRunRun(cmd.Context(), opts)
		},
	}
	opts.add(c)
	return c
}

func approveRunRun(ctx context.Context, opts *ApproveRunOptions) error {
	r, err := openRun(ctx, opts.Factory, &opts.RunFlags, "approve-run", "approved", "chosen")
	if err != nil {
		return err
	}
	defer r.conn.Close()
	if opts.Bulk {
		s, err := r.runBulk(ctx, func(ctx context.Context, tx db.Querier, after compensation.BulkCursor, limit int) (compensation.BulkStep, error) {
			return compensation.ApproveBatch(ctx, tx, r.inc.ID, after, limit)
		})
		return r.finish(ctx, s, err)
	}
	r.act = func(ctx context.Context, tx *sqlx.Tx, c compensation.RunCandidate) (runStep, error) {
		cl, err := compensation.Approve(ctx, tx, r.inc.ID, c.Merchant)
		return runStep{Merchant: c.Merchant, Fen: cl.Amount, Outcome: "approved"}, err
	}
	s, err := r.run(ctx)
	return r.finish(ctx, s, err)
}
