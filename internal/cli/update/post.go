package update

import (
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// PostOptions are `warroom update post`'s.
type PostOptions struct {
	Factory  *cmdutil.Factory
	Audience string
	Text     string
	NextIn   time.Duration // 0: no promise of a next update
}

// NewCmdPost parses `warroom update post`; runF replaces the run in tests.
func NewCmdPost(f *cmdutil.Factory, runF func(*PostOptions) error) *cobra.Command {
	opts := &PostOptions{Factory: f}
	c := &cobra.Command{
		Use:   "post --audience " + strings.Join(incident.Audiences, "|") + " TEXT [--next-in 30m]",
		Short: "Post a stakeholder update, promising the next one",
		Long: `Post a stakeholder update to the incident's timeline. --next-in promises the
next update (between 1m and 24h); consoles count down to it, then show it
overdue. Its first line is the entry's title.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Text = args[0]
			if opts.Audience == "" {
				return cmdutil.UsageError("--audience is required (one of %s)", strings.Join(incident.Audiences, ", "))
			}
			if runF != nil {
				return runF(opts)
			}
			return postRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Audience, "audience", "", "who it is for: "+strings.Join(incident.Audiences, ", ")+" (required)")
	c.Flags().DurationVar(&opts.NextIn, "next-in", 0, "when the next update is due, such as 30m")
	return c
}

func postRun(cmd *cobra.Command, opts *PostOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var e incident.Entry
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		e, err = incident.PostUpdate(ctx, tx, inc.ID, incident.UpdateInput{Audience: opts.Audience, Text: opts.Text, NextIn: opts.NextIn})
		return err
	})
	if err != nil {
		return err
	}
	loc := inc.Location()
	fmt.Fprintf(f.Out, "posted update %d for %s at %s", e.ID, glossary.Audience(opts.Audience), e.At().In(loc).Format("15:04 MST"))
	if e.NextUpdateAt != nil {
		fmt.Fprintf(f.Out, "; next due %s", e.NextUpdateAt.In(loc).Format("15:04 MST"))
	}
	fmt.Fprintln(f.Out)
	return nil
}
