// Command warroom-bench measures warroom at scale; it is not part of the
// product binary. `warroom-bench` times the compensation engine (imports,
// claims computation, a rate change, payouts, the fund read) beside
// baselines run in the same process and database; `warroom-bench live`
// times a commit reaching N live consoles beside raw listeners.
//
// Each run writes to an incident of its own, created resolved and dated
// before any real one so that no console ever opens it by default, and
// removes it at the end when the login may (see cleanup.go).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata"

	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
	"warroom/textsafe"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	f := &cmdutil.Factory{Out: textsafe.NewWriter(os.Stdout), ErrOut: textsafe.NewWriter(os.Stderr)}
	root := newCmdBench(f, nil)
	root.AddCommand(newCmdLive(f, nil), newCmdServe(f, nil), newCmdServeServer(), newCmdRestore(f, nil))
	f.BindDB(root)
	cmdutil.MarkArgErrorsAsUsage(root)
	root.SetArgs(os.Args[1:])
	root.SetOut(f.Out)
	root.SetErr(f.ErrOut)
	err := root.ExecuteContext(ctx)
	stop()
	if err != nil {
		cmdutil.PrintError(f.ErrOut, err)
	}
	os.Exit(cmdutil.ExitCode(err))
}

// silence keeps cobra from printing errors and usage itself: main prints
// the error once, sanitised.
func silence(c *cobra.Command) *cobra.Command {
	c.SilenceErrors, c.SilenceUsage = true, true
	return c
}
