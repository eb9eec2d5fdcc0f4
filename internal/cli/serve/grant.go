package serve

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// GrantOptions are `warroom serve grant`'s and `warroom serve revoke`'s.
type GrantOptions struct {
	Factory       *cmdutil.Factory
	Name          string
	Authenticator string
	Revoke        bool
}

// NewCmdGrant parses `warroom serve grant NAME`; runF replaces the run in
// tests.
func NewCmdGrant(f *cmdutil.Factory, runF func(*GrantOptions) error) *cobra.Command {
	return newCmdGrant(f, runF, false)
}

// NewCmdRevoke parses `warroom serve revoke NAME`.
func NewCmdRevoke(f *cmdutil.Factory, runF func(*GrantOptions) error) *cobra.Command {
	return newCmdGrant(f, runF, true)
}

func newCmdGrant(f *cmdutil.Factory, runF func(*GrantOptions) error, revoke bool) *cobra.Command {
	opts := &GrantOptions{Factory: f, Revoke: revoke}
	c := &cobra.Command{
		Use:   "grant NAME [--authenticator LOGIN]",
		Short: "Let the console server act for a person added later (commanders)",
		Long: `Let the console server's authenticator login act for NAME, an active warroom
user added after the server was set up, so NAME's key can open the console
over SSH (the key still has to be in --authorized-keys). Commanders only; the
database refuses anyone else, and anything but an active user with a login.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return grantRun(cmd, opts)
		},
	}
	if revoke {
		c.Use = "revoke NAME [--authenticator LOGIN]"
		c.Short = "Stop the console server acting for a person (commanders)"
		c.Long = `Stop the console server's authenticator login acting for NAME: NAME's next
SSH login is refused, whatever --authorized-keys says; a session already open
runs until it ends. Commanders only. (warroom user revoke takes all of NAME's
access away, this included.)`
	}
	c.Flags().StringVar(&opts.Authenticator, "authenticator", EmbeddedAuthenticator, "the `login` warroom serve connects as")
	return c
}

func grantRun(cmd *cobra.Command, opts *GrantOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var changed bool
	err = db.Write(ctx, conn, "", func(tx *sqlx.Tx) error {
		if opts.Revoke {
			changed, err = access.ServeRevoke(ctx, tx, opts.Name, opts.Authenticator)
		} else {
			changed, err = access.ServeGrant(ctx, tx, opts.Name, opts.Authenticator)
		}
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case opts.Revoke && changed:
		fmt.Fprintf(f.Out, "%s no longer serves %s: their next SSH login is refused\n", opts.Authenticator, opts.Name)
	case opts.Revoke:
		fmt.Fprintf(f.Out, "%s did not serve %s: nothing to revoke\n", opts.Authenticator, opts.Name)
	case changed:
		fmt.Fprintf(f.Out, "%s now serves %s: add their key to the authorized-keys file, followed by %s\n", opts.Authenticator, opts.Name, opts.Name)
	default:
		fmt.Fprintf(f.Out, "%s already serves %s\n", opts.Authenticator, opts.Name)
	}
	return nil
}
