// Package milestones is `warroom milestones`: the restore plan.
package milestones

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// MilestonesOptions are `warroom milestones`'s.
type MilestonesOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdMilestones parses `warroom milestones`; runF replaces the run in tests.
func NewCmdMilestones(f *cmdutil.Factory, runF func(*MilestonesOptions) error) *cobra.Command {
	opts := &MilestonesOptions{Factory: f}
	c := &cobra.Command{
		Use:   "milestones",
		Short: "The restore plan: each milestone's status and progress",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return milestonesRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func milestonesRun(cmd *cobra.Command, opts *MilestonesOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	ms, err := recovery.Milestones(cmd.Context(), conn, inc.ID)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		if ms == nil {
			ms = []recovery.Milestone{}
		}
		return cmdutil.WriteJSON(out, ms)
	}
	loc := inc.Location()
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		rows = append(rows, []string{m.Key, glossary.MilestoneStatus(m.Status), strconv.Itoa(m.Progress) + "%", m.Owner,
			cmdutil.FormatAt(m.UpdatedAt, loc), m.Title})
	}
	fmt.Fprintf(out, "Restore plan of %s: %d%% overall\n\n", inc.Slug, recovery.Overall(ms))
	return cmdutil.WriteTableOr(out, []cmdutil.Column{{Title: "KEY"}, {Title: "STATUS"}, {Title: "PROGRESS", Right: true},
		{Title: "OWNER"}, {Title: "UPDATED"}, {Title: "TITLE"}}, rows,
		"No milestones yet: add one with `warroom milestone add KEY --title TEXT --owner NAME`.")
}
