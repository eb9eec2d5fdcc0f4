package incident

import (
	"context"

	"warroom/db"
)

// Summary is one line of the incident list: the incident, who commands it,
// and how long it took to resolve and to finish its first milestone.
type Summary struct {
	Incident
	Commander string `db:"commander" json:"commander"`
	// MinutesToResolve is nil while the incident is open.
	MinutesToResolve *int `db:"minutes_to_resolve" json:"minutes_to_resolve"`
	// MinutesToFirstMilestone is from the start to the first milestone
	// done; nil while none is.
	MinutesToFirstMilestone *int `db:"minutes_to_first_milestone" json:"minutes_to_first_milestone"`
}

// List returns every incident, newest first, with its commander and durations.
func List(ctx context.Context, q db.Querier) ([]Summary, error) {
	var out []Summary
	err := q.SelectContext(ctx, &out, `
		SELECT i.id, i.slug, i.title, i.summary, i.time_zone, i.status, i.severity, i.started_at,
		       i.resolved_at, i.created_at, i.updated_at, i.updated_by, i.version,
		       COALESCE(r.person, '') AS commander,
		       floor(extract(epoch FROM i.resolved_at - i.started_at) / 60)::int AS minutes_to_resolve,
		       floor(extract(epoch FROM m.first_done - i.started_at) / 60)::int AS minutes_to_first_milestone
		FROM incidents i
		LEFT JOIN incident_roles r ON r.incident_id = i.id AND r.role = 'commander' AND r.ended_at IS NULL
		LEFT JOIN LATERAL (SELECT min(actual_end) AS first_done FROM milestones
		                   WHERE incident_id = i.id AND status = 'done' AND voided_at IS NULL) m ON true
		ORDER BY i.started_at DESC, i.id DESC`)
	return out, db.MapError(err)
}
