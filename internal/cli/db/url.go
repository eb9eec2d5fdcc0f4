package dbcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"warroom/db/pgserver"
	"warroom/internal/cli/cmdutil"
)

// URLOptions are `warroom db url`'s; the login is the root's --as.
type URLOptions struct {
	Factory   *cmdutil.Factory
	Superuser bool
}

// NewCmdURL parses `warroom db url`; runF replaces the run in tests.
func NewCmdURL(f *cmdutil.Factory, runF func(*URLOptions) error) *cobra.Command {
	opts := &URLOptions{Factory: f}
	c := &cobra.Command{
		Use:   "url [--as NAME | --superuser]",
		Short: "Print the URL of the warroom database on the running embedded server",
		Long: `url prints the connection URL of the warroom database in the embedded server,
as a login (the demo's first commander unless --as names another), for psql
or a script: psql "$(warroom db url --as zhou)". It is a Unix socket URL that
only your OS account can use. --superuser prints the superuser's URL, for
maintenance: the console never uses it.
It starts nothing: when the server is not running it fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Superuser && f.As != "" {
				return cmdutil.UsageError("--as and --superuser name different logins: give one of them")
			}
			if runF != nil {
				return runF(opts)
			}
			return urlRun(cmd, opts)
		},
	}
	c.Flags().BoolVar(&opts.Superuser, "superuser", false, "the superuser's URL instead")
	return c
}

func urlRun(cmd *cobra.Command, opts *URLOptions) error {
	srv, err := cmdutil.EmbeddedServer()
	if err != nil {
		return err
	}
	st, err := srv.Status(cmd.Context())
	if err != nil {
		return err
	}
	if !st.Running {
		return fmt.Errorf("%w (data dir %s); run `warroom db start`", pgserver.ErrNotRunning, st.DataDir)
	}
	u := cmdutil.EmbeddedURL(srv, opts.Factory.As)
	if opts.Superuser {
		u = srv.URL(cmdutil.EmbeddedDatabase)
	}
	_, err = fmt.Fprintln(opts.Factory.Out, u)
	return err
}
