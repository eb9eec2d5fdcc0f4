// Package report makes the incident report: one self-contained document
// (HTML with inline CSS and SVG charts, or Markdown with the charts as
// tables) from the facts the database holds. Gather reads them through the
// domain packages and a few aggregate queries of its own, never one row per
// merchant, so an incident of a million merchants reports in seconds;
// HTML and Markdown render what Gather read, escaping every text that came
// from the database. The words are in words.go.
package report

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/incident"
	"warroom/recovery"
)

// Report is everything a report shows, read at one moment.
type Report struct {
	Words     Words
	Incident  incident.Incident
	Loc       *time.Location
	Made      time.Time // when the report was made
	Commander string

	Timeline   []incident.Entry
	Milestones []recovery.Milestone
	History    map[int64][]recovery.Update
	Account    incident.Accountability

	Impact Impact
	// Fund is nil when the incident has no fund; the rest of the fund
	// section is read only when it has one.
	Fund       *compensation.Fund
	Terms      compensation.Terms
	Drawdown   []compensation.DrawdownPoint
	Pipeline   []compensation.Stage
	Projection compensation.Projection
	Example    *compensation.MerchantDetail
	// OutageHours and BaselineDays are the formula's windows, as a person
	// reads them ("206", "6"); empty when the fund's windows are not set.
	OutageHours, BaselineDays string

	Chain access.Verification
}

// Impact is the incident in numbers, all aggregates.
type Impact struct {
	Merchants  int64
	Claims     int64
	PaidClaims int64
	PaidFen    int64
}

// Gather reads the report of inc. The incident's own facts are read in one
// read-only snapshot; the audit chain is verified after it, so the head the
// report prints covers every write the report shows.
func Gather(ctx context.Context, conn *sqlx.DB, inc incident.Incident, made time.Time) (*Report, error) {
	r := &Report{Words: English, Incident: inc, Loc: inc.Location(), Made: made}
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, db.MapError(err)
	}
	defer tx.Rollback()
	if err := r.read(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, db.MapError(err)
	}
	if r.Chain, err = access.Verify(ctx, conn); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Report) read(ctx context.Context, q db.Querier) error {
	id := r.Incident.ID
	var err error
	if r.Commander, err = incident.Commander(ctx, q, id); err != nil {
		return err
	}
	if r.Timeline, err = incident.Timeline(ctx, q, id); err != nil {
		return err
	}
	if r.Milestones, err = recovery.Milestones(ctx, q, id); err != nil {
		return err
	}
	if r.History, err = recovery.AllHistory(ctx, q, id); err != nil {
		return err
	}
	if r.Account, err = incident.LoadAccountability(ctx, q, id); err != nil {
		return err
	}
	if r.Impact.Merchants, err = merchantCount(ctx, q, id); err != nil {
		return err
	}
	fund, err := compensation.LoadFund(ctx, q, id, r.Incident.Slug)
	if db.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	r.Fund = &fund
	r.Impact.Claims, r.Impact.PaidClaims, r.Impact.PaidFen = fund.Claims, fund.PaidClaims, fund.PaidFen
	if r.Terms, err = compensation.LoadTerms(ctx, q, id); err != nil {
		return err
	}
	if r.Drawdown, err = compensation.Drawdown(ctx, q, id, r.Incident.TimeZone, fund.PledgedFen); err != nil {
		return err
	}
	if r.Pipeline, err = compensation.Pipeline(ctx, q, id); err != nil {
		return err
	}
	if r.Projection, err = compensation.Project(ctx, q, id); err != nil {
		return err
	}
	w, err := compensation.LoadWindows(ctx, q, id)
	if err != nil {
		// Windows not set (or the outage still running): no formula hours
		// and no example yet; the rest of the fund still reports.
		if errors.Is(err, db.ErrInvalidInput) {
			return nil
		}
		return err
	}
	r.OutageHours = compensation.TrimDecimal(hours(w.Outage()))
	r.BaselineDays = compensation.TrimDecimal(hours(w.Baseline() / 24))
	merchant, ok, err := exampleMerchant(ctx, q, id)
	if err != nil || !ok {
		return err
	}
	d, err := compensation.Merchant(ctx, q, id, merchant)
	if err != nil {
		return err
	}
	r.Example = &d
	return nil
}

// merchantCount is how many merchants the incident affected (imported).
func merchantCount(ctx context.Context, q db.Querier, incidentID int64) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT count(*) FROM merchants WHERE incident_id = $1`, incidentID)
	return n, db.MapError(err)
}

// exampleMerchant picks the claim the worked example shows: the first
// (lowest id) paid cash claim, else the first cash claim with an amount
// not rejected, so the example shows money that actually moved when some
// did. Each is a walk of the primary key (id, incident_id, merchant_id)
// of each of the incident's sub-partitions (one per batch of claims built
// in bulk, and the DEFAULT one), merged in id order: a walk stops at its
// first match, or goes through a batch that has none; then one merchant by
// its key. No sort of a million claims.
func exampleMerchant(ctx context.Context, q db.Querier, incidentID int64) (string, bool, error) {
	for _, where := range []string{
		`state = 'paid' AND plan = 'cash'`,
		`state <> 'rejected' AND (plan = 'cash' OR plan IS NULL) AND cash_fen IS NOT NULL`,
	} {
		var m string
		err := db.MapError(q.GetContext(ctx, &m, `
			SELECT m.merchant_id FROM merchants m
			WHERE m.incident_id = $1 AND m.id = (
				SELECT c.merchant_id FROM claims c WHERE c.incident_id = $1 AND `+where+`
				ORDER BY c.id LIMIT 1)`, incidentID))
		if db.IsNotFound(err) {
			continue
		}
		return m, err == nil, err
	}
	return "", false, nil
}

// hours is a duration in hours with up to four decimals, as text.
func hours(d time.Duration) string {
	return formatFixed(int64(d/time.Second), 3600)
}
