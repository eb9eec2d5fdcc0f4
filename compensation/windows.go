package compensation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"warroom/db"
)

// Windows are the incident's own baseline and outage windows (half-open:
// start included, end excluded), read from its fund, with the zone that
// times without an offset are read in.
type Windows struct {
	BaselineStart, BaselineEnd time.Time
	OutageStart, OutageEnd     time.Time
	Location                   *time.Location
	InKindValueFen             int64
}

// Baseline and Outage are the window lengths.
func (w Windows) Baseline() time.Duration { return w.BaselineEnd.Sub(w.BaselineStart) }
func (w Windows) Outage() time.Duration   { return w.OutageEnd.Sub(w.OutageStart) }

// InBaseline reports whether t counts towards the baseline sales.
func (w Windows) InBaseline(t time.Time) bool {
	return !t.Before(w.BaselineStart) && t.Before(w.BaselineEnd)
}

// LoadWindows reads the windows; an incident whose fund lacks either
// window cannot compute claims, and says so.
func LoadWindows(ctx context.Context, q db.Querier, incidentID int64) (Windows, error) {
	return loadWindows(ctx, q, incidentID, true)
}

// LoadBaseline reads the windows for what needs only the baseline (sales
// import): an outage still going on (its end follows the incident's
// resolution) leaves OutageEnd zero.
func LoadBaseline(ctx context.Context, q db.Querier, incidentID int64) (Windows, error) {
	return loadWindows(ctx, q, incidentID, false)
}

// ErrOutageOpen is LoadWindows refusing because the outage has not ended
// (its end follows the incident's resolution): nothing can be computed
// yet, though what the computation will use (a margin rate) can be set.
var ErrOutageOpen = errors.New("the outage has not ended")

// outageOpen is that refusal: bad input by field, and ErrOutageOpen.
type outageOpen struct{ error }

func (e outageOpen) Unwrap() []error { return []error{e.error, ErrOutageOpen} }

func loadWindows(ctx context.Context, q db.Querier, incidentID int64, outage bool) (Windows, error) {
	var row struct {
		BS, BE, OS, OE *time.Time
		Follows        bool
		TZ             string `db:"time_zone"`
		InKind         int64  `db:"inkind_value_fen"`
	}
	err := q.QueryRowxContext(ctx, `
		SELECT f.baseline_start, f.baseline_end, f.outage_start, f.outage_end, f.outage_end_follows, i.time_zone, f.inkind_value_fen
		FROM funds f JOIN incidents i ON i.id = f.incident_id WHERE f.incident_id = $1`, incidentID).
		Scan(&row.BS, &row.BE, &row.OS, &row.OE, &row.Follows, &row.TZ, &row.InKind)
	if err != nil {
		if db.IsNotFound(db.MapError(err)) {
			return Windows{}, ErrNoFund
		}
		return Windows{}, db.MapError(err)
	}
	if outage && row.OE == nil && row.Follows {
		return Windows{}, outageOpen{db.Invalid("fund", "the outage has not ended: its end follows the incident's resolution "+
			"(resolve the incident, or set the end with warroom fund set --outage-end T)")}
	}
	if row.BS == nil || row.BE == nil || (outage && (row.OS == nil || row.OE == nil)) {
		return Windows{}, db.Invalid("fund", "the baseline and outage windows must both be set before claims can be computed")
	}
	if row.OS == nil {
		row.OS = row.BE
	}
	if row.OE == nil {
		row.OE = row.OS
	}
	loc, err := time.LoadLocation(row.TZ)
	if err != nil {
		return Windows{}, fmt.Errorf("incident time zone %q: %w", row.TZ, err)
	}
	return Windows{BaselineStart: *row.BS, BaselineEnd: *row.BE, OutageStart: *row.OS, OutageEnd: *row.OE,
		Location: loc, InKindValueFen: row.InKind}, nil
}
