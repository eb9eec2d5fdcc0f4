package demo

import (
	"reflect"
	"regexp"
	"testing"
	"time"
)

// The statement's worked example: 60,000.00 over six days, so 10,000.00 a
// day, at 20% margin for 206/24 days is 17,166.67.
func TestCashFenWorkedExample(t *testing.T) {
	if got := cashFen(1_000_000, 2000, 206*time.Hour); got != 1_716_667 {
		t.Errorf("cashFen = %d fen, want 1716667 (17,166.67 yuan)", got)
	}
	if got := cashFen(0, 2000, 206*time.Hour); got != 0 {
		t.Errorf("no revenue: %d fen", got)
	}
}

func population(t *testing.T) (dataSet, []merchant) {
	t.Helper()
	d, err := scenario()
	if err != nil {
		t.Fatal(err)
	}
	pop, err := generate(d.Population, d.Fund.OutageEnd.Sub(d.Fund.OutageStart))
	if err != nil {
		t.Fatal(err)
	}
	return d, pop
}

func TestGenerateIsDeterministic(t *testing.T) {
	d, a := population(t)
	_, b := population(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different populations")
	}
	other := d.Population
	other.Seed[1]++
	c, err := generate(other, d.Fund.OutageEnd.Sub(d.Fund.OutageStart))
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("a different seed gave the same population")
	}
}

func TestGeneratedClaimsAreConsistent(t *testing.T) {
	d, pop := population(t)
	p := d.Population
	if len(pop) != p.Count {
		t.Fatalf("%d merchants, want %d", len(pop), p.Count)
	}
	idRE := regexp.MustCompile(`^` + regexp.QuoteMeta(p.IDPrefix) + `\d{6}$`)
	seen := map[string]bool{}
	states := map[string]int{}
	plans := map[string]int{}
	for _, m := range pop {
		c := m.Claim
		if !idRE.MatchString(m.MerchantID) || seen[m.MerchantID] {
			t.Fatalf("merchant id %q malformed or repeated", m.MerchantID)
		}
		seen[m.MerchantID] = true
		if m.Name == "" || m.Industry == "" {
			t.Fatalf("%s: empty name or industry", m.MerchantID)
		}
		states[c.State]++
		plans[c.Plan]++
		var want int64
		switch c.Plan {
		case "traffic":
			want = p.TrafficValueFen
		default:
			// The outage is 206 hours (scenario text), not read back from the data.
			want = cashFen(m.DailyRevenueFen, m.MarginBP, 206*time.Hour)
		}
		if c.AmountFen != want {
			t.Errorf("%s: amount %d, want %d", m.MerchantID, c.AmountFen, want)
		}
		if (c.State == "computed") != (c.Plan == "") {
			t.Errorf("%s: state %s with plan %q", m.MerchantID, c.State, c.Plan)
		}
		order := []*time.Time{&c.ComputedAt, c.ChosenAt, c.ApprovedAt, c.PaidAt}
		var prev time.Time
		for _, ts := range order {
			if ts == nil {
				continue
			}
			if ts.Before(prev) {
				t.Errorf("%s: timestamps out of order: %v", m.MerchantID, order)
			}
			prev = *ts
		}
		if c.UpdatedAt.Before(prev) {
			t.Errorf("%s: updated_at %v before %v", m.MerchantID, c.UpdatedAt, prev)
		}
		if (c.State == "paid") != (c.PaidAt != nil) {
			t.Errorf("%s: state %s, paid_at %v", m.MerchantID, c.State, c.PaidAt)
		}
		if c.PaidAt != nil {
			// Payouts fall in March-April 2020, China Standard Time.
			cst := time.FixedZone("CST", 8*3600)
			if c.PaidAt.Before(time.Date(2020, 3, 1, 0, 0, 0, 0, cst)) || !c.PaidAt.Before(time.Date(2020, 5, 1, 0, 0, 0, 0, cst)) {
				t.Errorf("%s: paid at %v, outside March-April 2020", m.MerchantID, c.PaidAt)
			}
		}
	}
	for _, s := range []string{"computed", "chosen", "approved", "paid"} {
		if states[s] == 0 {
			t.Errorf("no %s claims: %v", s, states)
		}
	}
	if plans["cash"] <= plans["traffic"] || plans["traffic"] == 0 {
		t.Errorf("plan mix %v: want mostly cash, some traffic", plans)
	}
}
