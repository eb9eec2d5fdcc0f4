package user

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// AddOptions are `warroom user add`'s.
type AddOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Role    string
}

// NewCmdAdd parses `warroom user add`; runF replaces the run in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Factory: f}
	c := &cobra.Command{
		Use:   "add NAME --role ROLE",
		Short: "Create a login; its password is printed once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if opts.Role == "" {
				return cmdutil.UsageError("--role is required (commander, engineer, finance or viewer)")
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Role, "role", "", "commander, engineer, finance or viewer")
	return c
}

func addRun(cmd *cobra.Command, opts *AddOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var pw string
	var req int64
	err = db.Write(ctx, conn, "", func(tx *sqlx.Tx) error {
		pw, req, err = access.AddUser(ctx, tx, opts.Name, opts.Role)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "created login %s\npassword (shown only now): %s\n", opts.Name, pw)
	if req != 0 {
		fmt.Fprintf(f.Out, "role %s awaits a second commander: warroom approvals approve %d\n", opts.Role, req)
	} else {
		fmt.Fprintf(f.Out, "role %s granted\n", opts.Role)
	}
	return nil
}
