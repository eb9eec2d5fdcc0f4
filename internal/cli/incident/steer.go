package incidentcmd

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// steer makes one versioned change to the incident --incident names (or
// the current one), against the version it read, so a change made by
// someone else meanwhile is refused (exit 4); then it prints the slug, what
// show picks from the incident as it now is, and its version.
func steer(ctx context.Context, f *cmdutil.Factory,
	change func(ctx context.Context, tx *sqlx.Tx, read incident.Incident) (incident.Incident, error),
	show func(incident.Incident) string) error {
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var now incident.Incident
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
		now, err = change(ctx, tx, inc)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "%s: %s (version %d)\n", now.Slug, show(now), now.Version)
	return nil
}
