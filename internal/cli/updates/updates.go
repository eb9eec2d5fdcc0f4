// Package updates is `warroom updates`: the stakeholder updates and when
// the next one is due.
package updates

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// Options are `warroom updates`'s.
type Options struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// Output is `warroom updates --json`: the cadence, then the updates,
// newest first.
type Output struct {
	Incident       string           `json:"incident"`
	NextDueAt      *time.Time       `json:"next_due_at"`
	Overdue        bool             `json:"overdue"`
	OverdueMinutes int              `json:"overdue_minutes"`
	Label          string           `json:"label"`
	Updates        []incident.Entry `json:"updates"`
}

// NewCmdUpdates parses `warroom updates`; runF replaces the run in tests.
func NewCmdUpdates(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	c := &cobra.Command{
		Use:   "updates",
		Short: "Stakeholder updates, newest first, and when the next is due",
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
	list, err := incident.Updates(ctx, conn, inc.ID)
	if err != nil {
		return err
	}
	cad, err := incident.NextUpdate(ctx, conn, inc.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	o := Output{Incident: inc.Slug, NextDueAt: cad.DueAt, Label: cad.Label(now), Updates: list}
	if d, ok := cad.Remaining(now); ok && d < 0 {
		o.Overdue, o.OverdueMinutes = true, cad.OverdueMinutes(now)
	}
	if o.Updates == nil {
		o.Updates = []incident.Entry{}
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, o)
	}
	loc := inc.Location()
	label := o.Label
	if label == "" {
		label = "no next update promised"
	}
	fmt.Fprintf(out, "Updates of %s, %s: %s\n\n", inc.Slug, glossary.TimesIn(loc, now), label)
	rows := make([][]string, 0, len(list))
	for _, e := range list {
		aud, next := "", ""
		if e.Audience != nil {
			aud = glossary.Audience(*e.Audience)
		}
		if e.NextUpdateAt != nil {
			next = e.NextUpdateAt.In(loc).Format("15:04")
		}
		rows = append(rows, []string{cmdutil.FormatWhen(e.At(), e.Precision, loc), aud, e.Author, next, e.Title})
	}
	return cmdutil.WriteTableOr(out, []cmdutil.Column{{Title: "WHEN"}, {Title: "AUDIENCE"}, {Title: "BY"}, {Title: "NEXT DUE"}, {Title: "TEXT"}}, rows,
		"No stakeholder updates yet: post one with `warroom update post --audience internal TEXT`.")
}
