// Package recovery holds the restore plan: milestones, their progress and
// the history of every update to them.
package recovery

import (
	"context"
	"time"

	"warroom/db"
)

// Statuses a milestone can be in, in workflow order.
var Statuses = []string{"planned", "in_progress", "blocked", "done"}

// Milestone is one step of the restore plan.
type Milestone struct {
	ID           int64      `db:"id" json:"-"`
	IncidentID   int64      `db:"incident_id" json:"-"`
	Key          string     `db:"key" json:"key"`
	Title        string     `db:"title" json:"title"`
	Owner        string     `db:"owner" json:"owner"`
	Status       string     `db:"status" json:"status"`
	Progress     int        `db:"progress" json:"progress"`
	Position     int        `db:"position" json:"-"`
	PlannedStart *time.Time `db:"planned_start" json:"planned_start,omitempty"`
	PlannedEnd   *time.Time `db:"planned_end" json:"planned_end,omitempty"`
	ActualStart  *time.Time `db:"actual_start" json:"actual_start,omitempty"`
	ActualEnd    *time.Time `db:"actual_end" json:"actual_end,omitempty"`
	UpdatedAt    time.Time  `db:"updated_at" json:"updated_at"`
	UpdatedBy    string     `db:"updated_by" json:"updated_by"`
	Version      int        `db:"version" json:"version"`
	// Domains the progress is counted from (restore counts); Typed is then
	// the progress typed on the milestone, which Progress replaces.
	Domains []string `db:"-" json:"domains,omitempty"`
	Typed   int      `db:"-" json:"typed_progress,omitempty"`
}

// Update is one entry of a milestone's history.
type Update struct {
	ID           int64     `db:"id" json:"-"`
	MilestoneID  int64     `db:"milestone_id" json:"-"`
	At           time.Time `db:"at" json:"at"`
	Author       string    `db:"author" json:"author"`
	FromStatus   *string   `db:"from_status" json:"from_status"`
	ToStatus     string    `db:"to_status" json:"to_status"`
	FromProgress *int      `db:"from_progress" json:"from_progress"`
	ToProgress   int       `db:"to_progress" json:"to_progress"`
	Note         string    `db:"note" json:"note"`
}

const milestoneColumns = `id, incident_id, key, title, owner, status, progress, position,
	planned_start, planned_end, actual_start, actual_end, updated_at, updated_by, version`

// Milestones returns the incident's restore plan in its order, without
// voided milestones.
func Milestones(ctx context.Context, q db.Querier, incidentID int64) ([]Milestone, error) {
	var out []Milestone
	err := q.SelectContext(ctx, &out, `SELECT `+milestoneColumns+`
		FROM milestones WHERE incident_id = $1 AND voided_at IS NULL ORDER BY position, id`, incidentID)
	if err != nil {
		return out, db.MapError(err)
	}
	return out, countedProgress(ctx, q, incidentID, out)
}

// History returns a milestone's updates, oldest first.
func History(ctx context.Context, q db.Querier, milestoneID int64) ([]Update, error) {
	var out []Update
	err := q.SelectContext(ctx, &out, `
		SELECT id, milestone_id, at, author, from_status, to_status,
		       from_progress, to_progress, note
		FROM milestone_updates WHERE milestone_id = $1 ORDER BY at, id`, milestoneID)
	return out, db.MapError(err)
}

// Overall is the restore's progress as a whole: the plain mean of the
// milestones' progress (each step weighs the same), rounded down, so the
// plan never looks further along than it is. 0 with no milestones.
func Overall(ms []Milestone) int {
	if len(ms) == 0 {
		return 0
	}
	sum := 0
	for _, m := range ms {
		sum += m.Progress
	}
	return sum / len(ms)
}
