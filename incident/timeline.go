package incident

import (
	"context"
	"time"

	"warroom/db"
)

// Entry is one timeline entry. An entry has a planned time, an actual
// time, or both; Precision "day" means only the date is known.
type Entry struct {
	ID           int64      `db:"id" json:"id"`
	IncidentID   int64      `db:"incident_id" json:"-"`
	Kind         string     `db:"kind" json:"kind"`
	Title        string     `db:"title" json:"title"`
	Body         string     `db:"body" json:"body"`
	Precision    string     `db:"precision" json:"precision"`
	PlannedStart *time.Time `db:"planned_start" json:"planned_start"`
	PlannedEnd   *time.Time `db:"planned_end" json:"planned_end"`
	ActualStart  *time.Time `db:"actual_start" json:"actual_start"`
	ActualEnd    *time.Time `db:"actual_end" json:"actual_end"`
	Author       string     `db:"author" json:"author"`
	// Audience and NextUpdateAt are set on stakeholder updates (kind "update").
	Audience     *string    `db:"audience" json:"audience,omitempty"`
	NextUpdateAt *time.Time `db:"next_update_at" json:"next_update_at,omitempty"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at" json:"updated_at"`
	Version      int        `db:"version" json:"version"`
}

// Kinds are the entry kinds a person writes as an entry, in the order a
// legend shows them.
var Kinds = []string{"window", "outage", "restore", "recovery", "rehearsal", "cutover", "comms", "note"}

// LifecycleKinds are written by the database when the incident is declared
// or its status, severity or people on duty change; nobody writes or edits
// them directly. A stakeholder update is kind "update" (PostUpdate).
var LifecycleKinds = []string{"declared", "status", "severity", "role"}

// At is when the entry happened, or is planned to when it has not happened.
func (e Entry) At() time.Time {
	if e.ActualStart != nil {
		return *e.ActualStart
	}
	if e.PlannedStart != nil {
		return *e.PlannedStart
	}
	return time.Time{}
}

// End is the actual end, else the planned end, else nil.
func (e Entry) End() *time.Time {
	if e.ActualEnd != nil {
		return e.ActualEnd
	}
	return e.PlannedEnd
}

// Planned reports whether the entry has not happened yet (no actual time).
func (e Entry) Planned() bool { return e.ActualStart == nil }

// Timeline returns the incident's entries in chronological order. Voided
// entries stay in the database (and the audit log) but leave the timeline.
func Timeline(ctx context.Context, q db.Querier, incidentID int64) ([]Entry, error) {
	var out []Entry
	err := q.SelectContext(ctx, &out, `
		SELECT `+entryColumns+`
		FROM timeline_entries
		WHERE incident_id = $1 AND voided_at IS NULL
		ORDER BY COALESCE(actual_start, planned_start), id`, incidentID)
	return out, db.MapError(err)
}
