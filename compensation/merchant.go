package compensation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"warroom/db"
	"warroom/glossary"
)

// MerchantDetail is one merchant's statement: the formula with its numbers.
// Open claims (awaiting rate, computed, chosen) are shown with the figures
// the formula gives now, from the same SQL function the claims use; approved,
// paid and rejected claims with the figures they were decided on.
type MerchantDetail struct {
	MerchantID      string  `json:"merchant_id"`
	Name            string  `json:"name"`
	Industry        string  `json:"industry"`
	BaselineFen     int64   `json:"baseline_fen"`
	SalesRows       int64   `json:"baseline_rows"`
	BaselineHours   float64 `json:"baseline_hours"`
	DailyRevenueFen int64   `json:"daily_revenue_fen"` // display only, rounded; the formula uses the exact sales
	MarginPercent   *string `json:"margin_percent"`    // null: awaiting rate
	MarginSource    string  `json:"margin_source,omitempty"`
	OutageHours     float64 `json:"outage_hours"`
	CashFen         *int64  `json:"cash_fen"` // null: awaiting rate, never 0
	// CashNowFen is what a decided claim's own figures give over the
	// windows as they are now, set only when that differs from CashFen:
	// the windows changed after the claim was decided, and it kept its
	// figures.
	CashNowFen  *int64    `json:"cash_with_current_windows_fen,omitempty"`
	Plan        *string   `json:"plan"`
	State       string    `json:"state"` // "not computed" before claims compute
	AmountFen   int64     `json:"amount_fen"`
	PaidFen     int64     `json:"paid_fen"`
	Formula     string    `json:"formula"`
	Payouts     []Payment `json:"payouts"`
	PlanChanges []string  `json:"plan_changes"`
}

// Merchant reads one merchant's detail by its merchant id.
func Merchant(ctx context.Context, q db.Querier, incidentID int64, merchant string) (MerchantDetail, error) {
	w, err := LoadWindows(ctx, q, incidentID)
	if err != nil {
		return MerchantDetail{}, err
	}
	var row struct {
		ID        int64   `db:"id"`
		Code      string  `db:"merchant_id"`
		Name      string  `db:"name"`
		Industry  string  `db:"industry"`
		Sales     int64   `db:"sales"`
		Rows      int64   `db:"sales_rows"`
		LivePct   *string `db:"live_pct"`
		LiveSrc   *string `db:"live_src"`
		LiveCash  *int64  `db:"live_cash"`
		State     *string `db:"state"`
		Plan      *string `db:"plan"`
		Amount    *int64  `db:"amount_fen"`
		Paid      *int64  `db:"paid_fen"`
		ClaimBase *int64  `db:"claim_baseline"`
		ClaimPct  *string `db:"claim_pct"`
		ClaimCash *int64  `db:"claim_cash"`
		ClaimNow  *int64  `db:"claim_cash_now"`
	}
	err = q.GetContext(ctx, &row, `
		WITH m AS (SELECT id, merchant_id, name, industry FROM merchants WHERE incident_id = $1 AND merchant_id = $2),
		s AS (SELECT COALESCE(sum(baseline_fen), 0)::bigint AS fen, COALESCE(sum(sales_rows), 0)::bigint AS n
		      FROM sales_totals WHERE merchant_id = (SELECT id FROM m))
		SELECT m.id, m.merchant_id, m.name, m.industry, s.fen AS sales, s.n AS sales_rows,
		       r.percent::text AS live_pct, r.source AS live_src,
		       warroom_cash_fen(s.fen, r.percent, $3::numeric, $4::numeric) AS live_cash,
		       c.state, c.plan, c.amount_fen, c.paid_fen, c.baseline_fen AS claim_baseline,
		       c.margin_percent::text AS claim_pct, c.cash_fen AS claim_cash,
		       warroom_cash_fen(c.baseline_fen, c.margin_percent, $3::numeric, $4::numeric) AS claim_cash_now
		FROM m CROSS JOIN s
		LEFT JOIN current_margin_rates r ON r.incident_id = $1 AND r.industry = m.industry
		LEFT JOIN claims c ON c.merchant_id = m.id AND c.incident_id = $1`,
		incidentID, merchant, int64(w.Outage()), int64(w.Baseline()))
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return MerchantDetail{}, fmt.Errorf("merchant %s: %w", merchant, db.ErrNotFound)
		}
		return MerchantDetail{}, err
	}
	d := MerchantDetail{MerchantID: row.Code, Name: row.Name, Industry: row.Industry,
		BaselineFen: row.Sales, SalesRows: row.Rows, MarginPercent: row.LivePct, CashFen: row.LiveCash,
		BaselineHours: w.Baseline().Hours(), OutageHours: w.Outage().Hours(), Plan: row.Plan, State: "not computed",
		Payouts: []Payment{}, PlanChanges: []string{}}
	if row.LiveSrc != nil {
		d.MarginSource = *row.LiveSrc
	}
	if row.State != nil {
		d.State, d.AmountFen, d.PaidFen = *row.State, *row.Amount, *row.Paid
		if d.State == "approved" || d.State == "paid" || d.State == "rejected" {
			if row.ClaimBase != nil {
				d.BaselineFen = *row.ClaimBase
			}
			d.MarginPercent, d.CashFen, d.MarginSource = row.ClaimPct, row.ClaimCash, "as approved"
			if row.ClaimNow != nil && row.ClaimCash != nil && *row.ClaimNow != *row.ClaimCash {
				d.CashNowFen = row.ClaimNow
			}
		}
	}
	d.DailyRevenueFen = DailyRevenueFen(d.BaselineFen, w.Baseline())
	d.Formula = formulaText(d, w)
	err = q.SelectContext(ctx, &d.Payouts, `
		SELECT p.amount_fen, p.paid_at, p.idempotency_key FROM payouts p JOIN claims c ON c.id = p.claim_id AND c.incident_id = p.incident_id
		WHERE c.merchant_id = $1 AND c.incident_id = $2 ORDER BY p.paid_at, p.id`, row.ID, incidentID)
	if err != nil {
		return d, db.MapError(err)
	}
	for i := range d.Payouts {
		d.Payouts[i].Merchant = d.MerchantID
	}
	var changes []struct {
		At     time.Time `db:"changed_at"`
		By     string    `db:"changed_by"`
		From   string    `db:"from_plan"`
		To     string    `db:"to_plan"`
		Reason string    `db:"reason"`
		Zone   string    `db:"time_zone"`
	}
	err = q.SelectContext(ctx, &changes, `
		SELECT pc.changed_at, pc.changed_by, pc.from_plan, pc.to_plan, pc.reason, i.time_zone
		FROM plan_changes pc JOIN claims c ON c.id = pc.claim_id AND c.incident_id = pc.incident_id
		JOIN incidents i ON i.id = pc.incident_id
		WHERE c.merchant_id = $1 AND c.incident_id = $2 ORDER BY pc.id`, row.ID, incidentID)
	for _, c := range changes {
		// In the incident's zone, named, and the plans in people's words.
		loc, lerr := time.LoadLocation(c.Zone)
		if lerr != nil {
			loc = time.UTC
		}
		d.PlanChanges = append(d.PlanChanges, fmt.Sprintf("%s %s: %s -> %s (%s)",
			c.At.In(loc).Format("2006-01-02 15:04 MST"), c.By, glossary.Plan(c.From), glossary.Plan(c.To), c.Reason))
	}
	return d, db.MapError(err)
}

// formulaText is the formula with this merchant's numbers, for people.
func formulaText(d MerchantDetail, w Windows) string {
	days := trimFloat(w.Baseline().Hours() / 24)
	var b strings.Builder
	fmt.Fprintf(&b, "daily revenue = %s / %s days = %s (shown rounded; not rounded in the formula)\n",
		FormatFen(d.BaselineFen), days, FormatFen(d.DailyRevenueFen))
	if d.MarginPercent == nil {
		fmt.Fprintf(&b, "cash = awaiting the margin rate of industry %q", d.Industry)
		return b.String()
	}
	if d.CashNowFen != nil {
		// The figures shown must add up: the hours now give another sum.
		fmt.Fprintf(&b, "cash = %s / %s days x %s%% x %s h / 24 = %s with the windows as they are now; the claim keeps the %s "+
			"it was decided on, over the windows of then (decided claims keep their figures)",
			FormatFen(d.BaselineFen), days, TrimDecimal(*d.MarginPercent), trimFloat(w.Outage().Hours()), FormatFen(*d.CashNowFen), FormatFen(*d.CashFen))
		return b.String()
	}
	fmt.Fprintf(&b, "cash = %s / %s days x %s%% x %s h / 24 = %s (rounded once, half away from zero)",
		FormatFen(d.BaselineFen), days, TrimDecimal(*d.MarginPercent), trimFloat(w.Outage().Hours()), FormatFen(*d.CashFen))
	return b.String()
}

func trimFloat(f float64) string { return TrimDecimal(fmt.Sprintf("%.4f", f)) }

// TrimDecimal drops a decimal's trailing zeros: "28.0000" -> "28",
// "6.5000" -> "6.5" (a numeric read as text, shown to a person).
func TrimDecimal(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// MerchantRow is one line of the merchant list.
type MerchantRow struct {
	MerchantID string     `db:"merchant_id" json:"merchant_id"`
	Name       string     `db:"name" json:"name"`
	Industry   string     `db:"industry" json:"industry"`
	State      *string    `db:"state" json:"state"`
	Plan       *string    `db:"plan" json:"plan"`
	CashFen    *int64     `db:"cash_fen" json:"cash_fen"`
	AmountFen  *int64     `db:"amount_fen" json:"amount_fen"`
	UpdatedAt  *time.Time `db:"updated_at" json:"updated_at"`
}

// Merchants is a keyset page of merchants ordered by merchant id: the page
// after `after` (empty: the first), at most limit rows. find, when not
// empty, keeps merchants whose id starts with it or whose name contains it.
func Merchants(ctx context.Context, q db.Querier, incidentID int64, after, find string, limit int) ([]MerchantRow, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var out []MerchantRow
	err := q.SelectContext(ctx, &out, `
		SELECT m.merchant_id, m.name, m.industry, c.state, c.plan, c.cash_fen, c.amount_fen, c.updated_at
		FROM merchants m LEFT JOIN claims c ON c.merchant_id = m.id AND c.incident_id = m.incident_id
		WHERE m.incident_id = $1 AND m.merchant_id > $2
		  AND ($3 = '' OR m.merchant_id LIKE replace(replace(replace($3, '\', '\\'), '%', '\%'), '_', '\_') || '%'
		       OR strpos(m.name, $3) > 0)
		ORDER BY m.merchant_id LIMIT $4`, incidentID, after, find, limit)
	return out, db.MapError(err)
}
