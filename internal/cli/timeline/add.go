package timeline

import (
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// AddOptions are `warroom timeline add`'s.
type AddOptions struct {
	Factory *cmdutil.Factory
	Title   string
	Kind    string
	At      string
	Body    string
	Planned bool
}

// NewCmdAdd parses `warroom timeline add`; runF replaces the run in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Factory: f}
	c := &cobra.Command{
		Use:   "add --kind K [--at TIME] TITLE [--body TEXT]",
		Short: "Add a timeline entry",
		Long: `Add an entry to the incident's timeline. --at takes "now" (the default),
"2020-03-03 09:00" or "2020-03-03" in the incident's time zone, or RFC 3339.
Kinds: ` + strings.Join(incident.Kinds, ", ") + `.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Title = args[0]
			if opts.Kind == "" {
				return cmdutil.UsageError("--kind is required (one of %s)", strings.Join(incident.Kinds, ", "))
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Kind, "kind", "", "entry kind (required)")
	c.Flags().StringVar(&opts.At, "at", "now", "when it happened, or is planned")
	c.Flags().StringVar(&opts.Body, "body", "", "details")
	c.Flags().BoolVar(&opts.Planned, "planned", false, "the time is a plan, not something that happened")
	return c
}

func addRun(cmd *cobra.Command, opts *AddOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	when, precision, err := incident.ParseTime(opts.At, inc.Location(), time.Now())
	if err != nil {
		return &db.FieldError{Field: "--at", Reason: err.Error()}
	}
	in := incident.EntryInput{Kind: opts.Kind, Title: opts.Title, Body: opts.Body, At: when, Precision: precision, Planned: opts.Planned}
	var e incident.Entry
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		e, err = incident.AddEntry(ctx, tx, inc.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "added entry %d: %s %s %s\n", e.ID,
		cmdutil.FormatWhenZoned(e.At(), e.Precision, inc.Location()), e.Kind, e.Title)
	return nil
}
