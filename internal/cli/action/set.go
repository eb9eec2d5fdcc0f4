package action

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// SetOptions are `warroom action set`'s. Pointers are nil when the flag
// was not given (unchanged).
type SetOptions struct {
	Factory  *cmdutil.Factory
	ID       int64
	Version  int // 0: whatever is current
	Status   *string
	Reason   string
	Title    *string
	Owner    *string
	Due      string
	ClearDue bool
}

// NewCmdSet parses `warroom action set`; runF replaces the run in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{Factory: f}
	var status, title, owner string
	c := &cobra.Command{
		Use:   "set ID [--status S] [--reason TEXT] [--title TEXT] [--owner NAME] [--due DATE|--clear-due] [--version N]",
		Short: "Change an action item: close it, reassign it, move its due date",
		Long: `Change an action item (its id from ` + "`warroom actions`" + `). Statuses: ` +
			strings.Join(incident.ActionStatuses, ", ") + `; wont_do needs --reason.
With --version N the change is refused (exit 4) if the item is no longer at
that version.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return cmdutil.UsageError("action item id %q: a number from `warroom actions`", args[0])
			}
			opts.ID = id
			fl := cmd.Flags()
			if fl.Changed("status") {
				s := strings.ReplaceAll(status, "-", "_") // "in-progress", "wont-do" read naturally too
				opts.Status = &s
			}
			if fl.Changed("title") {
				opts.Title = &title
			}
			if fl.Changed("owner") {
				opts.Owner = &owner
			}
			if opts.ClearDue && opts.Due != "" {
				return cmdutil.UsageError("--due and --clear-due: give one")
			}
			if opts.Status == nil && opts.Title == nil && opts.Owner == nil && opts.Due == "" && !opts.ClearDue && opts.Reason == "" {
				return cmdutil.UsageError("nothing to change: give --status, --title, --owner, --due or --clear-due")
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&status, "status", "", strings.Join(incident.ActionStatuses, ", "))
	c.Flags().StringVar(&opts.Reason, "reason", "", "why (required for wont_do)")
	c.Flags().StringVar(&title, "title", "", "new title")
	c.Flags().StringVar(&owner, "owner", "", "new owner")
	c.Flags().StringVar(&opts.Due, "due", "", "new due date")
	c.Flags().BoolVar(&opts.ClearDue, "clear-due", false, "remove the due date")
	c.Flags().IntVar(&opts.Version, "version", 0, "refuse unless the item is still at this version")
	return c
}

func setRun(cmd *cobra.Command, opts *SetOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	ch := incident.ActionChange{ExpectVersion: opts.Version, Title: opts.Title, Owner: opts.Owner, ClearDue: opts.ClearDue,
		Status: opts.Status, Reason: opts.Reason}
	if ch.Due, err = dueDate(opts.Due, inc.Location()); err != nil {
		return err
	}
	var a incident.ActionItem
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		a, err = incident.SetActionItem(ctx, tx, inc.ID, opts.ID, ch)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "action item %d: %s (version %d)\n", a.ID, glossary.ActionStatus(a.Status), a.Version)
	return nil
}
