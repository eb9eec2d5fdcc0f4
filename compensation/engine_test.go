package compensation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// newIncident makes an incident with the reference incident's windows (test
// fixture data) and a fund of pledgedFen.
func newIncident(t *testing.T, conn *sqlx.DB, pledgedFen int64) int64 {
	t.Helper()
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, time_zone, started_at)
		VALUES ('e', 'E', 'Asia/Shanghai', '2020-02-23T19:00:00+08:00') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	exec(t, conn, `INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		VALUES ($1, '2020-02-17T19:00:00+08:00', '2020-02-23T19:00:00+08:00',
		            '2020-02-23T19:00:00+08:00', '2020-03-03T09:00:00+08:00')`, inc)
	exec(t, conn, `INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'Company', 1, $2)`, inc, pledgedFen)
	return inc
}

const merchantsCSV = "merchant_id,name,industry\nM1,孙记面馆,Catering\nM2,\"Fresh, Market\",fresh food\nM3,Baby Store,mother and baby\n"

// Worked example: M1 sold 60,000.00 in six days (plus rows outside the
// window, which are counted, not summed).
const salesCSV = "merchant_id,at,amount\n" +
	"M1,2020-02-17T19:00:00+08:00,10000\n" + // the window's first instant counts
	"M1,2020-02-18 12:00,10000.00\n" + // no offset: incident zone
	"M1,2020-02-19T04:00:00Z,10000.5\n" +
	"M1,2020-02-20T10:00:00+08:00,9999.50\n" +
	"M1,2020-02-21T10:00:00+08:00,10000\n" +
	"M1,2020-02-23T18:59:59+08:00,10000\n" +
	"M1,2020-02-23T19:00:00+08:00,500\n" + // the window's end is excluded
	"M1,2020-02-17T18:59:59+08:00,500\n" +
	"M2,2020-02-20T10:00:00+08:00,1234.56\n"

func importBoth(t *testing.T, conn *sqlx.DB, inc int64) (compensation.MerchantImport, compensation.SalesImport) {
	t.Helper()
	ctx := context.Background()
	var mi compensation.MerchantImport
	var si compensation.SalesImport
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
		if mi, err = compensation.ImportMerchants(ctx, tx, inc, "m.csv", strings.NewReader(merchantsCSV), nil); err != nil {
			return err
		}
		si, err = compensation.ImportSales(ctx, tx, inc, "s.csv", strings.NewReader(salesCSV), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return mi, si
}

func TestImportComputeWorkedExample(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 1_000_000_00)
	mi, si := importBoth(t, conn, inc)
	if mi.Merchants != 3 || si.Rows != 9 || si.InWindow != 7 || si.Outside != 2 || si.Merchants != 2 ||
		si.InWindowFen != 6_000_000+123_456 {
		t.Fatalf("imports %+v %+v", mi, si)
	}
	if _, err := compensation.SetRate(ctx, conn, inc, "catering", mustMargin(t, "20"), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.SetRate(ctx, conn, inc, "Fresh Food", mustMargin(t, "12"), "test"); err != nil {
		t.Fatal(err)
	}
	c, err := compensation.ComputeClaims(ctx, conn, inc, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Written != 3 || c.Awaiting != 1 {
		t.Fatalf("computed %+v", c)
	}
	d, err := compensation.Merchant(ctx, conn, inc, "M1")
	if err != nil {
		t.Fatal(err)
	}
	if d.DailyRevenueFen != 1_000_000 || d.CashFen == nil || *d.CashFen != 1_716_667 || d.OutageHours != 206 ||
		*d.MarginPercent != "20.0000" || d.State != "computed" || d.Name != "孙记面馆" {
		t.Fatalf("M1 %+v", d)
	}
	// No rate for "mother and baby": awaiting rate, never zero.
	d3, err := compensation.Merchant(ctx, conn, inc, "M3")
	if err != nil || d3.CashFen != nil || d3.State != "awaiting_rate" {
		t.Fatalf("M3 %+v %v", d3, err)
	}
	if _, err := compensation.Choose(ctx, conn, inc, "M3", "cash"); !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("choosing while awaiting rate: %v", err)
	}
	// A rerun writes nothing; a rate change recomputes only its industry.
	if c, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil || c.Written != 0 {
		t.Fatalf("rerun wrote %d (%v)", c.Written, err)
	}
	imp, err := compensation.PreviewRate(ctx, conn, inc, "catering", mustMargin(t, "25"))
	if err != nil || imp.Changing != 1 || imp.FundMoveFen != 2_145_833-1_716_667 {
		t.Fatalf("impact %+v %v", imp, err)
	}
	if _, err := compensation.SetRate(ctx, conn, inc, "catering", mustMargin(t, "25"), "published"); err != nil {
		t.Fatal(err)
	}
	if c, err := compensation.ComputeClaims(ctx, conn, inc, "catering"); err != nil || c.Written != 1 || c.CashFen != 2_145_833 {
		t.Fatalf("industry recompute %+v %v", c, err)
	}
	// Re-importing the same files changes nothing.
	mi2, si2 := importBoth(t, conn, inc)
	if !mi2.AlreadyImported || !si2.AlreadyImported {
		t.Fatalf("re-import %+v %+v", mi2, si2)
	}
	if c, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil || c.Written != 0 {
		t.Fatalf("after re-import, rerun wrote %d (%v)", c.Written, err)
	}
	var b strings.Builder
	if n, err := compensation.ExportStatements(ctx, conn, inc, &b); err != nil || n != 3 ||
		!strings.Contains(b.String(), "M1,孙记面馆,catering,60000.00,6,10000.00,25,206,21458.33,,computed,21458.33,0.00") {
		t.Fatalf("export %d %v\n%s", n, err, b.String())
	}
}

func TestImportBadRowsWriteNothing(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 100)
	importBoth(t, conn, inc)
	bad := []struct{ name, body, want string }{
		{"unknown merchant", "M9,2020-02-20T10:00:00+08:00,1", "bad.csv:3: merchant_id: unknown merchant"},
		{"unparsable amount", "M1,2020-02-20T10:00:00+08:00,12a", "bad.csv:3: amount:"},
		{"negative amount", "M1,2020-02-20T10:00:00+08:00,-5", "bad.csv:3: amount: \"-5\" is negative"},
		{"three decimals", "M1,2020-02-20T10:00:00+08:00,1.234", "bad.csv:3: amount:"},
		{"bad time", "M1,2020-02-30T10:00:00+08:00,1", "bad.csv:3: at:"},
		{"columns", "M1,2020-02-20T10:00:00+08:00", "bad.csv:3: columns: got 2, want 3"},
		{"encoding", "M1,2020-02-20T10:00:00+08:00,1\xff", "bad.csv:3: amount: not valid UTF-8"},
		{"quote", "M1,\"2020-02-20,1", "bad.csv:3: csv:"},
	}
	for _, c := range bad {
		body := "merchant_id,at,amount\nM2,2020-02-20T11:00:00+08:00,1\n" + c.body + "\n"
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, err := compensation.ImportSales(ctx, tx, inc, "bad.csv", strings.NewReader(body), nil)
			return err
		})
		if !errors.Is(err, db.ErrInvalidInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct{ name, body, want string }{
		{"header", "id,name,industry\nM7,a,b\n", "bad.csv:1: header:"},
		{"duplicate in file", "merchant_id,name,industry\nM7,a,b\nM7,c,d\n", "bad.csv:3: merchant_id: M7 is already on line 2"},
		{"already there", "merchant_id,name,industry\nM7,a,b\nM1,c,d\n", "bad.csv:3: merchant_id: M1 was imported before"},
		{"empty industry", "merchant_id,name,industry\nM7,a, \n", "bad.csv:2: industry: empty"},
	} {
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, err := compensation.ImportMerchants(ctx, tx, inc, "bad.csv", strings.NewReader(c.body), nil)
			return err
		})
		if !errors.Is(err, db.ErrInvalidInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	var n struct {
		M int `db:"m"`
		S int `db:"s"`
		I int `db:"i"`
	}
	if err := conn.Get(&n, `SELECT (SELECT count(*) FROM merchants) AS m, (SELECT count(*) FROM sales_totals) AS s,
		(SELECT count(*) FROM sales_imports) + (SELECT count(*) FROM merchant_imports) AS i`); err != nil {
		t.Fatal(err)
	}
	if n.M != 3 || n.S != 2 || n.I != 2 {
		t.Fatalf("after refused imports: %+v, want only the first imports", n)
	}
}

// computedIncident is an incident with the test merchants and sales, a
// catering rate of 20%, and its claims computed.
func computedIncident(t *testing.T) (context.Context, *sqlx.DB, int64) {
	t.Helper()
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 1_000_000_00)
	importBoth(t, conn, inc)
	if _, err := compensation.SetRate(ctx, conn, inc, "catering", mustMargin(t, "20"), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil {
		t.Fatal(err)
	}
	return ctx, conn, inc
}

func TestOnePlanPerMerchant(t *testing.T) {
	ctx, conn, inc := computedIncident(t)
	if c, err := compensation.Choose(ctx, conn, inc, "M1", "traffic"); err != nil || c.Amount != 1_200_000 {
		t.Fatalf("choose: %+v %v", c, err)
	}
	if _, err := compensation.Choose(ctx, conn, inc, "M1", "cash"); !errors.Is(err, db.ErrConflict) ||
		!strings.HasPrefix(err.Error(), "merchant M1 already chose in kind at ") || !strings.Contains(err.Error(), "warroom claims change-plan") {
		t.Fatalf("second choice: %v", err)
	}
	// The database itself refuses a plan change without a recorded reason.
	// (Only M1's claim: M3 awaits a rate, and a plan there fails
	// claims_awaiting_rate first, which is not the rule under test.)
	_, err := conn.Exec(`UPDATE claims SET plan = 'cash' WHERE incident_id = $1
		AND merchant_id = (SELECT id FROM merchants WHERE incident_id = $1 AND merchant_id = 'M1')`, inc)
	dbtest.WantConstraint(t, err, "23514", "claims_plan_chosen_once")
	if _, err := compensation.ChangePlan(ctx, conn, inc, "M1", "cash", " "); !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("no reason: %v", err)
	}
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		c, err := compensation.ChangePlan(ctx, tx, inc, "M1", "cash", "merchant phoned: chose by mistake")
		if err == nil && c.Amount != 1_716_667 {
			t.Errorf("amount after change %d", c.Amount)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := compensation.Merchant(ctx, conn, inc, "M1")
	if err != nil {
		t.Fatal(err)
	}
	if *d.Plan != "cash" || len(d.PlanChanges) != 1 {
		t.Fatalf("after change: %+v", d)
	}
}

// A decided claim keeps the figures it was decided on when the windows
// change after it; its statement says what the windows now give beside
// them, so the arithmetic shown adds up.
func TestDecidedClaimShowsItsFiguresAfterAWindowChange(t *testing.T) {
	ctx, conn, inc := computedIncident(t)
	if _, err := compensation.Choose(ctx, conn, inc, "M1", "cash"); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.Approve(ctx, conn, inc, "M1"); err != nil {
		t.Fatal(err)
	}
	before, err := compensation.Merchant(ctx, conn, inc, "M1")
	if err != nil || before.CashFen == nil || before.CashNowFen != nil {
		t.Fatalf("before: %+v %v", before, err)
	}
	if _, err := conn.Exec(`UPDATE funds SET outage_end = outage_end + interval '1 day' WHERE incident_id = $1`, inc); err != nil {
		t.Fatal(err)
	}
	after, err := compensation.Merchant(ctx, conn, inc, "M1")
	if err != nil {
		t.Fatal(err)
	}
	if *after.CashFen != *before.CashFen || after.CashNowFen == nil || *after.CashNowFen <= *after.CashFen {
		t.Fatalf("after a longer outage: cash %v, now %v; want %d kept and more now", after.CashFen, after.CashNowFen, *before.CashFen)
	}
	want := "= " + compensation.FormatFen(*after.CashNowFen) + " with the windows as they are now; the claim keeps the " + compensation.FormatFen(*before.CashFen)
	if !strings.Contains(after.Formula, want) {
		t.Fatalf("formula %q; want %q", after.Formula, want)
	}
}
