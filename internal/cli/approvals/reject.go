package approvals

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/internal/cli/cmdutil"
)

// NewCmdReject parses `warroom approvals reject`; runF replaces the run in tests.
func NewCmdReject(f *cmdutil.Factory, runF func(*DecideOptions) error) *cobra.Command {
	opts := &DecideOptions{Factory: f}
	c := &cobra.Command{
		Use:   "reject ID",
		Short: "Reject a request (or withdraw your own)",
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
				return fmt.Sprintf("rejected %d", opts.ID), access.Reject(ctx, tx, opts.ID, opts.Note)
			})
		},
	}
	c.Flags().StringVar(&opts.Note, "note", "", "a note kept with the decision")
	return c
}
