package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
)

// benchStartedAt dates every bench incident before any real one: an
// incident's start orders incident.Current, so with any other incident in
// the database a bench incident is never a console's default, and being
// resolved it never outranks an open one.
const benchStartedAt = "2000-01-01T00:00:00Z"

// createIncident makes the bench's incident, resolved from the start.
func createIncident(ctx context.Context, q db.Querier, slug, title, zone string) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, `
		INSERT INTO incidents (slug, title, time_zone, status, started_at, resolved_at)
		VALUES ($1, $2, $3, 'resolved', $4, $4) RETURNING id`, slug, title, zone, benchStartedAt)
	return id, db.MapError(err)
}

// keepFlag is --keep, shared by both benches.
func keepFlag(c *cobra.Command, keep *bool) {
	c.Flags().BoolVar(keep, "keep", false, "keep the bench incident (to open it with `warroom --incident SLUG`)")
}

// cleanup removes the bench incident and everything in it, unless keep.
// Incident data is never deleted by an ordinary login (warroom_refuse_delete
// lets superusers only); then it says so, and how a database owner clears
// every bench run: the bench is meant for a database of its own, which its
// owner drops.
func cleanup(ctx context.Context, out io.Writer, conn *sqlx.DB, id int64, slug string, keep bool) error {
	ctx = context.WithoutCancel(ctx) // Ctrl-C during the run still cleans up
	if keep {
		fmt.Fprintf(out, "kept incident %s (resolved: no console opens it unless asked, `warroom --incident %s`)\n", slug, slug)
		return nil
	}
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM incidents WHERE id = $1`, id)
		return err
	})
	if err == nil {
		fmt.Fprintf(out, "removed incident %s\n", slug)
		return nil
	}
	if !errors.Is(db.MapError(err), db.ErrPermissionDenied) {
		return fmt.Errorf("remove incident %s: %w", slug, db.MapError(err))
	}
	var name string
	if err := conn.GetContext(ctx, &name, `SELECT current_database()`); err != nil {
		return db.MapError(err)
	}
	fmt.Fprintf(out, "left incident %s in place, resolved (no console opens it by default): incident data is deleted only by a superuser.\n"+
		"Run the bench on a database of its own; its owner removes every run with: dropdb %s\n", slug, quoteIdent(name))
	return nil
}

// quoteIdent quotes a database name for a shell command line.
func quoteIdent(s string) string {
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
