// Package timeline is `warroom timeline` and `warroom timeline add`.
package timeline

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// ListOptions are `warroom timeline`'s.
type ListOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdTimeline is `warroom timeline`, with `add` under it.
func NewCmdTimeline(f *cmdutil.Factory) *cobra.Command {
	c := NewCmdList(f, nil)
	c.AddCommand(NewCmdAdd(f, nil))
	return c
}

// NewCmdList parses `warroom timeline`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	c := &cobra.Command{
		Use:   "timeline",
		Short: "The incident's timeline, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func listRun(cmd *cobra.Command, opts *ListOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	entries, err := incident.Timeline(cmd.Context(), conn, inc.ID)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		if entries == nil {
			entries = []incident.Entry{}
		}
		return cmdutil.WriteJSON(out, entries)
	}
	loc := inc.Location()
	rows := make([][]string, 0, len(entries))
	for _, e := range entries {
		when, state := cmdutil.FormatWhen(e.At(), e.Precision, loc), "actual"
		if e.Planned() {
			state = "planned"
		}
		rows = append(rows, []string{when, e.Kind, state, e.Title})
	}
	fmt.Fprintf(out, "Timeline of %s, %s\n\n", inc.Slug, glossary.TimesIn(inc.Location(), time.Now()))
	return cmdutil.WriteTable(out, []cmdutil.Column{{Title: "WHEN"}, {Title: "KIND"}, {Title: "STATE"}, {Title: "TITLE"}}, rows)
}
