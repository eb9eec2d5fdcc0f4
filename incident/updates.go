package incident

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"warroom/db"
)

// Audiences a stakeholder update is written for.
var Audiences = []string{"internal", "executives", "customers"}

// The cadence a promise of the next update may set: shorter is noise,
// longer is no cadence.
const (
	MinNextIn = time.Minute
	MaxNextIn = 24 * time.Hour
)

// UpdateInput is a stakeholder update as its author writes it.
type UpdateInput struct {
	Audience string
	Text     string
	// NextIn promises the next update this long after this one; 0: no promise.
	NextIn time.Duration
}

// PostUpdate writes a stakeholder update: a timeline entry of kind
// "update", now, with its audience and when the next one is due.
// Engineers and commanders may (timeline grants).
func PostUpdate(ctx context.Context, q db.Querier, incidentID int64, in UpdateInput) (Entry, error) {
	var e Entry
	if !slices.Contains(Audiences, in.Audience) {
		return e, db.Invalid("audience", "%q is not one of %s", in.Audience, strings.Join(Audiences, ", "))
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return e, db.Invalid("text", "must not be empty")
	}
	if in.NextIn != 0 && (in.NextIn < MinNextIn || in.NextIn > MaxNextIn) {
		return e, db.Invalid("next_in", "%s: promise the next update between %s and %s from now", in.NextIn, MinNextIn, MaxNextIn)
	}
	title, body := updateTitle(text), ""
	if title != text {
		body = text
	}
	var next any
	if in.NextIn != 0 {
		next = in.NextIn.Seconds()
	}
	err := q.GetContext(ctx, &e, `
		INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, audience, next_update_at, author)
		VALUES ($1, 'update', $2, $3, now(), $4, now() + make_interval(secs => $5::float8), warroom_actor())
		RETURNING `+entryColumns, incidentID, title, body, in.Audience, next)
	if err != nil {
		return e, fmt.Errorf("update for %s: %w", in.Audience, db.MapError(err))
	}
	return e, nil
}

// updateTitle is the update's first line, cut to fit a title; the whole
// text then goes in the body.
func updateTitle(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > MaxTitle {
		r := []rune(line)
		line = string(r[:MaxTitle-1]) + "…"
	}
	return line
}

// Updates lists the incident's stakeholder updates, newest first.
func Updates(ctx context.Context, q db.Querier, incidentID int64) ([]Entry, error) {
	var out []Entry
	err := q.SelectContext(ctx, &out, `SELECT `+entryColumns+` FROM timeline_entries
		WHERE incident_id = $1 AND kind = 'update' AND voided_at IS NULL
		ORDER BY actual_start DESC, id DESC`, incidentID)
	return out, db.MapError(err)
}

// Cadence is when the next stakeholder update is due: the promise of the
// latest update. DueAt is nil when it made none, or the incident is resolved.
type Cadence struct {
	DueAt *time.Time `db:"due_at" json:"due_at"`
}

// NextUpdate reads the incident's cadence (warroom_next_update_due).
func NextUpdate(ctx context.Context, q db.Querier, incidentID int64) (Cadence, error) {
	var c Cadence
	err := q.GetContext(ctx, &c, `SELECT warroom_next_update_due($1) AS due_at`, incidentID)
	return c, db.MapError(err)
}

// Remaining is the time left until the next update is due, negative once
// it is overdue; ok is false when no update is due.
func (c Cadence) Remaining(now time.Time) (d time.Duration, ok bool) {
	if c.DueAt == nil {
		return 0, false
	}
	return c.DueAt.Sub(now), true
}

// OverdueMinutes is how many whole minutes the update is late, 0 when it
// is not (yet) or none is due.
func (c Cadence) OverdueMinutes(now time.Time) int {
	d, ok := c.Remaining(now)
	if !ok || d >= 0 {
		return 0
	}
	return int(-d / time.Minute)
}

// Label is what the header says: "next update in 12m", "update overdue 3m",
// or "" when no update is due. Minutes round up both ways: "in 0m" never
// shows before the moment, nor "overdue 0m" after it.
func (c Cadence) Label(now time.Time) string {
	d, ok := c.Remaining(now)
	switch {
	case !ok:
		return ""
	case d >= 0:
		return "next update in " + shortDuration((d + time.Minute - 1).Truncate(time.Minute))
	default:
		return "update overdue " + shortDuration((-d + time.Minute - 1).Truncate(time.Minute))
	}
}

func shortDuration(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h > 0 {
		return fmt.Sprintf("%dh %dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}
