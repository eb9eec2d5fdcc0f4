package dbcmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"warroom/demo"
	"warroom/internal/cli/cmdutil"
)

// StartOptions are `warroom db start`'s.
type StartOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdStart parses `warroom db start`; runF replaces the run in tests.
func NewCmdStart(f *cmdutil.Factory, runF func(*StartOptions) error) *cobra.Command {
	opts := &StartOptions{Factory: f}
	return &cobra.Command{
		Use:   "start",
		Short: "Start the embedded server (creating it and the warroom database on first use)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return startRun(cmd, opts)
		},
	}
}

func startRun(cmd *cobra.Command, opts *StartOptions) error {
	ctx, out := cmd.Context(), opts.Factory.Out
	t0 := time.Now()
	srv, created, err := cmdutil.StartEmbedded(ctx)
	if err != nil {
		return err
	}
	took := time.Since(t0).Round(time.Millisecond)
	// The same first-start work as opening the console, so a script
	// can start the server and hand `warroom db url` to consoles.
	src := cmdutil.Source{Embedded: true, Login: demo.ConsoleLogin(), Admin: srv.URL(cmdutil.EmbeddedDatabase)}
	if err := cmdutil.PrepareEmbedded(ctx, src, opts.Factory.ErrOut); err != nil {
		return err
	}
	if created {
		fmt.Fprintf(out, "Created a PostgreSQL %d cluster in %s\n", srv.Version, srv.DataDir)
	}
	sock, _ := srv.Status(ctx)
	fmt.Fprintf(out, "Running on the Unix socket in %s (ready in %v)\n%s\n", sock.Socket, took, cmdutil.EmbeddedURL(srv, ""))
	return nil
}
