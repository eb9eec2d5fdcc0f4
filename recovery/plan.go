package recovery

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"warroom/db"
	"warroom/incident"
)

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// NewMilestone is a step a commander adds to the restore plan.
type NewMilestone struct {
	Key          string
	Title        string
	Owner        string
	PlannedStart *time.Time
	PlannedEnd   *time.Time
}

// Add appends a milestone at the end of the plan.
func Add(ctx context.Context, q db.Querier, incidentID int64, n NewMilestone) (Milestone, error) {
	var m Milestone
	if !keyPattern.MatchString(n.Key) {
		return m, db.Invalid("key", "%q: use lower-case letters, digits, '-', '_' or '.', starting with a letter or digit", n.Key)
	}
	if strings.TrimSpace(n.Title) == "" {
		return m, db.Invalid("title", "must not be empty")
	}
	if l := utf8.RuneCountInString(strings.TrimSpace(n.Title)); l > incident.MaxTitle {
		return m, db.Invalid("title", "%d characters; keep it under %d and put the rest in a note", l, incident.MaxTitle)
	}
	if n.PlannedStart != nil && n.PlannedEnd != nil && n.PlannedEnd.Before(*n.PlannedStart) {
		return m, db.Invalid("planned_end", "is before the planned start")
	}
	err := q.GetContext(ctx, &m, `
		INSERT INTO milestones (incident_id, key, title, owner, position, planned_start, planned_end, updated_by)
		VALUES ($1, $2, $3, $4,
		        (SELECT COALESCE(max(position), 0) + 1 FROM milestones WHERE incident_id = $1),
		        $5, $6, warroom_actor())
		RETURNING `+milestoneColumns,
		incidentID, n.Key, strings.TrimSpace(n.Title), strings.TrimSpace(n.Owner), n.PlannedStart, n.PlannedEnd)
	if err != nil {
		return m, fmt.Errorf("milestone %q: %w", n.Key, db.MapError(err))
	}
	return m, nil
}

// Move swaps a milestone with its neighbour (delta -1 up, +1 down). Both rows
// are locked, so two commanders reordering at once cannot lose a move;
// expectVersion (0: any) refuses a move of a milestone changed meanwhile.
func Move(ctx context.Context, q db.Querier, incidentID int64, key string, delta, expectVersion int) error {
	if delta != -1 && delta != 1 {
		return db.Invalid("delta", "move by one place, up (-1) or down (+1)")
	}
	var ms []Milestone
	err := q.SelectContext(ctx, &ms, `SELECT `+milestoneColumns+` FROM milestones
		WHERE incident_id = $1 AND voided_at IS NULL ORDER BY position, id FOR UPDATE`, incidentID)
	if err != nil {
		return db.MapError(err)
	}
	i := -1
	for j, m := range ms {
		if m.Key == key {
			i = j
		}
	}
	if i < 0 {
		return fmt.Errorf("milestone %q: %w", key, db.ErrNotFound)
	}
	if expectVersion != 0 && ms[i].Version != expectVersion {
		return &db.ConflictError{What: "milestone " + key, By: ms[i].UpdatedBy, At: ms[i].UpdatedAt}
	}
	j := i + delta
	if j < 0 || j >= len(ms) {
		return nil // already first or last
	}
	// Renumber the whole plan in order: positions may have gaps or ties.
	ms[i], ms[j] = ms[j], ms[i]
	for pos, m := range ms {
		if m.Position == pos+1 {
			continue
		}
		if _, err := q.ExecContext(ctx, `UPDATE milestones SET position = $2 WHERE id = $1`, m.ID, pos+1); err != nil {
			return db.MapError(err)
		}
	}
	return nil
}

// AllHistory returns every milestone update of an incident, oldest first,
// keyed by milestone id.
func AllHistory(ctx context.Context, q db.Querier, incidentID int64) (map[int64][]Update, error) {
	var all []Update
	err := q.SelectContext(ctx, &all, `
		SELECT u.id, u.milestone_id, u.at, u.author, u.from_status, u.to_status,
		       u.from_progress, u.to_progress, u.note
		FROM milestone_updates u JOIN milestones m ON m.id = u.milestone_id
		WHERE m.incident_id = $1 ORDER BY u.at, u.id`, incidentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	out := make(map[int64][]Update)
	for _, u := range all {
		out[u.MilestoneID] = append(out[u.MilestoneID], u)
	}
	return out, nil
}
