package incident

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"warroom/db"
	"warroom/glossary"
)

// ActionStatuses an action item can be in. "wont_do" needs a reason.
var ActionStatuses = []string{"open", "in_progress", "done", "wont_do"}

// FollowUps is the measure an action item joins when none is named: a
// newly declared incident has no remediation measures yet.
const FollowUps = "Follow-ups"

func actionColumnsOf(alias string) string {
	cols := []string{"id", "measure_id", "title", "owner", "status", "due", "reason", "updated_at", "updated_by", "version"}
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// Overdue reports whether the item is still to do and its due date is
// before today in loc (the incident's zone).
func (a ActionItem) Overdue(now time.Time, loc *time.Location) bool {
	if a.Due == nil || a.Status == "done" || a.Status == "wont_do" {
		return false
	}
	y, m, d := now.In(loc).Date()
	dy, dm, dd := a.Due.Date() // a date column: midnight, read as UTC
	return time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC).Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// ActionCounts is what the Accountability header counts. Overdue items are
// also counted as open.
type ActionCounts struct {
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	Done    int `json:"done"`
	WontDo  int `json:"wont_do"`
}

// CountActions counts the items of every measure.
func CountActions(ms []Measure, now time.Time, loc *time.Location) ActionCounts {
	var c ActionCounts
	for _, m := range ms {
		for _, it := range m.Items {
			switch it.Status {
			case "done":
				c.Done++
			case "wont_do":
				c.WontDo++
			default:
				c.Open++
				if it.Overdue(now, loc) {
					c.Overdue++
				}
			}
		}
	}
	return c
}

func validTitle(field, s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return db.Invalid(field, "must not be empty")
	}
	if n := utf8.RuneCountInString(s); n > MaxTitle {
		return db.Invalid(field, "%d characters; keep it under %d", n, MaxTitle)
	}
	return nil
}

// AddMeasure appends a remediation measure. Engineers and commanders may.
func AddMeasure(ctx context.Context, q db.Querier, incidentID int64, title, summary string) (Measure, error) {
	var m Measure
	if err := validTitle("title", title); err != nil {
		return m, err
	}
	err := q.GetContext(ctx, &m, `
		INSERT INTO remediation_measures (incident_id, position, title, summary)
		VALUES ($1, (SELECT COALESCE(max(position), 0) + 1 FROM remediation_measures WHERE incident_id = $1), $2, $3)
		RETURNING id, position, title, summary`, incidentID, strings.TrimSpace(title), strings.TrimSpace(summary))
	return m, db.MapError(err)
}

// AddFinding records what a person answered for, adding the person to the
// incident when new. Commanders only: it is a judgement about someone.
func AddFinding(ctx context.Context, q db.Querier, incidentID int64, person, finding, consequence string) (Finding, error) {
	var f Finding
	if err := validTitle("person", person); err != nil {
		return f, err
	}
	if strings.TrimSpace(finding) == "" {
		return f, db.Invalid("finding", "must not be empty")
	}
	var pid int64
	err := q.GetContext(ctx, &pid, `
		WITH ins AS (INSERT INTO people (incident_id, name) VALUES ($1, $2)
		             ON CONFLICT (incident_id, name) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM people WHERE incident_id = $1 AND name = $2`,
		incidentID, strings.TrimSpace(person))
	if err != nil {
		return f, fmt.Errorf("person %q: %w", person, db.MapError(err))
	}
	err = q.GetContext(ctx, &f, `
		INSERT INTO findings (incident_id, person_id, position, finding, consequence)
		VALUES ($1, $2, (SELECT COALESCE(max(position), 0) + 1 FROM findings WHERE incident_id = $1), $3, $4)
		RETURNING id, person_id, finding, consequence`,
		incidentID, pid, strings.TrimSpace(finding), strings.TrimSpace(consequence))
	return f, db.MapError(err)
}

// NewActionItem is an action item as a person adds it. MeasureID 0 files it
// under the incident's FollowUps measure, made when missing.
type NewActionItem struct {
	MeasureID int64
	Title     string
	Owner     string
	Due       *time.Time // a date; the time of day is ignored
}

// AddActionItem appends an open action item to a measure of the incident.
// Engineers and commanders may.
func AddActionItem(ctx context.Context, q db.Querier, incidentID int64, n NewActionItem) (ActionItem, error) {
	var a ActionItem
	if err := validTitle("title", n.Title); err != nil {
		return a, err
	}
	measure := n.MeasureID
	if measure == 0 {
		err := q.GetContext(ctx, &measure, `SELECT id FROM remediation_measures
			WHERE incident_id = $1 AND title = $2 ORDER BY position LIMIT 1`, incidentID, FollowUps)
		if err = db.MapError(err); db.IsNotFound(err) {
			var m Measure
			m, err = AddMeasure(ctx, q, incidentID, FollowUps, "")
			measure = m.ID
		}
		if err != nil {
			return a, err
		}
	}
	err := q.GetContext(ctx, &a, `
		INSERT INTO action_items (measure_id, position, title, owner, due, updated_by)
		SELECT m.id, (SELECT COALESCE(max(position), 0) + 1 FROM action_items WHERE measure_id = m.id),
		       $3, $4, $5::date, warroom_actor()
		FROM remediation_measures m WHERE m.id = $2 AND m.incident_id = $1
		RETURNING `+actionColumnsOf("action_items"),
		incidentID, measure, strings.TrimSpace(n.Title), strings.TrimSpace(n.Owner), dateOnly(n.Due))
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return a, fmt.Errorf("remediation measure %d of this incident: %w", measure, db.ErrNotFound)
		}
		return a, err
	}
	return a, nil
}

func dateOnly(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.DateOnly)
}

// ActionChange edits an action item; nil fields keep their value.
type ActionChange struct {
	// ExpectVersion is the version the editor saw (0: any); a newer one
	// refuses the save with a db.ConflictError.
	ExpectVersion int
	Title         *string
	Owner         *string
	Due           *time.Time
	ClearDue      bool
	Status        *string
	// Reason is required when the status becomes wont_do.
	Reason string
}

// SetActionItem changes an action item of the incident.
func SetActionItem(ctx context.Context, q db.Querier, incidentID, id int64, c ActionChange) (ActionItem, error) {
	var cur ActionItem
	err := q.GetContext(ctx, &cur, `SELECT `+actionColumnsOf("a")+`
		FROM action_items a JOIN remediation_measures m ON m.id = a.measure_id
		WHERE a.id = $1 AND m.incident_id = $2 FOR UPDATE OF a`, id, incidentID)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return cur, fmt.Errorf("action item %d: %w", id, db.ErrNotFound)
		}
		return cur, err
	}
	if c.ExpectVersion != 0 && c.ExpectVersion != cur.Version {
		return cur, &db.ConflictError{What: fmt.Sprintf("action item %d", id), By: cur.UpdatedBy, At: cur.UpdatedAt}
	}
	next := cur
	if c.Title != nil {
		if err := validTitle("title", *c.Title); err != nil {
			return cur, err
		}
		next.Title = strings.TrimSpace(*c.Title)
	}
	if c.Owner != nil {
		next.Owner = strings.TrimSpace(*c.Owner)
	}
	if c.Due != nil {
		next.Due = c.Due
	}
	if c.ClearDue {
		next.Due = nil
	}
	if c.Status != nil {
		// Either spelling: "won't do", as people read it, or "wont_do".
		v, ok := glossary.ActionStatuses.Parse(*c.Status)
		if !ok || !slices.Contains(ActionStatuses, v) {
			return cur, db.Invalid("status", "%q is not one of %s", *c.Status, strings.Join(glossary.ActionStatuses.Words(), ", "))
		}
		next.Status = v
	}
	if r := strings.TrimSpace(c.Reason); r != "" {
		next.Reason = r
	}
	if next.Status == "wont_do" && next.Status != cur.Status && strings.TrimSpace(c.Reason) == "" {
		return cur, db.Invalid("reason", "say why it won't be done")
	}
	if next.Status != "wont_do" && strings.TrimSpace(c.Reason) == "" {
		next.Reason = ""
	}
	err = q.GetContext(ctx, &next, `
		UPDATE action_items SET title = $2, owner = $3, due = $4::date, status = $5, reason = $6,
		    updated_at = now(), updated_by = warroom_actor()
		WHERE id = $1 RETURNING `+actionColumnsOf("action_items"),
		id, next.Title, next.Owner, dateOnly(next.Due), next.Status, next.Reason)
	return next, db.MapError(err)
}
