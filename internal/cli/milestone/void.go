package milestone

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// VoidOptions are `warroom milestone void`'s.
type VoidOptions struct {
	Factory *cmdutil.Factory
	Key     string
	Reason  string
}

// NewCmdVoid parses `warroom milestone void`; runF replaces the run in tests.
func NewCmdVoid(f *cmdutil.Factory, runF func(*VoidOptions) error) *cobra.Command {
	opts := &VoidOptions{Factory: f}
	c := &cobra.Command{
		Use:   "void KEY --reason TEXT",
		Short: "Ask to void a milestone (a second person approves)",
		Long: `Ask to void a restore milestone by its key. The milestone stays until a
second person approves the request (warroom approvals, or the console's
Approvals view), which names it by key and title.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return voidRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Reason, "reason", "", "why (required)")
	return c
}

func voidRun(cmd *cobra.Command, opts *VoidOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var a access.Approval
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		id, err := access.RequestVoidMilestone(ctx, tx, inc.ID, opts.Key, opts.Reason)
		if err != nil {
			return err
		}
		a, err = access.GetApproval(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "approval #%d requested: void milestone %s; a second person approves it\n", a.ID, cmdutil.CleanLine(a.Subject))
	return nil
}
