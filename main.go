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
	_ "time/tzdata" // incident time zones render right on machines without a zoneinfo database

	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/incident"
	"warroom/textsafe"
	"warroom/tui"
)

// Exit codes scripts can rely on (listed in the README).
const (
	exitOK       = 0
	exitError    = 1 // anything not listed below
	exitUsage    = 2 // unknown command, flag or argument
	exitInvalid  = 3 // bad input: nothing was written
	exitConflict = 4 // someone else changed it first: nothing was written
	exitNotFound = 5 // no such incident, milestone or entry
	// 6 is `warroom audit verify` finding a broken chain (cmd_audit.go).
	exitPendingApproval = 7 // high-risk: filed for a second person's approval, not done yet
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
// Everything it prints passes through textsafe.Writer: messages quote
// database and file text, and none of it may reach the terminal as an
// escape sequence.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	stdout, stderr = textsafe.NewWriter(stdout), textsafe.NewWriter(stderr)
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	printError(stderr, err)
	return exitCode(err)
}

// printError prints a command's error. Errors quote what they refused (a
// CSV field, an approval's payload, a database message), so the text is
// sanitised like any other from the database: newlines kept, escape
// sequences, controls and bidi overrides removed.
func printError(w io.Writer, err error) {
	fmt.Fprintln(w, "warroom: "+textsafe.Sanitize(err.Error()))
}

func exitCode(err error) int {
	var coded *codedError
	switch {
	case errors.As(err, &coded):
		return coded.code
	case errors.Is(err, db.ErrConflict):
		return exitConflict
	case errors.Is(err, db.ErrInvalidInput), errors.Is(err, db.ErrCheckViolation), errors.Is(err, db.ErrNotNull):
		return exitInvalid
	case errors.Is(err, db.ErrNotFound):
		return exitNotFound
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
	root.Flags().String("as", "", "connect as login `name` (embedded database only; default: the demo's first commander)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &codedError{code: exitUsage, err: err}
	})
	root.AddCommand(newFundCmd(), newTimelineCmd(), newMilestonesCmd(), newMilestoneCmd(),
		newDBCmd(), newDemoCmd(), newMerchantsCmd(), newSalesCmd(), newMarginsCmd(), newClaimsCmd(), newMerchantCmd(), benchCmd(),
		newUserCmd(), newApprovalsCmd(), newAuditCmd(), newInitCmd())
	markArgErrorsAsUsage(root)
	return root
}

// benchCmd is `warroom bench` (the compensation engine at scale) with
// `warroom bench live` (change propagation to consoles) under it.
func benchCmd() *cobra.Command {
	b := newBenchCmd()
	b.AddCommand(newBenchLiveCmd())
	return b
}

// markArgErrorsAsUsage makes a wrong number of arguments exit with
// exitUsage, like an unknown flag, on every command in the tree.
func markArgErrorsAsUsage(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &codedError{code: exitUsage, err: err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markArgErrorsAsUsage(sub)
	}
}

func runConsole(cmd *cobra.Command, _ []string) error {
	conn, src, err := openDBSource(cmd)
	if err != nil {
		return err
	}
	defer conn.Close()
	as, _ := cmd.Flags().GetString("as")
	if err := checkActor(as, src); err != nil {
		return err
	}
	slug := incidentFlag(cmd)
	// Fail in plain text before the screen switches, so a typo in --incident
	// or an empty database reads like any other CLI error.
	if _, err := incident.Resolve(cmd.Context(), conn, slug); err != nil {
		return err
	}
	// The live feed listens on a connection of its own to the same database.
	return tui.Run(cmd.Context(), conn, tui.Options{IncidentSlug: slug, DSN: src.url, Actor: as})
}

func incidentFlag(cmd *cobra.Command) string {
	if f := cmd.Flag("incident"); f != nil {
		return f.Value.String()
	}
	return ""
}
