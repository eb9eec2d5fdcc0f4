// Package actions is `warroom actions`: the remediation action items.
package actions

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// Options are `warroom actions`'s.
type Options struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// Item is one action item as `warroom actions --json` prints it: with
// the id `warroom action set` takes, its measure, and whether it is overdue.
type Item struct {
	ID        int64     `json:"id"`
	MeasureID int64     `json:"measure_id"`
	Measure   string    `json:"measure"`
	Title     string    `json:"title"`
	Owner     string    `json:"owner"`
	Status    string    `json:"status"`
	Due       *string   `json:"due"` // a date, YYYY-MM-DD
	Overdue   bool      `json:"overdue"`
	Reason    string    `json:"reason,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	Version   int       `json:"version"`
}

// Output is `warroom actions --json`.
type Output struct {
	Incident string                `json:"incident"`
	Counts   incident.ActionCounts `json:"counts"`
	Items    []Item                `json:"items"`
}

// NewCmdActions parses `warroom actions`; runF replaces the run in tests.
func NewCmdActions(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	c := &cobra.Command{
		Use:   "actions",
		Short: "Remediation action items, with open, overdue and done counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return run(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func run(cmd *cobra.Command, opts *Options) error {
	ctx := cmd.Context()
	conn, inc, err := opts.Factory.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	acc, err := incident.LoadAccountability(ctx, conn, inc.ID)
	if err != nil {
		return err
	}
	now, loc := time.Now(), inc.Location()
	o := Output{Incident: inc.Slug, Counts: incident.CountActions(acc.Measures, now, loc), Items: []Item{}}
	for _, m := range acc.Measures {
		for _, a := range m.Items {
			it := Item{ID: a.ID, MeasureID: m.ID, Measure: m.Title, Title: a.Title, Owner: a.Owner, Status: a.Status,
				Overdue: a.Overdue(now, loc), Reason: a.Reason, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy, Version: a.Version}
			if a.Due != nil {
				d := a.Due.Format(time.DateOnly) // a date column, read as UTC midnight
				it.Due = &d
			}
			o.Items = append(o.Items, it)
		}
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, o)
	}
	c := o.Counts
	fmt.Fprintf(out, "Action items of %s: %s open, %s overdue, %s done, %s %s\n\n", inc.Slug,
		glossary.Count(c.Open), glossary.Count(c.Overdue), glossary.Count(c.Done), glossary.Count(c.WontDo), glossary.ActionStatus("wont_do"))
	rows := make([][]string, 0, len(o.Items))
	for _, it := range o.Items {
		due, status := "", glossary.ActionStatus(it.Status)
		if it.Due != nil {
			due = *it.Due
		}
		if it.Overdue {
			status += " OVERDUE"
		}
		title := it.Title
		if it.Reason != "" {
			title += " (" + it.Reason + ")"
		}
		rows = append(rows, []string{strconv.FormatInt(it.ID, 10), status, due, it.Owner, it.Measure, title})
	}
	return cmdutil.WriteTableOr(out, []cmdutil.Column{{Title: "ID", Right: true}, {Title: "STATUS"}, {Title: "DUE"},
		{Title: "OWNER"}, {Title: "MEASURE"}, {Title: "TITLE"}}, rows,
		"No action items yet: add one with `warroom action add --title TEXT --owner NAME`.")
}
