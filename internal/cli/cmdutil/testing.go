package cmdutil

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

// ParseOnly runs args on cmd mounted under a bare root (Mount) with no
// database and no output, and returns the exit code its error maps to:
// the command's runF, given in place of its run, receives the options.
func ParseOnly(f *Factory, cmd *cobra.Command, args ...string) (int, error) {
	root := Mount(f, cmd)
	root.SetArgs(append([]string{cmd.Name()}, args...))
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(context.Background())
	return ExitCode(err), err
}
