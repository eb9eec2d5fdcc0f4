package user

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// RevokeOptions are `warroom user revoke`'s.
type RevokeOptions struct {
	Factory *cmdutil.Factory
	Name    string
}

// NewCmdRevoke parses `warroom user revoke`; runF replaces the run in tests.
func NewCmdRevoke(f *cmdutil.Factory, runF func(*RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{Factory: f}
	return &cobra.Command{
		Use:   "revoke NAME",
		Short: "Take a login's roles and access away at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return revokeRun(cmd, opts)
		},
	}
}

func revokeRun(cmd *cobra.Command, opts *RevokeOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = db.Write(ctx, conn, "", func(tx *sqlx.Tx) error {
		return access.RevokeUser(ctx, tx, opts.Name)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "revoked %s\n", opts.Name)
	return nil
}
