package incidentcmd

import (
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// DeclareOptions are `warroom incident declare`'s.
type DeclareOptions struct {
	Factory   *cmdutil.Factory
	Title     string
	Severity  string
	Zone      string
	StartedAt string // "" means now
	Slug      string
	Summary   string
}

// NewCmdDeclare parses `warroom incident declare`; runF replaces the run in tests.
func NewCmdDeclare(f *cmdutil.Factory, runF func(*DeclareOptions) error) *cobra.Command {
	opts := &DeclareOptions{Factory: f}
	c := &cobra.Command{
		Use:   "declare TITLE --severity sevN [--zone Z] [--started-at TIME] [--slug S] [--summary TEXT]",
		Short: "Declare an incident; you become its commander",
		Long: `Declare an incident and print its slug. It starts investigating, with you
as its commander. --started-at takes "now" (the default), "2020-03-03 09:00"
in --zone (default UTC), or RFC 3339. Without --slug, one is made from the
title and the start date. Commanders and engineers may declare.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Title = args[0]
			if opts.Severity == "" {
				return cmdutil.UsageError("--severity is required (sev1, sev2, sev3 or sev4)")
			}
			if runF != nil {
				return runF(opts)
			}
			return declareRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Severity, "severity", "", "sev1 (worst) to sev4 (required)")
	c.Flags().StringVar(&opts.Zone, "zone", "", "the incident's time zone, such as Asia/Shanghai (default UTC)")
	c.Flags().StringVar(&opts.StartedAt, "started-at", "", "when it started (default now)")
	c.Flags().StringVar(&opts.Slug, "slug", "", "short name for --incident (default from the title)")
	c.Flags().StringVar(&opts.Summary, "summary", "", "what is known so far")
	return c
}

func declareRun(cmd *cobra.Command, opts *DeclareOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	d := incident.Declaration{Title: opts.Title, Severity: opts.Severity, Zone: opts.Zone, Slug: opts.Slug, Summary: opts.Summary}
	if opts.StartedAt != "" {
		loc := time.UTC
		if opts.Zone != "" {
			l, err := time.LoadLocation(opts.Zone)
			if err != nil || opts.Zone == "Local" {
				return db.Invalid("--zone", "%q is not a time zone name such as Asia/Shanghai or UTC", opts.Zone)
			}
			loc = l
		}
		at, _, err := incident.ParseTime(opts.StartedAt, loc, time.Now())
		if err != nil {
			return &db.FieldError{Field: "--started-at", Reason: err.Error()}
		}
		d.StartedAt = at
	}
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var inc incident.Incident
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		inc, err = incident.Declare(ctx, tx, d)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(f.Out, inc.Slug)
	return nil
}
