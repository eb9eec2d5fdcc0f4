package milestone

import (
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// AddOptions are `warroom milestone add`'s. The planned times are read in
// the incident's zone when the command runs.
type AddOptions struct {
	Factory      *cmdutil.Factory
	Key          string
	Title        string
	Owner        string
	PlannedStart string
	PlannedEnd   string
}

// NewCmdAdd parses `warroom milestone add`; runF replaces the run in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Factory: f}
	c := &cobra.Command{
		Use:   "add KEY --title TEXT --owner TEXT [--planned-start TIME --planned-end TIME]",
		Short: "Add a milestone at the end of the restore plan",
		Long: `Add a milestone at the end of the restore plan. KEY is its short name for
later commands. Planned times take "2020-03-03 09:00" or "2020-03-03" in the
incident's time zone, or RFC 3339.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if opts.Title == "" {
				return cmdutil.UsageError("--title is required")
			}
			if opts.Owner == "" {
				return cmdutil.UsageError("--owner is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Title, "title", "", "what the milestone achieves (required)")
	c.Flags().StringVar(&opts.Owner, "owner", "", "who drives it (required)")
	c.Flags().StringVar(&opts.PlannedStart, "planned-start", "", "when it is planned to start")
	c.Flags().StringVar(&opts.PlannedEnd, "planned-end", "", "when it is planned to be done")
	return c
}

// plannedTime reads a --planned-* flag in the incident's zone; "" is no time.
func plannedTime(flag, s string, loc *time.Location) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, _, err := incident.ParseTime(s, loc, time.Now())
	if err != nil {
		return nil, &db.FieldError{Field: flag, Reason: err.Error()}
	}
	return &t, nil
}

func addRun(cmd *cobra.Command, opts *AddOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	n := recovery.NewMilestone{Key: opts.Key, Title: opts.Title, Owner: opts.Owner}
	if n.PlannedStart, err = plannedTime("--planned-start", opts.PlannedStart, inc.Location()); err != nil {
		return err
	}
	if n.PlannedEnd, err = plannedTime("--planned-end", opts.PlannedEnd, inc.Location()); err != nil {
		return err
	}
	var m recovery.Milestone
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		m, err = recovery.Add(ctx, tx, inc.ID, n)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "added milestone %s: %s (owner %s)\n", m.Key, cmdutil.CleanLine(m.Title), cmdutil.CleanLine(m.Owner))
	return nil
}
