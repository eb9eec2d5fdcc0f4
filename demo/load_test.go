package demo

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
	"warroom/incident"
	"warroom/recovery"
)

var cst = time.FixedZone("CST", 8*3600)

func at(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, cst) }

// loadedDemo is a database holding the demo as Load leaves it, cloned from
// one Load per test binary, and that Load's summary (ids are the same in
// every clone). Tests of Load itself load their own.
func loadedDemo(t *testing.T) (*sqlx.DB, Summary) {
	t.Helper()
	conn := dbtest.NewFrom(t, "demo", func(c *sqlx.DB) error {
		s, err := Load(context.Background(), c)
		demoSummary = s
		return err
	})
	return conn, demoSummary
}

// demoSummary is the summary of loadedDemo's one Load.
var demoSummary Summary

func mustLoad(t *testing.T, conn *sqlx.DB) Summary {
	t.Helper()
	s, err := Load(context.Background(), conn)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func TestLoadIncidentAndTimeline(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)
	d, err := scenario()
	if err != nil {
		t.Fatal(err)
	}

	inc, err := incident.BySlug(ctx, conn, Slug())
	if err != nil {
		t.Fatal(err)
	}
	if inc.ID != s.IncidentID || inc.Status != "resolved" || inc.TimeZone != "Asia/Shanghai" {
		t.Errorf("incident %+v", inc)
	}
	// 2020-02-23 19:00 to 2020-03-03 09:00 over a 29 February: 206 hours.
	if got := inc.Elapsed(time.Now()); got != 206*time.Hour {
		t.Errorf("outage %v, want 206h", got)
	}

	entries, err := incident.Timeline(ctx, conn, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(d.Timeline) || s.Entries != len(entries) {
		t.Fatalf("%d entries in the database, summary %d, data file %d", len(entries), s.Entries, len(d.Timeline))
	}
	byKind := map[string][]incident.Entry{}
	for i, e := range entries {
		byKind[e.Kind] = append(byKind[e.Kind], e)
		if i > 0 && e.At().Before(entries[i-1].At()) {
			t.Errorf("timeline out of order at %q", e.Title)
		}
	}
	// The scenario table: two date-only restores, a rehearsal 02:00-08:00
	// and a cutover 22:00-09:00 with planned windows, the data back at 20:00.
	if r := byKind["restore"]; len(r) != 2 || r[0].Precision != "day" || r[1].Precision != "day" ||
		!r[0].At().Equal(at(2020, 2, 25, 0, 0)) || !r[1].At().Equal(at(2020, 2, 28, 0, 0)) {
		t.Errorf("restore entries %+v", r)
	}
	if r := byKind["rehearsal"]; len(r) != 1 || r[0].PlannedStart == nil || r[0].PlannedEnd == nil ||
		!r[0].PlannedStart.Equal(at(2020, 3, 2, 2, 0)) || !r[0].PlannedEnd.Equal(at(2020, 3, 2, 8, 0)) || r[0].ActualStart == nil {
		t.Errorf("rehearsal %+v", r)
	}
	c := byKind["cutover"]
	if len(c) != 2 || c[0].PlannedStart == nil || !c[0].PlannedStart.Equal(at(2020, 3, 2, 22, 0)) ||
		c[0].PlannedEnd == nil || !c[0].PlannedEnd.Equal(at(2020, 3, 3, 9, 0)) || c[0].ActualEnd == nil ||
		!c[1].At().Equal(at(2020, 3, 3, 9, 0)) {
		t.Errorf("cutover %+v", c)
	}
	if r := byKind["recovery"]; len(r) != 1 || !r[0].At().Equal(at(2020, 3, 1, 20, 0)) {
		t.Errorf("recovery %+v", r)
	}
	if w := byKind["window"]; len(w) != 1 || !w[0].At().Equal(at(2020, 2, 17, 19, 0)) {
		t.Errorf("window %+v", w)
	}
}

func TestLoadRestorePlan(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)

	ms, err := recovery.Milestones(ctx, conn, s.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != s.Milestones || len(ms) < 6 {
		t.Fatalf("%d milestones (summary %d), want the six steps of the issue", len(ms), s.Milestones)
	}
	if got := recovery.Overall(ms); got != 100 {
		t.Errorf("overall progress %d, want 100 (the incident is resolved)", got)
	}
	updates := 0
	for _, m := range ms {
		if m.Status != "done" || m.Progress != 100 || m.Owner == "" {
			t.Errorf("milestone %s: %s %d%% owner %q", m.Key, m.Status, m.Progress, m.Owner)
		}
		h, err := recovery.History(ctx, conn, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		updates += len(h)
		if len(h) < 3 || h[0].FromStatus != nil || h[len(h)-1].ToStatus != "done" {
			t.Errorf("milestone %s: history %+v", m.Key, h)
			continue
		}
		if !m.UpdatedAt.Equal(h[len(h)-1].At) {
			t.Errorf("milestone %s updated %v, last update %v", m.Key, m.UpdatedAt, h[len(h)-1].At)
		}
		for i := 1; i < len(h); i++ {
			if h[i].FromStatus == nil || *h[i].FromStatus != h[i-1].ToStatus ||
				h[i].FromProgress == nil || *h[i].FromProgress != h[i-1].ToProgress || h[i].ToProgress < h[i-1].ToProgress {
				t.Errorf("milestone %s update %d does not follow %d", m.Key, i, i-1)
			}
			if h[i].At.Before(at(2020, 2, 23, 19, 0)) || h[i].At.After(at(2020, 3, 3, 9, 0)) {
				t.Errorf("milestone %s update at %v, outside the outage", m.Key, h[i].At)
			}
		}
	}
	if updates != s.Updates {
		t.Errorf("%d updates, summary says %d", updates, s.Updates)
	}
}

func TestLoadAccountability(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)

	acc, err := incident.LoadAccountability(ctx, conn, s.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	// The statement's order and personal contributions, in fen.
	want := []struct {
		name, native string
		pledged      int64
	}{
		{"", "", 0}, // the employee, unnamed
		{"Sun Taoyong", "孙涛勇", 35_000_000 * 100},
		{"Huang Junwei", "黄骏伟", 5_000_000 * 100},
		{"Fang Tongshu", "方桐舒", 5_000_000 * 100},
		{"You Fengchun", "游凤椿", 5_000_000 * 100},
	}
	if len(acc.People) != len(want) {
		t.Fatalf("%d people, want %d", len(acc.People), len(want))
	}
	for i, w := range want {
		p := acc.People[i]
		if w.name != "" && (p.Name != w.name || p.NativeName != w.native) {
			t.Errorf("person %d: %s %s, want %s %s", i, p.Name, p.NativeName, w.name, w.native)
		}
		if p.PledgedFen != w.pledged || len(p.Findings) == 0 || p.Title == "" {
			t.Errorf("person %s: pledged %d (want %d), %d findings, title %q", p.Name, p.PledgedFen, w.pledged, len(p.Findings), p.Title)
		}
	}
	// Three measures with 5, 5 and 2 bullet points in the scenario.
	if len(acc.Measures) != 3 {
		t.Fatalf("%d measures", len(acc.Measures))
	}
	statuses := map[string]int{}
	for i, n := range []int{5, 5, 2} {
		m := acc.Measures[i]
		if len(m.Items) != n {
			t.Errorf("measure %d %q: %d items, want %d", i+1, m.Title, len(m.Items), n)
		}
		for _, it := range m.Items {
			statuses[it.Status]++
			if it.Owner == "" || it.Due == nil || it.Due.Year() != 2020 {
				t.Errorf("action item %q: owner %q due %v", it.Title, it.Owner, it.Due)
			}
		}
	}
	if len(statuses) < 2 {
		t.Errorf("action item statuses %v: want a mix", statuses)
	}
	if s.Measures != 3 || s.ActionItems != 12 || s.People != 5 {
		t.Errorf("summary %+v", s)
	}
}

func TestLoadFund(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)

	f, err := compensation.LoadFund(ctx, conn, s.IncidentID, s.Slug)
	if err != nil {
		t.Fatal(err)
	}
	const pledged = 150_000_000 * 100 // the reserve, in fen
	if f.Currency != "CNY" || f.PledgedFen != pledged || s.PledgedFen != pledged {
		t.Errorf("fund %s pledged %d, summary %d, want %d", f.Currency, f.PledgedFen, s.PledgedFen, int64(pledged))
	}
	wantPledges := []int64{100_000_000 * 100, 35_000_000 * 100, 5_000_000 * 100, 5_000_000 * 100, 5_000_000 * 100}
	if len(f.Contributors) != 5 {
		t.Fatalf("%d contributors", len(f.Contributors))
	}
	var sum int64
	for i, c := range f.Contributors {
		sum += c.PledgedFen
		if c.PledgedFen != wantPledges[i] {
			t.Errorf("contributor %s pledged %d, want %d", c.Name, c.PledgedFen, wantPledges[i])
		}
		if c.ReceivedFen <= 0 || c.LastReceived == nil || c.LastReceived.Year() != 2020 {
			t.Errorf("contributor %s: received %d at %v", c.Name, c.ReceivedFen, c.LastReceived)
		}
	}
	if sum != pledged {
		t.Errorf("contributors sum to %d", sum)
	}
	var linked int
	if err := conn.GetContext(ctx, &linked, `SELECT count(*) FROM contributors WHERE incident_id = $1 AND person_id IS NOT NULL`, s.IncidentID); err != nil {
		t.Fatal(err)
	}
	if linked != 4 {
		t.Errorf("%d contributors linked to people, want the 4 executives", linked)
	}

	if f.PaidFen <= 0 || f.PaidFen >= f.PledgedFen || f.PaidFen != s.PaidFen {
		t.Errorf("paid %d (summary %d), pledged %d", f.PaidFen, s.PaidFen, f.PledgedFen)
	}
	// "Tens of millions" of yuan, as in the real drawdown.
	if f.PaidFen < 10_000_000*100 || f.PaidFen > 100_000_000*100 {
		t.Errorf("paid %s yuan, want tens of millions", compensation.FormatFen(f.PaidFen))
	}
	if f.CommittedFen <= 0 || f.RemainingFen <= 0 || f.RemainingFen != f.PledgedFen-f.CommittedFen-f.PaidFen {
		t.Errorf("committed %d remaining %d", f.CommittedFen, f.RemainingFen)
	}
	if f.Claims != int64(s.Claims) || f.PaidClaims != int64(s.Payouts) || s.Claims != s.Merchants {
		t.Errorf("claims %d paid %d, summary %+v", f.Claims, f.PaidClaims, s)
	}
	if f.ReceivedFen != s.ReceivedFen || f.ReceivedFen > f.PledgedFen || f.ReceivedFen < f.PaidFen {
		t.Errorf("received %d (summary %d)", f.ReceivedFen, s.ReceivedFen)
	}

	var win struct {
		Baseline time.Duration `db:"baseline"`
		Outage   time.Duration `db:"outage"`
	}
	err = conn.GetContext(ctx, &win, `
		SELECT (extract(epoch FROM baseline_end - baseline_start) * 1e9)::bigint AS baseline,
		       (extract(epoch FROM outage_end - outage_start) * 1e9)::bigint AS outage
		FROM funds WHERE incident_id = $1`, s.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if win.Baseline != 6*24*time.Hour || win.Outage != 206*time.Hour {
		t.Errorf("baseline %v outage %v, want 144h and 206h", win.Baseline, win.Outage)
	}

	pts, err := compensation.Drawdown(ctx, conn, s.IncidentID, "Asia/Shanghai", f.PledgedFen)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) < 30 {
		t.Fatalf("%d payout days, want payouts spread over March-April", len(pts))
	}
	first, last := pts[0].Day.In(cst), pts[len(pts)-1].Day.In(cst)
	if first.Before(at(2020, 3, 1, 0, 0)) || !last.Before(at(2020, 5, 1, 0, 0)) || first.Month() != time.March || last.Month() != time.April {
		t.Errorf("payout days %v to %v, want March to April 2020", first, last)
	}
	if pts[len(pts)-1].CumPaidFen != f.PaidFen || pts[len(pts)-1].RemainingFen != f.PledgedFen-f.PaidFen {
		t.Errorf("drawdown ends at %+v, paid %d", pts[len(pts)-1], f.PaidFen)
	}
}

func TestLoadPayoutsMatchPaidClaims(t *testing.T) {
	ctx := context.Background()
	conn, s := loadedDemo(t)
	var bad int
	err := conn.GetContext(ctx, &bad, `
		SELECT count(*) FROM claims c
		JOIN merchants m ON m.id = c.merchant_id
		LEFT JOIN payouts p ON p.claim_id = c.id
		WHERE c.incident_id = $1 AND (
		    (c.state = 'paid') <> (p.id IS NOT NULL)
		 OR p.amount_fen <> c.amount_fen
		 OR p.paid_at <> c.paid_at
		 OR p.idempotency_key <> 'demo-' || m.merchant_id)`, s.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d claims whose payout does not match", bad)
	}
}

// counts is the row count of every table the demo writes.
func counts(t *testing.T, conn *sqlx.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"incidents", "timeline_entries", "milestones", "milestone_updates",
		"people", "findings", "remediation_measures", "action_items", "funds", "contributors",
		"contributions", "merchants", "sales_imports", "sales_totals", "margin_rates", "claims", "payouts"} {
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestLoadTwiceRefuses(t *testing.T) {
	conn := dbtest.New(t)
	mustLoad(t, conn)
	before := counts(t, conn)
	_, err := Load(context.Background(), conn)
	if !errors.Is(err, ErrAlreadyLoaded) {
		t.Fatalf("second Load: %v, want ErrAlreadyLoaded", err)
	}
	after := counts(t, conn)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before, %d after", table, n, after[table])
		}
	}
}

func TestLoadSameInTwoDatabases(t *testing.T) {
	ctx := context.Background()
	// A digest of everything generated, so any drift in the generator or
	// the writer shows, not only in the totals.
	const digest = `
		SELECT md5(string_agg(concat_ws('|', m.merchant_id, m.name, m.industry, c.plan, c.state,
		           c.amount_fen, c.baseline_fen, c.margin_percent, c.cash_fen, c.chosen_at, c.approved_at, c.paid_at,
		           p.amount_fen, p.idempotency_key),
		           ',' ORDER BY m.merchant_id))
		FROM merchants m JOIN claims c ON c.merchant_id = m.id LEFT JOIN payouts p ON p.claim_id = c.id`
	var sums [2]int64
	var digests [2]string
	for i := range 2 {
		conn := dbtest.New(t)
		mustLoad(t, conn)
		if _, err := conn.ExecContext(ctx, `SET TIME ZONE 'UTC'`); err != nil {
			t.Fatal(err)
		}
		if err := conn.GetContext(ctx, &sums[i], `SELECT sum(amount_fen)::bigint FROM payouts`); err != nil {
			t.Fatal(err)
		}
		if err := conn.GetContext(ctx, &digests[i], digest); err != nil {
			t.Fatal(err)
		}
	}
	if sums[0] != sums[1] || sums[0] == 0 {
		t.Errorf("payout sums %d and %d", sums[0], sums[1])
	}
	if digests[0] != digests[1] {
		t.Errorf("populations differ: %s vs %s", digests[0], digests[1])
	}
}

// A payout key is unique within its incident, so another incident may hold
// one of the demo's keys. A CHECK planted against that key makes the load's
// payouts (after merchants, sales, rates and the computed claims) fail; the
// transaction must then leave nothing of the demo behind.
func TestLoadFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	_, pop := population(t)
	var key string
	for _, m := range pop {
		if m.Claim.State == "paid" {
			key = "demo-" + m.MerchantID
			break
		}
	}
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		var inc, mer, cl int64
		if err := tx.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('other', 'Other', now()) RETURNING id`); err != nil {
			return err
		}
		if err := tx.Get(&mer, `INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'X1') RETURNING id`, inc); err != nil {
			return err
		}
		if err := tx.Get(&cl, `INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen) VALUES ($1, $2, 'cash', 'paid', 100) RETURNING id`, inc, mer); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 100, $3)`, inc, cl, key); err != nil {
			return err
		}
		_, err := tx.Exec(`ALTER TABLE payouts ADD CONSTRAINT test_clash CHECK (idempotency_key <> ` + pq.QuoteLiteral(key) + `) NOT VALID`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	before := counts(t, conn)

	_, err = Load(ctx, conn)
	if !errors.Is(err, db.ErrCheckViolation) || !strings.Contains(err.Error(), "test_clash") {
		t.Fatalf("Load: %v, want the planted check on the payout key", err)
	}
	if _, err := incident.BySlug(ctx, conn, Slug()); !db.IsNotFound(err) {
		t.Errorf("demo incident after failed load: %v", err)
	}
	after := counts(t, conn)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before, %d after the failed load", table, n, after[table])
		}
	}

	// Without the clash the same load goes through, the other incident's
	// payout under the same key included.
	if _, err := conn.ExecContext(ctx, `ALTER TABLE payouts DROP CONSTRAINT test_clash`); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, conn)
}
