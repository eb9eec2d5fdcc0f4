package root

import (
	"errors"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
	"warroom/tui"
)

// ConsoleOptions are `warroom` with no command: the console.
type ConsoleOptions struct {
	Factory *cmdutil.Factory
}

func newCmdConsole(f *cmdutil.Factory, runF func(*ConsoleOptions) error) *cobra.Command {
	opts := &ConsoleOptions{Factory: f}
	return &cobra.Command{
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return consoleRun(cmd, opts)
		},
	}
}

func consoleRun(cmd *cobra.Command, opts *ConsoleOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, src, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Fail in plain text before the screen switches, so a typo in --incident
	// or an empty database reads like any other CLI error.
	if _, err := incident.Resolve(ctx, conn, f.Incident); err != nil {
		return err
	}
	// Without a terminal Bubble Tea fails with "error opening TTY"; say
	// what to do instead.
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return cmdutil.WithCode(cmdutil.ExitUsage, errors.New(
			"the console needs a terminal on stdin and stdout; scripts use the subcommands (`warroom --help` lists them, each with --json)"))
	}
	me, err := access.WhoAmI(ctx, conn)
	if err != nil {
		return err
	}
	// The live feed listens on a connection of its own to the same database.
	return tui.Run(ctx, conn, tui.Options{IncidentSlug: f.Incident, DSN: src.URL, Actor: f.As, ReadOnly: viewerOnly(me)})
}

// viewerOnly: a login whose only warroom role is viewer gets the console a
// viewer gets over SSH, with no write key offered; the database refuses
// its writes either way. A login with no warroom role (a schema owner, a
// superuser) is left to the database.
func viewerOnly(me access.Me) bool {
	return !me.Superuser && len(me.Roles) == 1 && me.Roles[0] == access.Viewer
}
