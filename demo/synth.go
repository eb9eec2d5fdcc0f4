package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"warroom/compensation"
)

// populationSpec describes the synthetic merchants; every share is in basis
// points (1/10000) so the data file holds no fractions.
type populationSpec struct {
	About           string        `json:"about"`
	Count           int           `json:"count"`
	Seed            [2]uint64     `json:"seed"`
	IDPrefix        string        `json:"id_prefix"`
	HanziShareBP    int           `json:"hanzi_share_bp"`
	TrafficShareBP  int           `json:"traffic_share_bp"`
	TrafficValueFen int64         `json:"traffic_value_fen"`
	SalesImportedAt time.Time     `json:"sales_imported_at"`
	MarginSource    string        `json:"margin_source"`
	RatesSetAt      time.Time     `json:"rates_set_at"`
	ClaimsOpen      time.Time     `json:"claims_open"`
	PayoutsStart    time.Time     `json:"payouts_start"`
	PayoutsEnd      time.Time     `json:"payouts_end"`
	States          []stateShare  `json:"states"`
	RevenueTiers    []revenueTier `json:"revenue_tiers"`
	Industries      []industry    `json:"industries"`
	NameStems       []nameWord    `json:"name_stems"`
	Cities          []nameWord    `json:"cities"`
}

type stateShare struct {
	State   string `json:"state"`
	ShareBP int    `json:"share_bp"`
}

// revenueTier draws daily revenue uniformly in [MinFen, MaxFen]; a few tiers
// with falling shares give the long tail real merchant bases have.
type revenueTier struct {
	ShareBP int   `json:"share_bp"`
	MinFen  int64 `json:"min_fen"`
	MaxFen  int64 `json:"max_fen"`
}

type industry struct {
	Name     string     `json:"name"`
	ShareBP  int        `json:"share_bp"`
	MarginBP int64      `json:"margin_bp"`
	Shops    []nameWord `json:"shops"`
}

type nameWord struct {
	En    string `json:"en"`
	Hanzi string `json:"hanzi"`
}

// merchant is one generated merchant with its claim. Load writes
// DailyRevenueFen as baseline sales and MarginBP as the industry's rate and
// has the engine compute the claim; Claim.AmountFen is what the engine must
// then arrive at (Load checks the totals agree).
type merchant struct {
	MerchantID      string
	Name            string
	Industry        string
	DailyRevenueFen int64
	MarginBP        int64
	Claim           claim
}

type claim struct {
	Plan       string // "" while the merchant has not chosen
	State      string
	AmountFen  int64
	ComputedAt time.Time
	ChosenAt   *time.Time
	ApprovedAt *time.Time
	PaidAt     *time.Time
	UpdatedAt  time.Time
}

// Bounds that keep cashFen's product inside int64: 1e9 fen x 1e4 bp x
// 527,040 minutes (a year) is about 5.3e18.
const (
	maxDailyRevenueFen = 1_000_000_000
	maxOutage          = 366 * 24 * time.Hour
)

var claimStates = map[string]bool{"computed": true, "chosen": true, "approved": true, "paid": true, "rejected": true}

func (p populationSpec) validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("population: "+format, args...))
		}
	}
	check(p.Count > 0 && p.Count <= 1_000_000, "count %d out of range", p.Count)
	check(p.IDPrefix != "", "id_prefix missing")
	check(p.HanziShareBP >= 0 && p.HanziShareBP <= 10000, "hanzi_share_bp %d", p.HanziShareBP)
	check(p.TrafficShareBP >= 0 && p.TrafficShareBP <= 10000, "traffic_share_bp %d", p.TrafficShareBP)
	check(p.TrafficValueFen > 0, "traffic_value_fen must be positive")
	check(strings.TrimSpace(p.MarginSource) != "", "margin_source missing")
	check(!p.SalesImportedAt.IsZero() && !p.SalesImportedAt.After(p.ClaimsOpen), "sales_imported_at missing or after claims_open")
	check(!p.RatesSetAt.IsZero() && !p.RatesSetAt.After(p.ClaimsOpen), "rates_set_at missing or after claims_open")
	check(!p.PayoutsStart.Before(p.ClaimsOpen), "payouts_start before claims_open")
	check(p.PayoutsEnd.After(p.PayoutsStart), "payouts window is empty")
	check(len(p.NameStems) > 0 && len(p.Cities) > 0, "name_stems and cities must not be empty")

	sum := 0
	for _, s := range p.States {
		check(claimStates[s.State], "unknown claim state %q", s.State)
		sum += s.ShareBP
	}
	check(sum == 10000, "state shares sum to %d bp, not 10000", sum)
	sum = 0
	for _, t := range p.RevenueTiers {
		check(t.MinFen > 0 && t.MinFen <= t.MaxFen && t.MaxFen <= maxDailyRevenueFen,
			"revenue tier %d-%d fen out of range", t.MinFen, t.MaxFen)
		sum += t.ShareBP
	}
	check(sum == 10000, "revenue tier shares sum to %d bp, not 10000", sum)
	sum = 0
	for _, in := range p.Industries {
		check(in.MarginBP >= 0 && in.MarginBP <= 10000, "industry %q: margin %d bp", in.Name, in.MarginBP)
		check(len(in.Shops) > 0, "industry %q: no shop words", in.Name)
		sum += in.ShareBP
	}
	check(sum == 10000, "industry shares sum to %d bp, not 10000", sum)
	return errors.Join(errs...)
}

// cashFen is the statement's cash formula for a merchant with this daily
// revenue: the compensation engine's CashFen (one rounding, half away from
// zero), fed one day of revenue over a one-day baseline, which is the same
// fraction as the week's sales over the week.
func cashFen(dailyRevenueFen, marginBP int64, outage time.Duration) int64 {
	fen, err := compensation.CashFen(dailyRevenueFen, compensation.Margin(marginBP*100), outage, 24*time.Hour)
	if err != nil {
		panic(err) // validate() bounds every input, so this cannot happen
	}
	return fen
}

// generate builds the population. The same spec and outage always give the
// same merchants: one PCG stream, drawn in a fixed order.
func generate(p populationSpec, outage time.Duration) ([]merchant, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if outage <= 0 || outage > maxOutage {
		return nil, fmt.Errorf("population: outage %v out of range", outage)
	}
	r := rand.New(rand.NewPCG(p.Seed[0], p.Seed[1]))
	out := make([]merchant, p.Count)
	for i := range out {
		in := p.Industries[pickBP(r, len(p.Industries), func(k int) int { return p.Industries[k].ShareBP })]
		tier := p.RevenueTiers[pickBP(r, len(p.RevenueTiers), func(k int) int { return p.RevenueTiers[k].ShareBP })]
		m := merchant{
			MerchantID:      fmt.Sprintf("%s%06d", p.IDPrefix, i+1),
			Industry:        in.Name,
			DailyRevenueFen: tier.MinFen + r.Int64N(tier.MaxFen-tier.MinFen+1),
			MarginBP:        in.MarginBP,
		}
		m.Name = shopName(r, p, in)
		m.Claim = drawClaim(r, p, cashFen(m.DailyRevenueFen, m.MarginBP, outage))
		out[i] = m
	}
	return out, nil
}

// pickBP draws an index with probability share/10000.
func pickBP(r *rand.Rand, n int, share func(int) int) int {
	x := r.IntN(10000)
	for k := range n {
		x -= share(k)
		if x < 0 {
			return k
		}
	}
	return n - 1
}

func shopName(r *rand.Rand, p populationSpec, in industry) string {
	stem := p.NameStems[r.IntN(len(p.NameStems))]
	shop := in.Shops[r.IntN(len(in.Shops))]
	city := p.Cities[r.IntN(len(p.Cities))]
	if r.IntN(10000) < p.HanziShareBP {
		return city.Hanzi + stem.Hanzi + shop.Hanzi
	}
	return stem.En + " " + shop.En + " (" + city.En + ")"
}

// drawClaim places the claim somewhere along computed -> chosen -> approved
// -> paid, with timestamps that keep that order.
func drawClaim(r *rand.Rand, p populationSpec, cash int64) claim {
	c := claim{
		State:      p.States[pickBP(r, len(p.States), func(k int) int { return p.States[k].ShareBP })].State,
		AmountFen:  cash,
		ComputedAt: p.ClaimsOpen,
		UpdatedAt:  p.ClaimsOpen,
	}
	if c.State == "computed" {
		return c
	}
	c.Plan = "cash"
	if r.IntN(10000) < p.TrafficShareBP {
		c.Plan = "traffic"
		c.AmountFen = p.TrafficValueFen
	}
	notBefore := func(t time.Time) time.Time {
		if t.Before(p.ClaimsOpen) {
			return p.ClaimsOpen
		}
		return t.Truncate(time.Minute)
	}
	between := func(from, to time.Time) time.Time {
		return from.Add(time.Duration(r.Int64N(int64(to.Sub(from))))).Truncate(time.Minute)
	}
	ptr := func(t time.Time) *time.Time { return &t }

	switch c.State {
	case "paid":
		// Two draws averaged: payouts ramp up, peak mid-window and tail off.
		span := int64(p.PayoutsEnd.Sub(p.PayoutsStart))
		paid := p.PayoutsStart.Add(time.Duration((r.Int64N(span) + r.Int64N(span)) / 2)).Truncate(time.Minute)
		approved := notBefore(paid.Add(-2*time.Hour - time.Duration(r.Int64N(int64(5*24*time.Hour)))))
		chosen := notBefore(approved.Add(-time.Hour - time.Duration(r.Int64N(int64(3*24*time.Hour)))))
		c.ChosenAt, c.ApprovedAt, c.PaidAt = ptr(chosen), ptr(approved), ptr(paid)
		c.UpdatedAt = paid
	case "approved":
		approved := between(p.ClaimsOpen, p.PayoutsEnd)
		chosen := notBefore(approved.Add(-time.Hour - time.Duration(r.Int64N(int64(3*24*time.Hour)))))
		c.ChosenAt, c.ApprovedAt = ptr(chosen), ptr(approved)
		c.UpdatedAt = approved
	case "chosen":
		chosen := between(p.ClaimsOpen, p.PayoutsEnd)
		c.ChosenAt = ptr(chosen)
		c.UpdatedAt = chosen
	case "rejected":
		chosen := between(p.ClaimsOpen, p.PayoutsEnd)
		c.ChosenAt = ptr(chosen)
		c.UpdatedAt = chosen.Add(time.Hour + time.Duration(r.Int64N(int64(3*24*time.Hour)))).Truncate(time.Minute)
	}
	return c
}
