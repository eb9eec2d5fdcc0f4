package dbcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// StopOptions are `warroom db stop`'s.
type StopOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdStop parses `warroom db stop`; runF replaces the run in tests.
func NewCmdStop(f *cmdutil.Factory, runF func(*StopOptions) error) *cobra.Command {
	opts := &StopOptions{Factory: f}
	return &cobra.Command{
		Use:   "stop",
		Short: "Stop the embedded server (open consoles lose their connection)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return stopRun(cmd, opts)
		},
	}
}

func stopRun(cmd *cobra.Command, opts *StopOptions) error {
	srv, err := cmdutil.EmbeddedServer()
	if err != nil {
		return err
	}
	st, err := srv.Status(cmd.Context())
	if err != nil {
		return err
	}
	if !st.Running {
		fmt.Fprintln(opts.Factory.Out, "Not running")
		return nil
	}
	if err := srv.Stop(cmd.Context()); err != nil {
		return err
	}
	fmt.Fprintln(opts.Factory.Out, "Stopped")
	return nil
}
