package compensation

import (
	"context"
	"encoding/csv"
	"io"
	"math/big"
	"strconv"

	"warroom/db"
	"warroom/textsafe"
)

// Stage is one cell of the claims pipeline: a state and plan.
type Stage struct {
	State     string `db:"state" json:"state"`
	Plan      string `db:"plan" json:"plan"`
	Claims    int64  `db:"claims" json:"claims"`
	AmountFen int64  `db:"amount_fen" json:"amount_fen"` // what they cost the fund
	PaidFen   int64  `db:"paid_fen" json:"paid_fen"`
}

// Pipeline counts claims and their amounts by state and plan (cash and the
// in-kind plan apart).
func Pipeline(ctx context.Context, q db.Querier, incidentID int64) ([]Stage, error) {
	var out []Stage
	err := q.SelectContext(ctx, &out, `
		SELECT state, COALESCE(plan, '') AS plan, count(*) AS claims,
		       COALESCE(sum(amount_fen), 0)::bigint AS amount_fen, COALESCE(sum(paid_fen), 0)::bigint AS paid_fen
		FROM claims WHERE incident_id = $1 GROUP BY 1, 2
		ORDER BY array_position(ARRAY['awaiting_rate','computed','chosen','approved','paid','rejected'], state), 2`, incidentID)
	return out, db.MapError(err)
}

// Projection sets what the open claims would cost against what the fund
// has left. When they exceed it, the shortfall and the pro-rata policy:
//
// Pro-rata policy (documented; the Equifax settlement fund did the same):
// approved and paid claims are honoured in full (they are already
// committed). Every open claim (computed or chosen, cash or in-kind at its
// internal value) is scaled by the same factor, available / open total,
// rounded down to the fen per claim so the sum never exceeds the fund; the
// few fen left over stay in the fund. Claims awaiting a rate are not in the
// total (their cost is unknown) and are counted apart: publishing their
// rates lowers the factor.
type Projection struct {
	PledgedFen     int64  `json:"pledged_fen"`
	CommittedFen   int64  `json:"committed_fen"`
	PaidFen        int64  `json:"paid_fen"`
	AvailableFen   int64  `json:"available_fen"`
	OpenClaims     int64  `json:"open_claims"`
	OpenCashFen    int64  `json:"open_cash_fen"`
	OpenInKindFen  int64  `json:"open_inkind_fen"`
	OpenFen        int64  `json:"open_fen"`
	AwaitingRate   int64  `json:"awaiting_rate"`
	ShortfallFen   int64  `json:"shortfall_fen"`
	ProRataPercent string `json:"pro_rata_percent,omitempty"` // rounded down, 4 decimals
	ProRataPaysFen int64  `json:"pro_rata_pays_fen,omitempty"`
}

// Project computes the projection.
func Project(ctx context.Context, q db.Querier, incidentID int64) (Projection, error) {
	var p Projection
	err := q.QueryRowxContext(ctx, `
		SELECT pledged_fen, committed_fen, paid_fen FROM funds WHERE incident_id = $1`, incidentID).
		Scan(&p.PledgedFen, &p.CommittedFen, &p.PaidFen)
	if err != nil {
		return p, db.MapError(err)
	}
	p.AvailableFen = p.PledgedFen - p.CommittedFen - p.PaidFen
	var available = p.AvailableFen
	err = q.QueryRowxContext(ctx, `
		SELECT count(*) FILTER (WHERE state IN ('computed', 'chosen')),
		       COALESCE(sum(amount_fen) FILTER (WHERE state IN ('computed', 'chosen') AND plan IS DISTINCT FROM 'traffic'), 0)::bigint,
		       COALESCE(sum(amount_fen) FILTER (WHERE state = 'chosen' AND plan = 'traffic'), 0)::bigint,
		       count(*) FILTER (WHERE state = 'awaiting_rate'),
		       COALESCE(sum(floor(amount_fen::numeric * $2 / NULLIF(t.open, 0)))
		                FILTER (WHERE state IN ('computed', 'chosen')), 0)::bigint
		FROM claims,
		     (SELECT COALESCE(sum(amount_fen), 0) AS open FROM claims
		      WHERE incident_id = $1 AND state IN ('computed', 'chosen')) t
		WHERE incident_id = $1`, incidentID, available).
		Scan(&p.OpenClaims, &p.OpenCashFen, &p.OpenInKindFen, &p.AwaitingRate, &p.ProRataPaysFen)
	if err != nil {
		return p, db.MapError(err)
	}
	p.OpenFen = p.OpenCashFen + p.OpenInKindFen
	if p.OpenFen > p.AvailableFen {
		p.ShortfallFen = p.OpenFen - max(p.AvailableFen, 0)
		// factor = available / open, in percent, rounded down to 4 decimals.
		f := new(big.Int).Mul(big.NewInt(max(p.AvailableFen, 0)), big.NewInt(100*MarginUnit))
		f.Quo(f, big.NewInt(p.OpenFen))
		p.ProRataPercent = Margin(f.Int64()).String()
	} else {
		p.ProRataPaysFen = 0
	}
	return p, nil
}

// ExportStatements writes one CSV line per merchant: the formula's inputs,
// its result, the plan, the state and what was paid. Amounts in yuan with
// two decimals (exact: fen / 100). Text cells that a spreadsheet would read
// as a formula get a leading quote (textsafe.CSVCell).
func ExportStatements(ctx context.Context, q db.Querier, incidentID int64, out io.Writer) (int64, error) {
	w, err := LoadWindows(ctx, q, incidentID)
	if err != nil {
		return 0, err
	}
	rows, err := q.QueryxContext(ctx, `
		SELECT m.merchant_id, m.name, m.industry, COALESCE(c.state, 'not computed'), COALESCE(c.plan, ''),
		       COALESCE(c.baseline_fen, 0), COALESCE(c.margin_percent::text, ''), c.cash_fen,
		       COALESCE(c.amount_fen, 0), COALESCE(c.paid_fen, 0)
		FROM merchants m LEFT JOIN claims c ON c.merchant_id = m.id AND c.incident_id = m.incident_id
		WHERE m.incident_id = $1 ORDER BY m.merchant_id`, incidentID)
	if err != nil {
		return 0, db.MapError(err)
	}
	defer rows.Close()
	cw := csv.NewWriter(out)
	days, hours := trimFloat(w.Baseline().Hours()/24), trimFloat(w.Outage().Hours())
	_ = cw.Write([]string{"merchant_id", "name", "industry", "baseline_sales_yuan", "baseline_days",
		"daily_revenue_yuan", "margin_percent", "outage_hours", "cash_yuan", "plan", "state", "amount_yuan", "paid_yuan"})
	var n int64
	for rows.Next() {
		var (
			id, name, industry, state, plan, pct string
			base, amount, paid                   int64
			cash                                 *int64
		)
		if err := rows.Scan(&id, &name, &industry, &state, &plan, &base, &pct, &cash, &amount, &paid); err != nil {
			return n, db.MapError(err)
		}
		cashText := "awaiting rate"
		if cash != nil {
			cashText = yuan(*cash)
		} else if state == "not computed" {
			cashText = ""
		}
		// Text cells come from imported files: a name like =HYPERLINK(...)
		// must open as text, not as a formula. Amounts are written here
		// from non-negative integers and are left as numbers.
		cell := textsafe.CSVCell
		if err := cw.Write([]string{cell(id), cell(name), cell(industry), yuan(base), days, yuan(DailyRevenueFen(base, w.Baseline())),
			TrimDecimal(pct), hours, cashText, cell(plan), cell(state), yuan(amount), yuan(paid)}); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, db.MapError(rows.Err())
}

// yuan is fen as plain yuan for files: 1716667 -> "17166.67".
func yuan(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	c := fen % 100
	if c < 0 {
		c = -c
	}
	return s + "." + string(rune('0'+c/10)) + string(rune('0'+c%10))
}
