package demo

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// The demo's claims come out of the engine: each claim's figures are
// warroom_cash_fen of its merchant's baseline sales, its industry's current
// rate and the fund's windows, and they equal what the generator drew.
func TestLoadClaimsComeFromTheEngine(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	start := time.Now()
	s := mustLoad(t, conn)
	t.Logf("Load took %v", time.Since(start))
	d, pop := population(t)
	p := d.Population

	// One rate per demo industry, the data file's margin, with its source.
	rates, err := compensation.Rates(ctx, conn, s.IncidentID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != len(p.Industries) || s.MarginRates != len(rates) {
		t.Fatalf("%d rates (summary %d), want one per industry (%d)", len(rates), s.MarginRates, len(p.Industries))
	}
	byIndustry := map[string]compensation.Rate{}
	for _, r := range rates {
		byIndustry[r.Industry] = r
	}
	for _, in := range p.Industries {
		r, ok := byIndustry[in.Name]
		want := fmt.Sprintf("%d.%02d00", in.MarginBP/100, in.MarginBP%100) // numeric(7,4) text
		if !ok || r.Percent != want || r.Source != p.MarginSource || !strings.HasPrefix(r.Source, "demo:") {
			t.Errorf("industry %s: rate %+v, want %s%%", in.Name, r, want)
		}
	}

	// One sales import, every row inside the baseline window, and a
	// baseline total for every merchant.
	var imp struct {
		N, Rows, InWindow, Outside, Merchants, Fen, Totals, TotalsFen int64
	}
	err = conn.QueryRowContext(ctx, `
		SELECT count(*), sum(rows_total), sum(rows_in_window), sum(rows_outside), sum(merchants), sum(in_window_fen),
		       (SELECT count(*) FROM sales_totals WHERE incident_id = $1),
		       (SELECT sum(baseline_fen) FROM sales_totals WHERE incident_id = $1)
		FROM sales_imports WHERE incident_id = $1`, s.IncidentID).
		Scan(&imp.N, &imp.Rows, &imp.InWindow, &imp.Outside, &imp.Merchants, &imp.Fen, &imp.Totals, &imp.TotalsFen)
	if err != nil {
		t.Fatal(err)
	}
	days := int64(6) // 2020-02-17 19:00 to 2020-02-23 19:00, from the scenario text
	if imp.N != 1 || imp.Rows != days*int64(p.Count) || imp.InWindow != imp.Rows || imp.Outside != 0 ||
		imp.Merchants != int64(p.Count) || imp.Totals != int64(p.Count) || imp.Fen != imp.TotalsFen || imp.Fen != s.SalesFen {
		t.Errorf("sales import %+v, summary sales %d", imp, s.SalesFen)
	}

	// Every claim against the database's own formula, recomputed here from
	// the sales totals, the current rates and the fund's windows.
	var bad int
	err = conn.GetContext(ctx, &bad, `
		WITH s AS (SELECT merchant_id, sum(baseline_fen)::bigint AS fen FROM sales_totals WHERE incident_id = $1 GROUP BY merchant_id)
		SELECT count(*)
		FROM claims c JOIN merchants m ON m.id = c.merchant_id
		JOIN funds f ON f.incident_id = c.incident_id
		LEFT JOIN s ON s.merchant_id = m.id
		LEFT JOIN current_margin_rates r ON r.incident_id = c.incident_id AND r.industry = m.industry
		WHERE c.incident_id = $1 AND (
		      c.baseline_fen IS DISTINCT FROM s.fen
		   OR c.margin_rate_id IS DISTINCT FROM r.id
		   OR c.margin_percent IS DISTINCT FROM r.percent
		   OR c.cash_fen IS DISTINCT FROM warroom_cash_fen(s.fen, r.percent,
		          extract(epoch FROM f.outage_end - f.outage_start), extract(epoch FROM f.baseline_end - f.baseline_start))
		   OR c.amount_fen <> CASE WHEN c.plan = 'traffic' THEN f.inkind_value_fen ELSE c.cash_fen END
		   OR c.state = 'awaiting_rate')`, s.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d claims whose figures are not the engine's", bad)
	}

	// And against the generator, merchant by merchant; the Go formula on the
	// stored figures agrees with the SQL one too.
	var rows []struct {
		Code     string  `db:"merchant_id"`
		Baseline int64   `db:"baseline_fen"`
		Percent  string  `db:"margin_percent"`
		Cash     int64   `db:"cash_fen"`
		Amount   int64   `db:"amount_fen"`
		Plan     *string `db:"plan"`
		State    string  `db:"state"`
	}
	err = conn.SelectContext(ctx, &rows, `
		SELECT m.merchant_id, c.baseline_fen, c.margin_percent::text AS margin_percent, c.cash_fen, c.amount_fen, c.plan, c.state
		FROM claims c JOIN merchants m ON m.id = c.merchant_id WHERE c.incident_id = $1 ORDER BY m.merchant_id`, s.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(pop) {
		t.Fatalf("%d claims, %d merchants generated", len(rows), len(pop))
	}
	for i, r := range rows {
		m := pop[i]
		margin, err := compensation.ParseMargin(r.Percent)
		if err != nil {
			t.Fatal(err)
		}
		goCash, err := compensation.CashFen(r.Baseline, margin, 206*time.Hour, 6*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		plan := ""
		if r.Plan != nil {
			plan = *r.Plan
		}
		if r.Code != m.MerchantID || r.Baseline != days*m.DailyRevenueFen || margin != compensation.Margin(m.MarginBP*100) ||
			r.Cash != goCash || r.Cash != cashFen(m.DailyRevenueFen, m.MarginBP, 206*time.Hour) ||
			r.Amount != m.Claim.AmountFen || plan != m.Claim.Plan || r.State != m.Claim.State {
			t.Fatalf("%s: claim %+v, generated %+v (Go formula %d)", m.MerchantID, r, m, goCash)
		}
	}
}

// The statement's worked example, through the engine on the demo incident:
// a merchant in the demo's 20% industry with 60,000.00 of sales over the
// six baseline days is owed 17,166.67.
func TestDemoWorkedExampleThroughEngine(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)
	d, err := scenario()
	if err != nil {
		t.Fatal(err)
	}
	industry := ""
	for _, in := range d.Population.Industries {
		if in.MarginBP == 2000 {
			industry = in.Name
		}
	}
	if industry == "" {
		t.Fatal("the demo has no 20% industry")
	}
	var fen int64
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if _, err := compensation.ImportMerchants(ctx, tx, s.IncidentID, "example.csv",
			strings.NewReader("merchant_id,name,industry\nEXAMPLE,Worked Example,"+industry+"\n"), nil); err != nil {
			return err
		}
		// 10,000.00 a day, one sale a day; a sale after the window does not count.
		csv := "merchant_id,at,amount\n"
		for day := 17; day <= 22; day++ {
			csv += fmt.Sprintf("EXAMPLE,2020-02-%dT20:00:00+08:00,10000.00\n", day)
		}
		csv += "EXAMPLE,2020-02-23T19:00:00+08:00,99999.99\n"
		imp, err := compensation.ImportSales(ctx, tx, s.IncidentID, "example-sales.csv", strings.NewReader(csv), nil)
		if err != nil {
			return err
		}
		if imp.InWindowFen != 6_000_000 || imp.Outside != 1 {
			return fmt.Errorf("import %+v", imp)
		}
		c, err := compensation.ComputeClaims(ctx, tx, s.IncidentID, "")
		if err != nil {
			return err
		}
		// Only the new merchant: the demo's claims are already the engine's.
		if c.Written != 1 {
			return fmt.Errorf("compute wrote %d claims, want only the example's", c.Written)
		}
		return tx.GetContext(ctx, &fen, `SELECT c.cash_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id
			WHERE m.incident_id = $1 AND m.merchant_id = 'EXAMPLE'`, s.IncidentID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if fen != 1_716_667 {
		t.Errorf("worked example: %s, want 17,166.67", compensation.FormatFen(fen))
	}
}

// `warroom merchant show` of a demo merchant shows its baseline, its rate
// and the formula with the numbers; a paid one shows its payout.
func TestDemoMerchantShow(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)
	_, pop := population(t)
	for _, m := range []merchant{pop[0], firstIn(t, pop, "paid"), firstIn(t, pop, "computed")} {
		md, err := compensation.Merchant(ctx, conn, s.IncidentID, m.MerchantID)
		if err != nil {
			t.Fatal(err)
		}
		if md.BaselineFen != 6*m.DailyRevenueFen || md.DailyRevenueFen != m.DailyRevenueFen || md.SalesRows != 6 ||
			md.MarginPercent == nil || md.CashFen == nil || *md.CashFen <= 0 || md.State != m.Claim.State ||
			strings.Contains(md.Formula, "awaiting") || md.OutageHours != 206 {
			t.Errorf("%s (%s): %+v", m.MerchantID, m.Claim.State, md)
		}
		if md.State == "computed" && !strings.HasPrefix(md.MarginSource, "demo:") {
			t.Errorf("%s: margin source %q", m.MerchantID, md.MarginSource)
		}
		if (md.State == "paid") != (len(md.Payouts) == 1) || (md.State == "paid" && md.PaidFen != md.AmountFen) {
			t.Errorf("%s: %s with payouts %+v", m.MerchantID, md.State, md.Payouts)
		}
	}
}

func firstIn(t *testing.T, pop []merchant, state string) merchant {
	t.Helper()
	for _, m := range pop {
		if m.Claim.State == state {
			return m
		}
	}
	t.Fatalf("no %s merchant", state)
	return merchant{}
}

// `warroom margins set` on a demo industry recomputes its open claims from
// their baselines (never to 0); approved and paid claims keep their figures.
func TestDemoMarginChangeRecomputes(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)
	type claim struct {
		State string `db:"state"`
		Cash  int64  `db:"cash_fen"`
		Amt   int64  `db:"amount_fen"`
	}
	read := func() map[string]claim {
		var rows []struct {
			Code string `db:"merchant_id"`
			claim
		}
		if err := conn.SelectContext(ctx, &rows, `
			SELECT m.merchant_id, c.state, c.cash_fen, c.amount_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id
			WHERE m.incident_id = $1 AND m.industry = 'catering'`, s.IncidentID); err != nil {
			t.Fatal(err)
		}
		out := map[string]claim{}
		for _, r := range rows {
			out[r.Code] = r.claim
		}
		return out
	}
	before := read()
	fundBefore, err := compensation.LoadFund(ctx, conn, s.IncidentID, s.Slug)
	if err != nil {
		t.Fatal(err)
	}
	var res compensation.Computed
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		m, err := compensation.ParseMargin("11") // half the demo's 22%
		if err != nil {
			return err
		}
		if _, err := compensation.SetRate(ctx, tx, s.IncidentID, "catering", m, "test: revised"); err != nil {
			return err
		}
		res, err = compensation.ComputeClaims(ctx, tx, s.IncidentID, "catering")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	after := read()
	var open, halved int64
	for code, b := range before {
		a := after[code]
		switch b.State {
		case "computed", "chosen":
			open++
			if a.Cash <= 0 || a.Cash > b.Cash/2+1 || a.Cash < b.Cash/2 {
				t.Errorf("%s: cash %d after halving the rate, was %d", code, a.Cash, b.Cash)
			}
			halved++
		default:
			if a != b {
				t.Errorf("%s (%s): %+v became %+v", code, b.State, b, a)
			}
		}
	}
	if open == 0 || res.Written != open || res.Awaiting != 0 || halved != open {
		t.Errorf("recompute %+v, %d open catering claims", res, open)
	}
	// Only open claims moved: the fund's committed and paid are unchanged.
	fundAfter, err := compensation.LoadFund(ctx, conn, s.IncidentID, s.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if fundAfter.CommittedFen != fundBefore.CommittedFen || fundAfter.PaidFen != fundBefore.PaidFen {
		t.Errorf("fund moved: %+v -> %+v", fundBefore, fundAfter)
	}
}

// The fund's counters, kept by triggers through the load's set-based
// lifecycle, agree with the claims and the ledger.
func TestLoadFundCountersMatchLedger(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)
	var f struct {
		Paid, Committed, Claims, PaidClaims, Pledged int64
		LedgerPaid, LedgerN, Owed, NClaims, NPaid    int64
		MinAt, MaxAt                                 time.Time
	}
	err := conn.QueryRowContext(ctx, `
		SELECT f.paid_fen, f.committed_fen, f.claims_count, f.paid_claims, f.pledged_fen,
		       (SELECT sum(amount_fen) FROM payouts WHERE incident_id = $1),
		       (SELECT count(*) FROM payouts WHERE incident_id = $1),
		       (SELECT COALESCE(sum(amount_fen - paid_fen), 0) FROM claims WHERE incident_id = $1 AND state = 'approved'),
		       (SELECT count(*) FROM claims WHERE incident_id = $1),
		       (SELECT count(*) FROM claims WHERE incident_id = $1 AND state = 'paid'),
		       (SELECT min(paid_at) FROM payouts WHERE incident_id = $1),
		       (SELECT max(paid_at) FROM payouts WHERE incident_id = $1)
		FROM funds f WHERE f.incident_id = $1`, s.IncidentID).
		Scan(&f.Paid, &f.Committed, &f.Claims, &f.PaidClaims, &f.Pledged, &f.LedgerPaid, &f.LedgerN, &f.Owed, &f.NClaims, &f.NPaid, &f.MinAt, &f.MaxAt)
	if err != nil {
		t.Fatal(err)
	}
	if f.Paid != f.LedgerPaid || f.Paid != s.PaidFen || f.Committed != f.Owed || f.Claims != f.NClaims ||
		f.PaidClaims != f.NPaid || f.PaidClaims != f.LedgerN || f.LedgerN != int64(s.Payouts) {
		t.Errorf("fund counters %+v, summary %+v", f, s)
	}
	if f.Committed+f.Paid > f.Pledged || f.Committed == 0 {
		t.Errorf("committed %d + paid %d against %d pledged", f.Committed, f.Paid, f.Pledged)
	}
	if f.MinAt.Before(at(2020, 3, 1, 0, 0)) || !f.MaxAt.Before(at(2020, 5, 1, 0, 0)) {
		t.Errorf("payouts from %v to %v, want March-April 2020", f.MinAt, f.MaxAt)
	}
	// Some claims still await a choice, as in the real pipeline.
	var computed int
	if err := conn.GetContext(ctx, &computed, `SELECT count(*) FROM claims WHERE incident_id = $1 AND state = 'computed'`, s.IncidentID); err != nil {
		t.Fatal(err)
	}
	if computed == 0 {
		t.Error("no claim awaits a choice")
	}
}
