package compensation

import (
	"context"
	"time"

	"warroom/db"
)

// Terms are a fund's terms: the windows that price cash claims, the payout
// threshold above which a payout needs a second person, and the in-kind
// plan's value. OutageEndFollows: no outage end was given, so it is the
// incident's resolution (none while the incident is open).
type Terms struct {
	Currency         string     `db:"currency" json:"currency"`
	BaselineStart    *time.Time `db:"baseline_start" json:"baseline_start"`
	BaselineEnd      *time.Time `db:"baseline_end" json:"baseline_end"`
	OutageStart      *time.Time `db:"outage_start" json:"outage_start"`
	OutageEnd        *time.Time `db:"outage_end" json:"outage_end"`
	OutageEndFollows bool       `db:"outage_end_follows" json:"outage_end_follows_resolution"`
	ThresholdFen     int64      `db:"payout_approval_fen" json:"payout_threshold_fen"`
	InKindValueFen   int64      `db:"inkind_value_fen" json:"inkind_value_fen"`
}

// LoadTerms reads the fund's terms; db.ErrNotFound when it has none.
func LoadTerms(ctx context.Context, q db.Querier, incidentID int64) (Terms, error) {
	var t Terms
	err := q.GetContext(ctx, &t, `
		SELECT currency, baseline_start, baseline_end, outage_start, outage_end, outage_end_follows,
		       payout_approval_fen, inkind_value_fen
		FROM funds WHERE incident_id = $1`, incidentID)
	return t, db.MapError(err)
}

// OpenInput is a new fund's terms. A nil OutageEnd follows the incident's
// resolution; a nil InKindValueFen keeps the default value.
type OpenInput struct {
	Currency                   string
	BaselineStart, BaselineEnd time.Time
	OutageStart                time.Time
	OutageEnd                  *time.Time
	ThresholdFen               int64
	InKindValueFen             *int64
	InKindSource               string
}

// OpenFund opens the incident's fund through warroom_open_fund, which
// refuses a login without the commander role and a second fund.
func OpenFund(ctx context.Context, q db.Querier, incidentID int64, in OpenInput) error {
	if !in.BaselineEnd.After(in.BaselineStart) {
		return db.Invalid("--baseline-end", "must be after --baseline-start")
	}
	if in.OutageEnd != nil && !in.OutageEnd.After(in.OutageStart) {
		return db.Invalid("--outage-end", "must be after --outage-start")
	}
	_, err := q.ExecContext(ctx, `SELECT warroom_open_fund($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		incidentID, in.Currency, in.BaselineStart, in.BaselineEnd, in.OutageStart, in.OutageEnd,
		in.ThresholdFen, in.InKindValueFen, in.InKindSource)
	return db.MapError(err)
}

// WindowChange is a change of some of the fund's window bounds (nil: kept).
type WindowChange struct {
	BaselineStart, BaselineEnd, OutageStart, OutageEnd *time.Time
}

// Empty reports whether the change names no bound.
func (c WindowChange) Empty() bool {
	return c.BaselineStart == nil && c.BaselineEnd == nil && c.OutageStart == nil && c.OutageEnd == nil
}

// Payload is the fund_terms request's body.
func (c WindowChange) Payload() map[string]string {
	p := map[string]string{}
	for k, v := range map[string]*time.Time{"baseline_start": c.BaselineStart, "baseline_end": c.BaselineEnd,
		"outage_start": c.OutageStart, "outage_end": c.OutageEnd} {
		if v != nil {
			p[k] = v.UTC().Format(time.RFC3339Nano)
		}
	}
	return p
}

// apply returns the terms' windows after the change.
func (c WindowChange) apply(t Terms) Terms {
	for _, p := range []struct{ dst, src **time.Time }{{&t.BaselineStart, &c.BaselineStart},
		{&t.BaselineEnd, &c.BaselineEnd}, {&t.OutageStart, &c.OutageStart}, {&t.OutageEnd, &c.OutageEnd}} {
		if *p.src != nil {
			*p.dst = *p.src
		}
	}
	return t
}

// WindowImpact is what a window change does to the claims still open to
// recomputation (awaiting rate, computed, chosen); approved and paid
// claims keep their figures.
type WindowImpact struct {
	Claims        int64 `db:"claims" json:"claims"`
	Changing      int64 `db:"changing" json:"changing"`
	CashBeforeFen int64 `db:"cash_before_fen" json:"cash_before_fen"`
	CashAfterFen  int64 `db:"cash_after_fen" json:"cash_after_fen"`
	FundMoveFen   int64 `db:"fund_move_fen" json:"fund_move_fen"` // change in what the claims cost the fund
	FrozenClaims  int64 `db:"frozen" json:"frozen_claims"`
}

// PreviewWindows computes WindowImpact without writing anything. Claims
// are priced as warroom_fund_recompute prices them: their own baseline and
// margin over the new windows.
func PreviewWindows(ctx context.Context, q db.Querier, incidentID int64, c WindowChange) (WindowImpact, error) {
	t, err := LoadTerms(ctx, q, incidentID)
	if err != nil {
		return WindowImpact{}, err
	}
	n := c.apply(t)
	if n.BaselineStart != nil && n.BaselineEnd != nil && !n.BaselineEnd.After(*n.BaselineStart) {
		return WindowImpact{}, db.Invalid("--baseline-end", "must be after the baseline start")
	}
	if n.OutageStart != nil && n.OutageEnd != nil && !n.OutageEnd.After(*n.OutageStart) {
		return WindowImpact{}, db.Invalid("--outage-end", "must be after the outage start")
	}
	var imp WindowImpact
	err = q.GetContext(ctx, &imp, `
		WITH x AS (
		    SELECT state, plan, cash_fen,
		           CASE WHEN margin_percent IS NULL OR $2::timestamptz IS NULL OR $3::timestamptz IS NULL
		                     OR $4::timestamptz IS NULL OR $5::timestamptz IS NULL THEN cash_fen
		                ELSE warroom_cash_fen(baseline_fen, margin_percent,
		                         extract(epoch FROM $5::timestamptz - $4::timestamptz),
		                         extract(epoch FROM $3::timestamptz - $2::timestamptz)) END AS new_cash
		    FROM claims WHERE incident_id = $1)
		SELECT count(*) FILTER (WHERE state IN ('awaiting_rate', 'computed', 'chosen')) AS claims,
		       count(*) FILTER (WHERE state IN ('awaiting_rate', 'computed', 'chosen') AND cash_fen IS DISTINCT FROM new_cash) AS changing,
		       COALESCE(sum(cash_fen) FILTER (WHERE state IN ('computed', 'chosen')), 0)::bigint AS cash_before_fen,
		       COALESCE(sum(new_cash) FILTER (WHERE state IN ('computed', 'chosen')), 0)::bigint AS cash_after_fen,
		       COALESCE(sum(CASE WHEN plan = 'traffic' THEN 0 ELSE COALESCE(new_cash, 0) - COALESCE(cash_fen, 0) END)
		                FILTER (WHERE state IN ('awaiting_rate', 'computed', 'chosen')), 0)::bigint AS fund_move_fen,
		       count(*) FILTER (WHERE state IN ('approved', 'paid')) AS frozen
		FROM x`, incidentID, n.BaselineStart, n.BaselineEnd, n.OutageStart, n.OutageEnd)
	return imp, db.MapError(err)
}

// SetWindows changes the windows and recomputes the unapproved claims in
// the caller's transaction, as the fund_terms operation does. A login is
// refused with db.ErrNeedsApproval (the change is that operation's).
func SetWindows(ctx context.Context, q db.Querier, incidentID int64, c WindowChange) (int64, error) {
	if c.Empty() {
		return 0, nil
	}
	res, err := q.ExecContext(ctx, `
		UPDATE funds SET baseline_start = COALESCE($2, baseline_start), baseline_end = COALESCE($3, baseline_end),
		       outage_start = COALESCE($4, outage_start), outage_end = COALESCE($5, outage_end),
		       outage_end_follows = outage_end_follows AND $5::timestamptz IS NULL
		WHERE incident_id = $1`, incidentID, c.BaselineStart, c.BaselineEnd, c.OutageStart, c.OutageEnd)
	if err != nil {
		return 0, db.MapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, ErrNoFund
	}
	var n int64
	err = q.GetContext(ctx, &n, `SELECT warroom_fund_recompute($1)`, incidentID)
	return n, db.MapError(err)
}

// SetThreshold changes the payout approval threshold; a login is refused
// with db.ErrNeedsApproval (the payout_threshold operation's).
func SetThreshold(ctx context.Context, q db.Querier, incidentID int64, fen int64) error {
	_, err := q.ExecContext(ctx, `UPDATE funds SET payout_approval_fen = $2 WHERE incident_id = $1`, incidentID, fen)
	return db.MapError(err)
}

// SetInKindFacts writes what the in-kind plan gives a merchant (plan) and
// who valued it (source; empty: the value is an assumption). nil keeps a
// field. They describe the plan and move no money: any writer of the fund
// sets them, where its value is an approved change.
func SetInKindFacts(ctx context.Context, q db.Querier, incidentID int64, plan, source *string) error {
	if plan == nil && source == nil {
		return nil
	}
	res, err := q.ExecContext(ctx, `UPDATE funds SET inkind_plan = COALESCE(btrim($2), inkind_plan),
		inkind_value_source = COALESCE(btrim($3), inkind_value_source) WHERE incident_id = $1`, incidentID, plan, source)
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}
