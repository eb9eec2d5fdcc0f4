package incidentcmd

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// SeverityOptions are `warroom incident severity`'s.
type SeverityOptions struct {
	Factory  *cmdutil.Factory
	Severity string
	Note     string
}

// NewCmdSeverity parses `warroom incident severity`; runF replaces the run in tests.
func NewCmdSeverity(f *cmdutil.Factory, runF func(*SeverityOptions) error) *cobra.Command {
	opts := &SeverityOptions{Factory: f}
	c := &cobra.Command{
		Use:   "severity sevN --note TEXT",
		Short: "Change the incident's severity, saying why",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Severity = strings.ToLower(args[0])
			if strings.TrimSpace(opts.Note) == "" {
				return cmdutil.UsageError("--note is required: say why the severity changes")
			}
			if runF != nil {
				return runF(opts)
			}
			return severityRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Note, "note", "", "why the severity changes (required)")
	return c
}

func severityRun(cmd *cobra.Command, opts *SeverityOptions) error {
	return steer(cmd.Context(), opts.Factory,
		func(ctx context.Context, tx *sqlx.Tx, read incident.Incident) (incident.Incident, error) {
			return incident.SetSeverity(ctx, tx, read.ID, read.Version, opts.Severity, opts.Note)
		},
		func(i incident.Incident) string { return glossary.Severity(i.Severity) })
}
