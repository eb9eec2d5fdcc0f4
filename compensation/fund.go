// Package compensation holds the compensation fund: contributors' pledges
// and receipts, merchants, their claims and the payouts drawn from it.
// Money is always an int64 number of fen (1/100 yuan).
package compensation

import (
	"context"
	"fmt"
	"time"

	"warroom/db"
)

// Contributor is one payer into the fund.
type Contributor struct {
	ID         int64  `db:"id" json:"-"`
	Name       string `db:"name" json:"name"`
	NativeName string `db:"native_name" json:"native_name"`
	Role       string `db:"role" json:"role"`
	PledgedFen int64  `db:"pledged_fen" json:"pledged_fen"`
	// PledgeNote is how the source states the pledge when the figure is
	// not exact ("more than 35,000,000"); empty when it is.
	PledgeNote   string     `db:"pledge_note" json:"pledge_note"`
	ReceivedFen  int64      `db:"received_fen" json:"received_fen"`
	PledgedAt    *time.Time `db:"pledged_at" json:"pledged_at"`
	LastReceived *time.Time `db:"last_received" json:"last_received_at"`
}

// Fund is the fund's position. Remaining = pledged - committed - paid, where
// committed is what approved claims still owe. Cash on hand = received -
// paid: the money the fund actually holds; CashShort says that approved
// claims still owe more than it.
type Fund struct {
	Incident      string `json:"incident"`
	Currency      string `json:"currency"`
	PledgedFen    int64  `json:"pledged_fen"`
	ReceivedFen   int64  `json:"received_fen"`
	CommittedFen  int64  `json:"committed_fen"`
	PaidFen       int64  `json:"paid_fen"`
	RemainingFen  int64  `json:"remaining_fen"`
	CashOnHandFen int64  `json:"cash_on_hand_fen"`
	CashShort     bool   `json:"committed_exceeds_cash_on_hand"`
	Claims        int64  `json:"claims"`
	// InKindValueFen is what one in-kind (traffic) plan costs the fund;
	// InKindValueSource who valued it (empty: the value is an assumption);
	// InKindPlan what the plan gives a merchant.
	InKindValueFen     int64         `json:"inkind_value_fen"`
	InKindValueSource  string        `json:"inkind_value_source"`
	InKindValueAssumed bool          `json:"inkind_value_assumed"`
	InKindPlan         string        `json:"inkind_plan"`
	PaidClaims         int64         `json:"paid_claims"`
	Contributors       []Contributor `json:"contributors"`
	// Terms are the fund's windows and thresholds (the CLI's --json prints
	// them as "terms" beside the fund).
	Terms Terms `json:"-"`
}

// LoadFund reads the fund of one incident. It fails with db.ErrNotFound
// when the incident has no fund.
func LoadFund(ctx context.Context, q db.Querier, incidentID int64, slug string) (Fund, error) {
	f := Fund{Incident: slug}
	err := q.GetContext(ctx, &f.Currency, `SELECT currency FROM funds WHERE incident_id = $1`, incidentID)
	if err != nil {
		return f, db.MapError(err)
	}
	f.Contributors = []Contributor{} // none yet is [] in --json, not null
	err = q.SelectContext(ctx, &f.Contributors, `
		SELECT c.id, c.name, c.native_name, c.role, c.pledged_fen, c.pledge_note, c.pledged_at,
		       COALESCE(sum(r.amount_fen), 0)::bigint AS received_fen,
		       max(r.received_at) AS last_received
		FROM contributors c LEFT JOIN contributions r ON r.contributor_id = c.id
		WHERE c.incident_id = $1
		GROUP BY c.id ORDER BY c.position, c.id`, incidentID)
	if err != nil {
		return f, db.MapError(err)
	}
	for _, c := range f.Contributors {
		f.PledgedFen += c.PledgedFen
		f.ReceivedFen += c.ReceivedFen
	}
	// The counters are kept by the database (migration 00003) as claims and
	// payouts change, so this is one row at any number of claims. Committed
	// is what approved claims still owe (their amount less what was paid).
	var totals struct {
		Committed  int64  `db:"committed_fen"`
		Paid       int64  `db:"paid_fen"`
		Claims     int64  `db:"claims_count"`
		PaidClaims int64  `db:"paid_claims"`
		InKind     int64  `db:"inkind_value_fen"`
		Source     string `db:"inkind_value_source"`
		Plan       string `db:"inkind_plan"`
	}
	err = q.GetContext(ctx, &totals, `
		SELECT committed_fen, paid_fen, claims_count, paid_claims, inkind_value_fen, inkind_value_source, inkind_plan
		FROM funds WHERE incident_id = $1`, incidentID)
	if err != nil {
		return f, db.MapError(err)
	}
	f.CommittedFen, f.PaidFen = totals.Committed, totals.Paid
	f.Claims, f.PaidClaims = totals.Claims, totals.PaidClaims
	f.InKindValueFen, f.InKindValueSource, f.InKindPlan = totals.InKind, totals.Source, totals.Plan
	f.InKindValueAssumed = totals.Source == ""
	f.RemainingFen = f.PledgedFen - f.CommittedFen - f.PaidFen
	f.CashOnHandFen = f.ReceivedFen - f.PaidFen
	f.CashShort = f.CommittedFen > f.CashOnHandFen
	if f.Terms, err = LoadTerms(ctx, q, incidentID); err != nil {
		return f, err
	}
	return f, nil
}

// CashWarning is the one line to show when the money received does not
// cover what is paid and owed ("" when it does): more paid out than
// received, or approved claims owing more than the cash on hand.
func (f Fund) CashWarning() string {
	switch {
	case f.CashOnHandFen < 0 && f.CommittedFen > 0:
		return fmt.Sprintf("paid out %s more than received, and approved claims owe %s more", FormatFen(-f.CashOnHandFen), FormatFen(f.CommittedFen))
	case f.CashOnHandFen < 0:
		return fmt.Sprintf("paid out %s more than received", FormatFen(-f.CashOnHandFen))
	case f.CashShort:
		return fmt.Sprintf("approved claims owe %s: %s more than the cash on hand", FormatFen(f.CommittedFen), FormatFen(f.CommittedFen-f.CashOnHandFen))
	}
	return ""
}

// DrawdownPoint is the fund's balance at the end of one day of payouts.
type DrawdownPoint struct {
	Day          time.Time `db:"day" json:"day"`
	PaidFen      int64     `db:"paid_fen" json:"paid_fen"`
	CumPaidFen   int64     `db:"cum_paid_fen" json:"cum_paid_fen"`
	RemainingFen int64     `db:"-" json:"remaining_fen"`
}

// Drawdown returns paid-out money per day (days in the incident's time zone)
// and what is left of the pledged total after each day.
func Drawdown(ctx context.Context, q db.Querier, incidentID int64, tz string, pledgedFen int64) ([]DrawdownPoint, error) {
	var pts []DrawdownPoint
	err := q.SelectContext(ctx, &pts, `
		SELECT (date_trunc('day', paid_at AT TIME ZONE $2) AT TIME ZONE $2) AS day,
		       sum(amount_fen)::bigint AS paid_fen,
		       (sum(sum(amount_fen)) OVER (ORDER BY date_trunc('day', paid_at AT TIME ZONE $2)))::bigint AS cum_paid_fen
		FROM payouts WHERE incident_id = $1
		GROUP BY date_trunc('day', paid_at AT TIME ZONE $2)
		ORDER BY 1`, incidentID, tz)
	if err != nil {
		return nil, db.MapError(err)
	}
	for i := range pts {
		pts[i].RemainingFen = pledgedFen - pts[i].CumPaidFen
	}
	return pts, nil
}
