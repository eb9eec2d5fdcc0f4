package approvals

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// NewCmdApprove parses `warroom approvals approve`; runF replaces the run in tests.
func NewCmdApprove(f *cmdutil.Factory, runF func(*DecideOptions) error) *cobra.Command {
	opts := &DecideOptions{Factory: f}
	c := &cobra.Command{
		Use:   "approve ID",
		Short: "Approve a request and carry it out (not your own)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := approvalID(args[0])
			if err != nil {
				return err
			}
			opts.ID = id
			if runF != nil {
				return runF(opts)
			}
			return decide(cmd.Context(), opts, func(ctx context.Context, tx *sqlx.Tx) (string, error) {
				a, err := access.GetApproval(ctx, tx, opts.ID)
				if err != nil {
					return "", err
				}
				res, err := compensation.ApproveRequest(ctx, tx, opts.ID, opts.Note)
				// What changed, in words (the result alone is ids).
				return fmt.Sprintf("approved %d (%s): %s", opts.ID, glossary.Operation(string(a.Op)),
					cmdutil.CleanLine(access.Outcome(a.Op, a.Payload, res, a.Subject))), err
			})
		},
	}
	c.Flags().StringVar(&opts.Note, "note", "", "a note kept with the decision")
	return c
}
