package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"warroom/db/pgserver"
	"warroom/demo"
)

func newDBCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "db",
		Short: "Manage the embedded PostgreSQL server",
		Long: `With no --db, DATABASE_URL or PG* variables, warroom runs its own PostgreSQL
server in $WARROOM_DATA_DIR, else $XDG_DATA_HOME/warroom (~/.local/share/warroom),
else, as root when that is out of reach of the server's account, /var/lib/warroom.
It uses the PostgreSQL binaries on this machine (15 or newer), listens on no
TCP port, only on a Unix socket in a 0700 directory of your account (so other
OS users cannot reach it), and keeps running between commands so several
consoles of yours share it. A war room of several people uses a shared
server instead (see README.md).`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(newDBStartCmd(), newDBStopCmd(), newDBStatusCmd(), newDBURLCmd())
	return c
}

// embeddedServer describes the embedded server without starting it.
func embeddedServer() (*pgserver.Server, error) {
	dir, err := pgserver.DefaultDataDir()
	if err != nil {
		return nil, err
	}
	return pgserver.New(dir)
}

func newDBStartCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "start",
		Short: "Start the embedded server (creating it and the warroom database on first use)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			t0 := time.Now()
			srv, created, err := startEmbedded(ctx)
			if err != nil {
				return err
			}
			took := time.Since(t0).Round(time.Millisecond)
			// The same first-start work as opening the console, so a script
			// can start the server and hand `warroom db url` to consoles.
			src := dbSource{embedded: true, login: demo.ConsoleLogin(), admin: srv.URL(embeddedDatabase)}
			if err := prepareEmbedded(ctx, src, cmd.ErrOrStderr()); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if created {
				fmt.Fprintf(out, "Created a PostgreSQL %d cluster in %s\n", srv.Version, srv.DataDir)
			}
			sock, _ := srv.Status(ctx)
			fmt.Fprintf(out, "Running on the Unix socket in %s (ready in %v)\n%s\n", sock.Socket, took, embeddedURL(srv, ""))
			return nil
		},
	}
}

func newDBStopCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "stop",
		Short: "Stop the embedded server (open consoles lose their connection)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := embeddedServer()
			if err != nil {
				return err
			}
			st, err := srv.Status(cmd.Context())
			if err != nil {
				return err
			}
			if !st.Running {
				fmt.Fprintln(cmd.OutOrStdout(), "Not running")
				return nil
			}
			if err := srv.Stop(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Stopped")
			return nil
		},
	}
}

// dbStatus is `warroom db status --json`.
type dbStatus struct {
	pgserver.Status
	URL string `json:"url,omitempty"` // of the warroom database, when running
}

func newDBStatusCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Show whether the embedded server runs, where, and on which port",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := embeddedServer()
			if err != nil {
				return err
			}
			st, err := srv.Status(cmd.Context())
			if err != nil {
				return err
			}
			s := dbStatus{Status: st}
			if st.Running {
				s.URL = embeddedURL(srv, "")
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, s)
			}
			state := "stopped"
			switch {
			case st.Running:
				state = fmt.Sprintf("running (pid %d)", st.PID)
			case !st.Initialized:
				state = "not created yet (`warroom db start` creates it)"
			}
			rows := [][]string{
				{"state", state},
				{"port", portText(st.Port)},
			}
			if st.Socket != "" {
				rows = append(rows, []string{"socket", st.Socket + " (no TCP)"})
			}
			if s.URL != "" {
				rows = append(rows, []string{"url", s.URL})
			}
			rows = append(rows,
				[]string{"data dir", st.DataDir},
				[]string{"binaries", fmt.Sprintf("%s (PostgreSQL %d)", st.BinDir, st.Version)},
				[]string{"log", st.LogFile})
			if st.RunAs != "" {
				rows = append(rows, []string{"runs as", st.RunAs})
			}
			for _, r := range rows {
				if _, err := fmt.Fprintf(out, "%-9s %s\n", r[0], r[1]); err != nil {
					return err
				}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return c
}

func portText(p int) string {
	if p == 0 {
		return "-"
	}
	return fmt.Sprint(p)
}

func newDBURLCmd() *cobra.Command {
	var (
		as    string
		super bool
	)
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
			srv, err := embeddedServer()
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
			u := embeddedURL(srv, as)
			if super {
				u = srv.URL(embeddedDatabase)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), u)
			return err
		},
	}
	c.Flags().StringVar(&as, "as", "", "the login `name` (default: the demo's first commander)")
	c.Flags().BoolVar(&super, "superuser", false, "the superuser's URL instead")
	c.MarkFlagsMutuallyExclusive("as", "superuser")
	return c
}
