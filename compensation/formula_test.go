package compensation_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"warroom/compensation"
	"warroom/db/dbtest"
)

func mustMargin(t *testing.T, s string) compensation.Margin {
	t.Helper()
	m, err := compensation.ParseMargin(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The statement's worked example: 60,000.00 over six days at 20% for the
// 206-hour outage is 17,166.67 (17,166.666... rounded once).
func TestCashWorkedExample(t *testing.T) {
	got, err := compensation.CashFen(6_000_000, mustMargin(t, "20"), 206*time.Hour, 6*24*time.Hour)
	if err != nil || got != 1_716_667 {
		t.Fatalf("CashFen = %d, %v; want 1716667", got, err)
	}
	if d := compensation.DailyRevenueFen(6_000_000, 6*24*time.Hour); d != 1_000_000 {
		t.Fatalf("daily revenue %d, want 1000000", d)
	}
}

// The outage is read from timestamps: 2020 has a 29 February, so 23 Feb
// 19:00 to 3 Mar 09:00 is 206 hours; in 2021 the same dates are 182 hours.
func TestCashLeapYearOutage(t *testing.T) {
	cst, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		year  int
		hours time.Duration
		want  int64
	}{{2020, 206, 1_716_667}, {2021, 182, 1_516_667}} {
		outage := time.Date(c.year, 3, 3, 9, 0, 0, 0, cst).Sub(time.Date(c.year, 2, 23, 19, 0, 0, 0, cst))
		if outage != c.hours*time.Hour {
			t.Errorf("%d: outage %v, want %dh", c.year, outage, c.hours)
		}
		got, err := compensation.CashFen(6_000_000, mustMargin(t, "20"), outage, 6*24*time.Hour)
		if err != nil || got != c.want {
			t.Errorf("%d: cash %d, want %d", c.year, got, c.want)
		}
	}
}

func TestCashRounding(t *testing.T) {
	day := 24 * time.Hour
	cases := []struct {
		sales  int64
		margin string
		outage time.Duration
		want   int64
	}{
		{1, "50", day, 1},          // exactly half a fen rounds up (away from zero)
		{1, "49.9999", day, 0},     // just under half rounds down
		{3, "50", day, 2},          // 1.5 -> 2
		{5, "10", day, 1},          // 0.5 -> 1
		{4, "10", day, 0},          // 0.4 -> 0
		{0, "100", 1000 * day, 0},  // no sales, no cash
		{100, "0", day, 0},         // a 0% industry is a real zero
		{1, "100", time.Second, 0}, // a tiny outage
		{999_999_999_999, "100", 366 * day, 999_999_999_999 * 366}, // huge: no overflow
	}
	for _, c := range cases {
		got, err := compensation.CashFen(c.sales, mustMargin(t, c.margin), c.outage, day)
		if err != nil || got != c.want {
			t.Errorf("CashFen(%d, %s%%, %v) = %d, %v; want %d", c.sales, c.margin, c.outage, got, err, c.want)
		}
	}
}

func TestParseMargin(t *testing.T) {
	good := map[string]compensation.Margin{"20": 200000, "22.5": 225000, "0": 0, "100": 1000000, "17.1234": 171234, "3.5%": 35000}
	for in, want := range good {
		if got, err := compensation.ParseMargin(in); err != nil || got != want {
			t.Errorf("ParseMargin(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "100.0001", "1e2", "12.34567", ".5", "5.", "abc", "1000"} {
		if _, err := compensation.ParseMargin(in); err == nil {
			t.Errorf("ParseMargin(%q) accepted", in)
		}
	}
	if s := compensation.Margin(225000).String(); s != "22.5" {
		t.Errorf("String = %q", s)
	}
}

// The claims are computed by the SQL function; Go's CashFen must agree
// with it everywhere, including on exact halves and huge merchants.
func TestCashGoAndSQLAgree(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		sales := r.Int64N(1_000_000_000_000)
		if i%3 == 0 {
			sales = r.Int64N(1000)
		}
		m := compensation.Margin(r.Int64N(100*compensation.MarginUnit + 1))
		outage := time.Duration(r.Int64N(int64(400*time.Hour))/int64(time.Second)) * time.Second
		baseline := time.Duration(1+r.Int64N(int64(10*24*time.Hour)/int64(time.Minute))) * time.Minute
		want, err := compensation.CashFen(sales, m, outage, baseline)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := compensation.CashFenSQL(ctx, conn, sales, &m, outage, baseline)
		if err != nil || !ok || got != want {
			t.Fatalf("sales %d margin %s outage %v baseline %v: SQL %d (%v, %v), Go %d", sales, m, outage, baseline, got, ok, err, want)
		}
	}
	// Exact halves round up, just below a half rounds down (00012 computes
	// the rounding as one division).
	half := compensation.Margin(50 * compensation.MarginUnit)
	for _, c := range []struct {
		sales int64
		m     compensation.Margin
		want  int64
	}{{1, half, 1}, {3, half, 2}, {0, half, 0}, {1, half - 1, 0}, {999_999_999_999, 100 * compensation.MarginUnit, 999_999_999_999}} {
		got, ok, err := compensation.CashFenSQL(ctx, conn, c.sales, &c.m, time.Hour, time.Hour)
		if err != nil || !ok || got != c.want {
			t.Errorf("sales %d margin %s: SQL %d (%v, %v), want %d", c.sales, c.m, got, ok, err, c.want)
		}
	}
	if _, ok, err := compensation.CashFenSQL(ctx, conn, 100, nil, time.Hour, time.Hour); ok || err != nil {
		t.Fatalf("no margin: ok %v err %v, want awaiting (not zero)", ok, err)
	}
}
