package user

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// RoleOptions are `warroom user role`'s.
type RoleOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Role    string
	Reason  string
}

// NewCmdRole parses `warroom user role`; runF replaces the run in tests.
func NewCmdRole(f *cmdutil.Factory, runF func(*RoleOptions) error) *cobra.Command {
	opts := &RoleOptions{Factory: f}
	c := &cobra.Command{
		Use:   "role NAME ROLE --reason TEXT",
		Short: "Request a role change (a second commander approves it)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name, opts.Role = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return roleRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Reason, "reason", "", "why (required)")
	return c
}

func roleRun(cmd *cobra.Command, opts *RoleOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var id int64
	err = db.Write(ctx, conn, "", func(tx *sqlx.Tx) error {
		id, err = access.RequestRole(ctx, tx, opts.Name, opts.Role, opts.Reason)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "requested: approval %d\n", id)
	return nil
}
