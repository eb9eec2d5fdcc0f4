// Command warroom is a terminal console for incident response: the
// timeline, restore progress, accountability and compensation fund of an
// incident, shared live through one PostgreSQL database.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"warroom/incident"
	"warroom/tui"
)

// Exit codes scripts can rely on.
const (
	exitOK    = 0
	exitError = 1 // anything else: connection, bad input, server refusal
	exitUsage = 2 // unknown command or flag
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "warroom:", err)
	var coded *codedError
	if errors.As(err, &coded) {
		return coded.code
	}
	return exitError
}

// codedError carries a specific exit code up to run.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "warroom",
		Short: "A shared terminal war room for incident response",
		Long: `warroom shows an incident's timeline, restore progress, accountability and
compensation fund, read live from one PostgreSQL database.

The database is --db, else DATABASE_URL, else the PG* variables (PGHOST,
PGDATABASE, ...), else a private PostgreSQL server that warroom starts in your
data directory and loads with the demo incident on first start.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          runConsole,
	}
	root.PersistentFlags().String("db", "", "PostgreSQL URL or key=value string (default: $DATABASE_URL, PG* variables, or the embedded server)")
	root.PersistentFlags().String("incident", "", "incident `slug` (default: the most recent open incident, else the most recent)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &codedError{code: exitUsage, err: err}
	})
	root.AddCommand(newFundCmd(), newTimelineCmd(), newMilestonesCmd(),
		newDBCmd(), newDemoCmd())
	return root
}

func runConsole(cmd *cobra.Command, _ []string) error {
	conn, err := openDB(cmd)
	if err != nil {
		return err
	}
	defer conn.Close()
	slug := incidentFlag(cmd)
	// Fail in plain text before the screen switches, so a typo in --incident
	// or an empty database reads like any other CLI error.
	if _, err := incident.Resolve(cmd.Context(), conn, slug); err != nil {
		return err
	}
	return tui.Run(cmd.Context(), conn, tui.Options{IncidentSlug: slug})
}

func incidentFlag(cmd *cobra.Command) string {
	if f := cmd.Flag("incident"); f != nil {
		return f.Value.String()
	}
	return ""
}
