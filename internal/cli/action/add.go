package action

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// AddOptions are `warroom action add`'s.
type AddOptions struct {
	Factory   *cmdutil.Factory
	Title     string
	Owner     string
	Due       string
	MeasureID int64 // 0: the incident's "Follow-ups" measure
}

// NewCmdAdd parses `warroom action add`; runF replaces the run in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Factory: f}
	c := &cobra.Command{
		Use:   "add --title TEXT [--owner NAME] [--due DATE] [--measure ID]",
		Short: "Add an action item (to a remediation measure, default Follow-ups)",
		Long: `Add an open action item and print its id. --measure puts it under a
remediation measure (its measure_id in ` + "`warroom actions --json`" + `); without it,
under "` + incident.FollowUps + `". --due is a date, "2020-03-10", in the incident's zone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Title == "" {
				return cmdutil.UsageError("--title is required")
			}
			if opts.MeasureID < 0 {
				return cmdutil.UsageError("--measure %d: ids start at 1", opts.MeasureID)
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Title, "title", "", "what is to be done (required)")
	c.Flags().StringVar(&opts.Owner, "owner", "", "who does it")
	c.Flags().StringVar(&opts.Due, "due", "", "due date")
	c.Flags().Int64Var(&opts.MeasureID, "measure", 0, "remediation measure id")
	return c
}

func addRun(cmd *cobra.Command, opts *AddOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	n := incident.NewActionItem{MeasureID: opts.MeasureID, Title: opts.Title, Owner: opts.Owner}
	if n.Due, err = dueDate(opts.Due, inc.Location()); err != nil {
		return err
	}
	var a incident.ActionItem
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		a, err = incident.AddActionItem(ctx, tx, inc.ID, n)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "added action item %d: %s\n", a.ID, cmdutil.CleanLine(a.Title))
	return nil
}
