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

// MaxTitle keeps a title (of an entry or a milestone) to one readable
// line; the body or the notes hold the rest.
const MaxTitle = 200

// EntryInput is what a person writes for a timeline entry. Planned entries
// set the planned time; entries that happened set the actual time.
type EntryInput struct {
	Kind      string
	Title     string
	Body      string
	At        time.Time
	End       *time.Time
	Precision string // "minute" (default), "day", or "approx" (a time not known exactly)
	Planned   bool
}

func (in EntryInput) validate() error {
	// An update is corrected like any entry (its audience and promise stay);
	// a new one is posted with PostUpdate, which asks for them.
	if !slices.Contains(Kinds, in.Kind) && in.Kind != "update" {
		return db.Invalid("kind", "%q is not one of %s", in.Kind, strings.Join(Kinds, ", "))
	}
	if strings.TrimSpace(in.Title) == "" {
		return db.Invalid("title", "must not be empty")
	}
	if n := utf8.RuneCountInString(in.Title); n > MaxTitle {
		return db.Invalid("title", "%d characters; keep it under %d and put the rest in the body", n, MaxTitle)
	}
	if in.At.IsZero() {
		return db.Invalid("at", "a time is required")
	}
	if in.End != nil && in.End.Before(in.At) {
		return db.Invalid("end", "is before the start")
	}
	if in.Precision != "" && in.Precision != "minute" && in.Precision != "day" && in.Precision != "approx" {
		return db.Invalid("precision", "%q is not minute, day or approx", in.Precision)
	}
	return nil
}

// columns returns planned_start, planned_end, actual_start, actual_end.
func (in EntryInput) columns() (ps, pe, as, ae *time.Time) {
	at := in.At
	if in.Planned {
		return &at, in.End, nil, nil
	}
	return nil, nil, &at, in.End
}

func (in EntryInput) precision() string {
	if in.Precision == "" {
		return "minute"
	}
	return in.Precision
}

const entryColumns = `id, incident_id, kind, title, body, precision, planned_start, planned_end,
	actual_start, actual_end, author, audience, next_update_at, created_at, updated_at, version`

// AddEntry writes a new timeline entry, authored by the transaction's actor.
func AddEntry(ctx context.Context, q db.Querier, incidentID int64, in EntryInput) (Entry, error) {
	var e Entry
	if err := in.validate(); err != nil {
		return e, err
	}
	if in.Kind == "update" {
		return e, db.Invalid("kind", "post a stakeholder update with its audience (PostUpdate)")
	}
	ps, pe, as, ae := in.columns()
	err := q.GetContext(ctx, &e, `
		INSERT INTO timeline_entries (incident_id, kind, title, body, precision,
		    planned_start, planned_end, actual_start, actual_end, author)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, warroom_actor())
		RETURNING `+entryColumns,
		incidentID, in.Kind, strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), in.precision(), ps, pe, as, ae)
	return e, db.MapError(err)
}

// EditEntry corrects an entry. The database keeps the version it replaces
// (see EntryHistory); a save against a version someone else has already
// replaced is refused with a db.ConflictError. A planned entry that is
// saved as happened keeps its planned time beside the actual one.
func EditEntry(ctx context.Context, q db.Querier, id int64, expectVersion int, in EntryInput) (Entry, error) {
	var e Entry
	if err := in.validate(); err != nil {
		return e, err
	}
	var cur Entry
	err := q.GetContext(ctx, &cur, `SELECT `+entryColumns+` FROM timeline_entries WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return e, fmt.Errorf("timeline entry %d: %w", id, db.ErrNotFound)
		}
		return e, err
	}
	if slices.Contains(LifecycleKinds, cur.Kind) {
		return e, db.Invalid("kind", "a %s entry records a decision and is not edited", cur.Kind)
	}
	if (cur.Kind == "update") != (in.Kind == "update") {
		return e, db.Invalid("kind", "an update stays an update, and another entry does not become one")
	}
	if expectVersion != 0 && cur.Version != expectVersion {
		var by string
		_ = q.GetContext(ctx, &by, `SELECT replaced_by FROM timeline_entry_versions
			WHERE entry_id = $1 ORDER BY version DESC LIMIT 1`, id)
		if by == "" {
			by = cur.Author
		}
		return e, &db.ConflictError{What: fmt.Sprintf("timeline entry %d", id), By: by, At: cur.UpdatedAt}
	}
	ps, pe, as, ae := in.columns()
	if !in.Planned {
		ps, pe = cur.PlannedStart, cur.PlannedEnd
	}
	err = q.GetContext(ctx, &e, `
		UPDATE timeline_entries SET kind = $2, title = $3, body = $4, precision = $5,
		    planned_start = $6, planned_end = $7, actual_start = $8, actual_end = $9
		WHERE id = $1 RETURNING `+entryColumns,
		id, in.Kind, strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), in.precision(), ps, pe, as, ae)
	return e, db.MapError(err)
}

// EntryVersion is an earlier version of a timeline entry and who replaced it.
type EntryVersion struct {
	Version    int        `db:"version" json:"version"`
	Kind       string     `db:"kind" json:"kind"`
	Title      string     `db:"title" json:"title"`
	Body       string     `db:"body" json:"body"`
	At         *time.Time `db:"at" json:"at"`
	Author     string     `db:"author" json:"author"`
	UpdatedAt  time.Time  `db:"updated_at" json:"updated_at"`
	ReplacedBy string     `db:"replaced_by" json:"replaced_by"`
	ReplacedAt time.Time  `db:"replaced_at" json:"replaced_at"`
}

// EntryHistory lists the versions an entry had before its current one,
// oldest first.
func EntryHistory(ctx context.Context, q db.Querier, id int64) ([]EntryVersion, error) {
	var out []EntryVersion
	err := q.SelectContext(ctx, &out, `
		SELECT version, kind, title, body, COALESCE(actual_start, planned_start) AS at,
		       author, updated_at, replaced_by, replaced_at
		FROM timeline_entry_versions WHERE entry_id = $1 ORDER BY version`, id)
	return out, db.MapError(err)
}
