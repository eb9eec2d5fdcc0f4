package recovery

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"warroom/db"
	"warroom/glossary"
)

// Change is one update to a milestone; nil fields keep their value.
type Change struct {
	Key string
	// ExpectVersion is the version the editor saw. A save against a newer
	// version is refused with a db.ConflictError. 0 applies the change to
	// whatever is current (a script saying "set progress to 80").
	ExpectVersion int
	Progress      *int
	Status        *string
	Note          string
}

// apply works out the milestone's new status and progress, or says which
// field is wrong. Rules: progress is 0-100; blocked needs a note saying
// what blocks it; done means 100%.
func (c Change) apply(cur Milestone) (status string, progress int, err error) {
	status, progress = cur.Status, cur.Progress
	if c.Status != nil {
		// Either spelling: "in progress", as people read it, or "in_progress".
		v, ok := glossary.MilestoneStatuses.Parse(*c.Status)
		if !ok || !slices.Contains(Statuses, v) {
			return "", 0, db.Invalid("status", "%q is not one of %s", *c.Status, strings.Join(glossary.MilestoneStatuses.Words(), ", "))
		}
		status = v
	}
	if c.Progress != nil {
		if *c.Progress < 0 || *c.Progress > 100 {
			return "", 0, db.Invalid("progress", "%d is outside 0-100", *c.Progress)
		}
		progress = *c.Progress
	}
	if status == "done" {
		if c.Progress != nil && *c.Progress != 100 {
			return "", 0, db.Invalid("progress", "a done milestone is at 100%%, not %d%%", *c.Progress)
		}
		progress = 100
	}
	if status == "blocked" && status != cur.Status && strings.TrimSpace(c.Note) == "" {
		return "", 0, db.Invalid("note", "say what blocks it")
	}
	if status == cur.Status && progress == cur.Progress && strings.TrimSpace(c.Note) == "" {
		return "", 0, db.Invalid("progress", "nothing to change: give a new progress, status or a note")
	}
	return status, progress, nil
}

// Set updates one milestone and records the update in its history. Run it
// inside db.Write so the two land together.
func Set(ctx context.Context, q db.Querier, incidentID int64, c Change) (Milestone, error) {
	var cur Milestone
	err := q.GetContext(ctx, &cur, `SELECT `+milestoneColumns+` FROM milestones
		WHERE incident_id = $1 AND key = $2 FOR UPDATE`, incidentID, c.Key)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return cur, fmt.Errorf("milestone %q: %w", c.Key, db.ErrNotFound)
		}
		return cur, err
	}
	if c.ExpectVersion != 0 && c.ExpectVersion != cur.Version {
		return cur, &db.ConflictError{What: "milestone " + c.Key, By: cur.UpdatedBy, At: cur.UpdatedAt}
	}
	status, progress, err := c.apply(cur)
	if err != nil {
		return cur, err
	}
	var next Milestone
	err = q.GetContext(ctx, &next, `
		UPDATE milestones SET
		    status = $2, progress = $3, updated_at = now(), updated_by = warroom_actor(),
		    actual_start = CASE WHEN $2 <> 'planned' THEN COALESCE(actual_start, now()) END,
		    actual_end = CASE WHEN $2 = 'done' THEN COALESCE(actual_end, now()) END
		WHERE id = $1 RETURNING `+milestoneColumns, cur.ID, status, progress)
	if err != nil {
		return cur, db.MapError(err)
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO milestone_updates (milestone_id, author, from_status, to_status, from_progress, to_progress, note)
		VALUES ($1, warroom_actor(), $2, $3, $4, $5, $6)`,
		cur.ID, cur.Status, status, cur.Progress, progress, strings.TrimSpace(c.Note))
	return next, db.MapError(err)
}
