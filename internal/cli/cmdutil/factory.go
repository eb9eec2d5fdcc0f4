// Package cmdutil is what every warroom command shares: the Factory (IO
// streams and the way to the database), exit codes, and output helpers.
package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"warroom/incident"
)

// Factory is built once by the root command and handed to every command.
// The connection flags are declared once, on the root (Bind), and land
// here; commands never declare --db, --incident or --as themselves.
type Factory struct {
	Out    io.Writer
	ErrOut io.Writer

	DB       string // --db
	Incident string // --incident: a slug, or "" for the current incident
	As       string // --as: the login to act as, embedded database only

	// Zone is the zone of the incident the command opened (OpenIncident),
	// for times in its error messages; nil before one is opened.
	Zone *time.Location
}

// Bind declares the connection flags on root, persistent so every command
// under it takes them.
func (f *Factory) Bind(root *cobra.Command) {
	f.BindDB(root)
	pf := root.PersistentFlags()
	pf.StringVar(&f.Incident, "incident", "", "incident `slug` (default: the most recent open incident, else the most recent)")
	pf.StringVar(&f.As, "as", "", "act as login `name` (embedded database only; default: the demo's first commander)")
}

// BindDB declares --db alone, for a tool that works on no incident and
// as no one in particular (warroom-bench).
func (f *Factory) BindDB(root *cobra.Command) {
	root.PersistentFlags().StringVar(&f.DB, "db", "", "PostgreSQL URL or key=value string (default: $DATABASE_URL, PG* variables, or the embedded server)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &CodedError{Code: ExitUsage, Err: flagError(err)}
	})
}

// flagError names the flag and what it wants when a value does not parse,
// instead of pflag's `strconv.ParseInt: parsing "abc": invalid syntax`.
func flagError(err error) error {
	var iv *pflag.InvalidValueError
	if !errors.As(err, &iv) {
		return err
	}
	want := "a valid value"
	switch iv.GetFlag().Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		want = "a whole number"
	case "float32", "float64":
		want = "a number"
	case "bool":
		want = "true or false"
	case "duration":
		want = "a duration such as 90m or 2h"
	}
	return fmt.Errorf("--%s: %q is not %s", iv.GetFlag().Name, iv.GetValue(), want)
}

// MarkArgErrorsAsUsage makes a wrong number of arguments exit with
// ExitUsage, like an unknown flag, on every command in the tree.
func MarkArgErrorsAsUsage(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &CodedError{Code: ExitUsage, Err: err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		MarkArgErrorsAsUsage(sub)
	}
}

// Mount puts cmd under a bare root carrying the connection flags, for
// tests that parse a command line without running the whole tree.
func Mount(f *Factory, cmd *cobra.Command) *cobra.Command {
	root := &cobra.Command{Use: "warroom", SilenceUsage: true, SilenceErrors: true}
	f.Bind(root)
	root.AddCommand(cmd)
	MarkArgErrorsAsUsage(root)
	return root
}

// Open connects to the database for an ordinary command. On the embedded
// server its superuser first migrates (and, when empty, loads the demo),
// then the connection is the --as login's; on any other database the
// schema version is checked and nothing is migrated. --as is refused on a
// database other than the embedded one.
func (f *Factory) Open(ctx context.Context) (*sqlx.DB, Source, error) {
	return f.open(ctx, false)
}

// OpenIncident is Open plus the incident --incident names (or the current
// one). The caller closes the connection.
func (f *Factory) OpenIncident(ctx context.Context) (*sqlx.DB, incident.Incident, error) {
	conn, _, err := f.Open(ctx)
	if err != nil {
		return nil, incident.Incident{}, err
	}
	inc, err := incident.Resolve(ctx, conn, f.Incident)
	if err != nil {
		conn.Close()
		return nil, inc, err
	}
	f.Zone = inc.Location()
	return conn, inc, nil
}

// DisplayZone is where a command that spans incidents shows times: the
// zone of the incident --incident names, else of the current incident,
// else UTC.
func (f *Factory) DisplayZone(ctx context.Context, conn *sqlx.DB) *time.Location {
	inc, err := incident.Resolve(ctx, conn, f.Incident)
	if err != nil {
		return time.UTC
	}
	return inc.Location()
}
