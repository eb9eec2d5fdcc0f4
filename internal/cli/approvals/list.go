package approvals

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// ListOptions are `warroom approvals list`'s.
type ListOptions struct {
	Factory *cmdutil.Factory
	All     bool
	JSON    bool
}

// NewCmdList parses `warroom approvals list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	c := &cobra.Command{
		Use:   "list",
		Short: "Pending requests (--all: every request, newest first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd, opts)
		},
	}
	c.Flags().BoolVar(&opts.All, "all", false, "every request, not only pending ones")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func listRun(cmd *cobra.Command, opts *ListOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var incID int64
	if f.Incident != "" {
		inc, err := incident.BySlug(ctx, conn, f.Incident)
		if err != nil {
			return err
		}
		incID = inc.ID
	}
	var as []access.Approval
	if opts.All {
		as, err = access.Approvals(ctx, conn, incID, 200)
	} else {
		as, err = access.Pending(ctx, conn, incID)
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(f.Out, as)
	}
	if len(as) == 0 {
		// A bare header reads like a failure: say what the list holds.
		what := "No pending approval requests: nothing waits for a second authorisation."
		if opts.All {
			what = "No approval requests yet."
		}
		fmt.Fprintln(f.Out, what)
		return nil
	}
	loc := f.DisplayZone(ctx, conn)
	rows := make([][]string, 0, len(as))
	for _, a := range as {
		decided, expires := "", ""
		if a.DecidedBy != nil {
			decided = *a.DecidedBy
		}
		if a.State == "pending" {
			// Only a pending request can still expire.
			expires = incident.FormatDuration(time.Until(a.ExpiresAt))
		}
		// What is asked, in words ("12,000.00 on claim 745 (M000745 ...)");
		// --json keeps the payload as the executor reads it.
		what := access.Describe(a, loc)
		rows = append(rows, []string{strconv.FormatInt(a.ID, 10), glossary.Operation(string(a.Op)), what, a.Reason,
			a.RequestedBy, a.RequestedAt.In(loc).Format("01-02 15:04 MST"), glossary.ApprovalState(a.State), decided, expires})
	}
	return cmdutil.WriteTable(f.Out, []cmdutil.Column{{Title: "ID", Right: true}, {Title: "OPERATION"},
		{Title: "WHAT"}, {Title: "REASON"}, {Title: "BY"}, {Title: "AT"}, {Title: "STATE"},
		{Title: "DECIDED BY"}, {Title: "EXPIRES IN"}}, rows)
}
