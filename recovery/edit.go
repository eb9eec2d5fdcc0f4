package recovery

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"warroom/db"
	"warroom/incident"
)

// MilestoneEdit changes what a milestone is (its title, owner and planned times),
// not how far along it is (Set). Nil fields keep their value.
type MilestoneEdit struct {
	Key string
	// ExpectVersion is the version the editor saw; a newer one refuses the
	// save with a db.ConflictError, as Set does. 0: whatever is current.
	ExpectVersion int
	Title         *string
	Owner         *string
	PlannedStart  *time.Time
	PlannedEnd    *time.Time
	// ClearPlanned removes both planned times (before applying the new ones).
	ClearPlanned bool
}

// Edit applies e to the incident's milestone, voided ones excepted.
func Edit(ctx context.Context, q db.Querier, incidentID int64, e MilestoneEdit) (Milestone, error) {
	var cur Milestone
	err := q.GetContext(ctx, &cur, `SELECT `+milestoneColumns+` FROM milestones
		WHERE incident_id = $1 AND key = $2 AND voided_at IS NULL FOR UPDATE`, incidentID, e.Key)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return cur, fmt.Errorf("milestone %q: %w", e.Key, db.ErrNotFound)
		}
		return cur, err
	}
	if e.ExpectVersion != 0 && e.ExpectVersion != cur.Version {
		return cur, &db.ConflictError{What: "milestone " + e.Key, By: cur.UpdatedBy, At: cur.UpdatedAt}
	}
	next := cur
	if e.Title != nil {
		t := strings.TrimSpace(*e.Title)
		if t == "" {
			return cur, db.Invalid("title", "must not be empty")
		}
		if l := utf8.RuneCountInString(t); l > incident.MaxTitle {
			return cur, db.Invalid("title", "%d characters; keep it under %d and put the rest in a note", l, incident.MaxTitle)
		}
		next.Title = t
	}
	if e.Owner != nil {
		next.Owner = strings.TrimSpace(*e.Owner)
	}
	if e.ClearPlanned {
		next.PlannedStart, next.PlannedEnd = nil, nil
	}
	if e.PlannedStart != nil {
		next.PlannedStart = e.PlannedStart
	}
	if e.PlannedEnd != nil {
		next.PlannedEnd = e.PlannedEnd
	}
	if next.PlannedStart != nil && next.PlannedEnd != nil && next.PlannedEnd.Before(*next.PlannedStart) {
		return cur, db.Invalid("planned_end", "is before the planned start")
	}
	if next.Title == cur.Title && next.Owner == cur.Owner && sameTime(next.PlannedStart, cur.PlannedStart) &&
		sameTime(next.PlannedEnd, cur.PlannedEnd) {
		return cur, db.Invalid("key", "nothing to change: give a new title, owner or planned time")
	}
	err = q.GetContext(ctx, &next, `
		UPDATE milestones SET title = $2, owner = $3, planned_start = $4, planned_end = $5,
		    updated_at = now(), updated_by = warroom_actor()
		WHERE id = $1 RETURNING `+milestoneColumns,
		cur.ID, next.Title, next.Owner, next.PlannedStart, next.PlannedEnd)
	return next, db.MapError(err)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
