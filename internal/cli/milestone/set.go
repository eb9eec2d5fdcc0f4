package milestone

import (
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// SetOptions are `warroom milestone set`'s: the change to record.
type SetOptions struct {
	Factory *cmdutil.Factory
	Change  recovery.Change
}

// NewCmdSet parses `warroom milestone set`; runF replaces the run in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{Factory: f}
	var (
		progress int
		status   string
	)
	c := &cobra.Command{
		Use:   "set KEY [--progress N] [--status S] [--note TEXT]",
		Short: "Record progress on a milestone (kept in its history)",
		Long: `Record progress on a restore milestone. Statuses: planned, in_progress,
blocked (needs --note), done (means 100%). Every update is kept in the
milestone's history, and every open console shows it at once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Change.Key = args[0]
			if cmd.Flags().Changed("progress") {
				opts.Change.Progress = &progress
			}
			if cmd.Flags().Changed("status") {
				s := strings.ReplaceAll(status, "-", "_") // "in-progress" reads naturally too
				opts.Change.Status = &s
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd, opts)
		},
	}
	c.Flags().IntVar(&progress, "progress", 0, "progress 0-100")
	c.Flags().StringVar(&status, "status", "", "planned, in_progress, blocked or done")
	c.Flags().StringVar(&opts.Change.Note, "note", "", "what changed (required for blocked)")
	return c
}

func setRun(cmd *cobra.Command, opts *SetOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var m recovery.Milestone
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		m, err = recovery.Set(ctx, tx, inc.ID, opts.Change)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "%s: %s %d%% (version %d, by %s)\n", m.Key, glossary.MilestoneStatus(m.Status), m.Progress, m.Version, cmdutil.CleanLine(m.UpdatedBy))
	return nil
}
