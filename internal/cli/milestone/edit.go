package milestone

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// EditOptions are `warroom milestone edit`'s. Title and Owner are nil when
// not given (unchanged).
type EditOptions struct {
	Factory      *cmdutil.Factory
	Key          string
	Version      int // the version the caller saw; 0: the one read when the command starts
	Title        *string
	Owner        *string
	PlannedStart string
	PlannedEnd   string
	ClearPlanned bool
}

// NewCmdEdit parses `warroom milestone edit`; runF replaces the run in tests.
func NewCmdEdit(f *cmdutil.Factory, runF func(*EditOptions) error) *cobra.Command {
	opts := &EditOptions{Factory: f}
	var title, owner string
	c := &cobra.Command{
		Use:   "edit KEY [--title TEXT] [--owner TEXT] [--planned-start TIME] [--planned-end TIME] [--clear-planned] [--version N]",
		Short: "Change a milestone's title, owner or planned times (versioned)",
		Long: `Change a milestone's title, owner or planned times. The change applies to the
version the command read when it started, or to --version N (as
` + "`warroom milestones --json`" + ` shows it): if someone changed the milestone
since, nothing is written and the command exits 4.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if cmd.Flags().Changed("title") {
				opts.Title = &title
			}
			if cmd.Flags().Changed("owner") {
				opts.Owner = &owner
			}
			if opts.ClearPlanned && (opts.PlannedStart != "" || opts.PlannedEnd != "") {
				return cmdutil.UsageError("--clear-planned goes alone, without --planned-start or --planned-end")
			}
			if opts.Version < 0 {
				return cmdutil.UsageError("--version %d: versions start at 1", opts.Version)
			}
			if runF != nil {
				return runF(opts)
			}
			return editRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&title, "title", "", "new title")
	c.Flags().StringVar(&owner, "owner", "", "new owner")
	c.Flags().StringVar(&opts.PlannedStart, "planned-start", "", "new planned start")
	c.Flags().StringVar(&opts.PlannedEnd, "planned-end", "", "new planned end")
	c.Flags().BoolVar(&opts.ClearPlanned, "clear-planned", false, "remove both planned times")
	c.Flags().IntVar(&opts.Version, "version", 0, "refuse unless the milestone is still at this version")
	return c
}

func editRun(cmd *cobra.Command, opts *EditOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	e := recovery.MilestoneEdit{Key: opts.Key, ExpectVersion: opts.Version, Title: opts.Title, Owner: opts.Owner,
		ClearPlanned: opts.ClearPlanned}
	if e.PlannedStart, err = plannedTime("--planned-start", opts.PlannedStart, inc.Location()); err != nil {
		return err
	}
	if e.PlannedEnd, err = plannedTime("--planned-end", opts.PlannedEnd, inc.Location()); err != nil {
		return err
	}
	if e.ExpectVersion == 0 {
		// Like an editor: the version seen now is the one the change is
		// made against, so a change landing in between is refused.
		if e.ExpectVersion, err = currentVersion(cmd, conn, inc.ID, opts.Key); err != nil {
			return err
		}
	}
	var m recovery.Milestone
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		m, err = recovery.Edit(ctx, tx, inc.ID, e)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "%s: %s (owner %s, version %d)\n", m.Key, cmdutil.CleanLine(m.Title), cmdutil.CleanLine(m.Owner), m.Version)
	return nil
}

func currentVersion(cmd *cobra.Command, q db.Querier, incidentID int64, key string) (int, error) {
	ms, err := recovery.Milestones(cmd.Context(), q, incidentID)
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if m.Key == key {
			return m.Version, nil
		}
	}
	return 0, fmt.Errorf("milestone %q: %w", key, db.ErrNotFound)
}
