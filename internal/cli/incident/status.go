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

// StatusOptions are `warroom incident status`'s.
type StatusOptions struct {
	Factory *cmdutil.Factory
	Status  string
	Note    string
}

// NewCmdStatus parses `warroom incident status`; runF replaces the run in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{Factory: f}
	c := &cobra.Command{
		Use:   "status " + strings.Join(incident.Statuses, "|") + " [--note TEXT]",
		Short: "Move the incident to a status (resolved closes it; reopening needs --note)",
		Long: `Move the incident to a status, recorded on its timeline. Resolved stops its
clock; reopening a resolved incident needs --note saying why. Its commander
or a warroom commander may. Refused (exit 4) if someone changed the incident
since this command read it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Status = strings.ToLower(args[0])
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Note, "note", "", "why (required to reopen)")
	return c
}

func statusRun(cmd *cobra.Command, opts *StatusOptions) error {
	return steer(cmd.Context(), opts.Factory,
		func(ctx context.Context, tx *sqlx.Tx, read incident.Incident) (incident.Incident, error) {
			return incident.SetStatus(ctx, tx, read.ID, read.Version, opts.Status, opts.Note)
		},
		func(i incident.Incident) string { return glossary.IncidentStatus(i.Status) })
}
