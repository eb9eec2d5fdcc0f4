// Command warroom is a terminal console for incident response: the
// timeline, restore progress, accountability and compensation fund of an
// incident, shared live through one PostgreSQL database.
//
// The commands live in internal/cli/<noun>, one file per command; the
// root command is internal/cli/root.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // incident time zones render right on machines without a zoneinfo database

	"warroom/internal/cli/root"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code (the
// codes are listed in internal/cli/cmdutil/exit.go and the README).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return root.Run(ctx, args, stdout, stderr)
}
