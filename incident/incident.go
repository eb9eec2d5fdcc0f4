// Package incident holds incidents, their timeline and accountability
// (people, findings, remediation measures and action items).
package incident

import (
	"context"
	"fmt"
	"time"

	"warroom/db"
)

// Incident is one row of incidents. Times are absolute; Location gives the
// zone they are shown in.
type Incident struct {
	ID         int64      `db:"id" json:"-"`
	Slug       string     `db:"slug" json:"slug"`
	Title      string     `db:"title" json:"title"`
	Summary    string     `db:"summary" json:"summary"`
	TimeZone   string     `db:"time_zone" json:"time_zone"`
	Status     string     `db:"status" json:"status"`
	Severity   string     `db:"severity" json:"severity"`
	StartedAt  time.Time  `db:"started_at" json:"started_at"`
	ResolvedAt *time.Time `db:"resolved_at" json:"resolved_at"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt  time.Time  `db:"updated_at" json:"updated_at"`
	UpdatedBy  string     `db:"updated_by" json:"updated_by"`
	Version    int        `db:"version" json:"version"`
}

// Location is the incident's time zone, UTC when the name is unknown to Go.
func (i Incident) Location() *time.Location {
	loc, err := time.LoadLocation(i.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Open reports whether the incident is still running (its clock ticks).
func (i Incident) Open() bool { return i.ResolvedAt == nil }

const incidentColumns = `id, slug, title, summary, time_zone, status, severity,
	started_at, resolved_at, created_at, updated_at, updated_by, version`

// Current is the incident a console opens by default: the most recently
// started open one, or the most recently started of all when none is open.
func Current(ctx context.Context, q db.Querier) (Incident, error) {
	var inc Incident
	err := q.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents
		ORDER BY (resolved_at IS NULL) DESC, started_at DESC, id DESC LIMIT 1`)
	if err != nil {
		if db.IsNotFound(db.MapError(err)) {
			return inc, fmt.Errorf("no incident in this database (load the demo with `warroom demo load`): %w", db.ErrNotFound)
		}
		return inc, db.MapError(err)
	}
	return inc, nil
}

// BySlug finds one incident by its slug.
func BySlug(ctx context.Context, q db.Querier, slug string) (Incident, error) {
	var inc Incident
	err := q.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents WHERE slug = $1`, slug)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return inc, fmt.Errorf("incident %q: %w", slug, db.ErrNotFound)
		}
		return inc, err
	}
	return inc, nil
}

// Resolve picks the incident named by slug, or Current when slug is empty.
func Resolve(ctx context.Context, q db.Querier, slug string) (Incident, error) {
	if slug == "" {
		return Current(ctx, q)
	}
	return BySlug(ctx, q, slug)
}
