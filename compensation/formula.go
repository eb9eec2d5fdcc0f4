package compensation

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"warroom/db"
)

// The cash formula, from the statement:
//
//	cash = daily revenue x industry margin x outage duration
//	daily revenue = tax-excluded sales in the baseline window / its length in days
//
// The days cancel, so cash = sales x margin x outage / baseline. It is one
// exact fraction (integers only: fen, margin in 1/10000 of a percent,
// durations in any common unit) rounded once, at the end, to the fen, half
// away from zero (amounts are never negative, so half up). Nothing is
// rounded before that: not the daily revenue, not the outage in days.
//
// The bulk path is the SQL function warroom_cash_fen (migration 00003),
// which the planner inlines into the claims computation; CashFen is the same
// arithmetic in Go for places without a database (the demo generator), and
// a test checks both agree on many random inputs.

// MarginUnit is the margin's resolution: a rate is stored as a percent with
// up to four decimals (numeric(7,4)), so 22.5% is 225000 units.
const MarginUnit = 10000

// Margin is an industry margin rate in 1/10000 of a percent: exact.
type Margin int64

// ParseMargin reads a percent such as "20", "22.5" or "17.1234".
func ParseMargin(s string) (Margin, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || !allDigits(whole) || (hasDot && (frac == "" || len(frac) > 4 || !allDigits(frac))) {
		return 0, fmt.Errorf("%q is not a percent with at most four decimals (e.g. 22.5)", s)
	}
	var m int64
	for _, c := range whole {
		m = m*10 + int64(c-'0')
	}
	frac += strings.Repeat("0", 4-len(frac))
	for _, c := range frac {
		m = m*10 + int64(c-'0')
	}
	if m > 100*MarginUnit {
		return 0, fmt.Errorf("%s%% is above 100%%", s)
	}
	return Margin(m), nil
}

// String is the exact percent without trailing zeros: "22.5".
func (m Margin) String() string {
	s := fmt.Sprintf("%d.%04d", int64(m)/MarginUnit, int64(m)%MarginUnit)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// CashFen is the formula for one merchant: salesFen tax-excluded sales in
// a baseline window of length baseline, margin, outage of length outage.
// math/big because sales x margin x outage overflows int64 for a large
// merchant (1e9 fen x 1e6 x 7.4e14 ns).
func CashFen(salesFen int64, margin Margin, outage, baseline time.Duration) (int64, error) {
	if salesFen < 0 || margin < 0 || outage < 0 || baseline <= 0 {
		return 0, fmt.Errorf("cash formula: sales %d, margin %d, outage %v, baseline %v out of range", salesFen, margin, outage, baseline)
	}
	n := new(big.Int).SetInt64(salesFen)
	n.Mul(n, big.NewInt(int64(margin)))
	n.Mul(n, big.NewInt(int64(outage)))
	d := new(big.Int).SetInt64(int64(baseline))
	d.Mul(d, big.NewInt(100*MarginUnit))
	return roundHalfUp(n, d)
}

// roundHalfUp is n/d rounded to the nearest integer, halves up (n, d >= 0).
func roundHalfUp(n, d *big.Int) (int64, error) {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("cash formula: %s fen does not fit in 64 bits", q)
	}
	return q.Int64(), nil
}

// DailyRevenueFen is the baseline sales per day, rounded to the fen for
// display only: the formula never uses this rounded figure.
func DailyRevenueFen(salesFen int64, baseline time.Duration) int64 {
	if baseline <= 0 || salesFen < 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(salesFen), big.NewInt(int64(24*time.Hour)))
	v, _ := roundHalfUp(n, big.NewInt(int64(baseline)))
	return v
}

// CashFenSQL runs the database's warroom_cash_fen, the implementation the
// claims use; a nil result (no margin) is reported as ok=false.
func CashFenSQL(ctx context.Context, q db.Querier, salesFen int64, margin *Margin, outage, baseline time.Duration) (fen int64, ok bool, err error) {
	var pct *string
	if margin != nil {
		s := margin.String()
		pct = &s
	}
	var out *int64
	err = q.GetContext(ctx, &out, `SELECT warroom_cash_fen($1, $2::numeric, $3::numeric / 1e9, $4::numeric / 1e9)`,
		salesFen, pct, int64(outage), int64(baseline))
	if err != nil || out == nil {
		return 0, false, db.MapError(err)
	}
	return *out, true, nil
}
