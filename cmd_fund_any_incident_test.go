package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"warroom/db/dbtest"
)

// A fund for a newly declared incident, from the CLI as its people would
// run it: an engineer declares (Shanghai), the incident says it has no
// fund, a commander opens one with windows given in New York time and in
// the incident's own zone, a pledge is approved by a second person,
// finance imports generated merchants and sales and sets a rate; claims
// wait for the outage end until the incident is resolved, then compute,
// follow a reopening and a second resolution as the computation would
// (compute again changes nothing), follow an approved window change, and
// one is chosen, approved and paid. The ledger holds at the end.
func TestFundForADeclaredIncident(t *testing.T) {
	dbURL, conn := demoDB(t)
	eng, fin := loginURL(t, dbURL, "engineer"), loginURL(t, dbURL, "finance")
	boss, boss2 := loginURL(t, dbURL, "commander"), loginURL(t, dbURL, "commander")
	run := func(who string, want int, args ...string) string {
		t.Helper()
		code, out, errs := cli(t, who, args...)
		if code != want {
			t.Fatalf("%v: exit %d (want %d)\n%s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	slug := strings.TrimSpace(run(eng, 0, "incident", "declare", "Payments down", "--severity", "sev1", "--zone", "Asia/Shanghai"))
	inc := dbtest.Get[int64](t, conn, `SELECT id FROM incidents WHERE slug = $1`, slug)
	on := func(who string, want int, args ...string) string {
		t.Helper()
		return run(who, want, append([]string{"--incident", slug}, args...)...)
	}
	approve := func(op string) {
		t.Helper()
		id := strconv.FormatInt(dbtest.Get[int64](t, conn, `SELECT id FROM approvals
			WHERE incident_id = $1 AND op = $2 AND state = 'pending' ORDER BY id DESC LIMIT 1`, inc, op), 10)
		if out := on(fin, exitError, "approvals", "approve", id); !strings.Contains(out, "different person") {
			t.Fatalf("finance approving its own %s request: %s", op, out)
		}
		on(boss2, 0, "approvals", "approve", id)
	}

	// No fund yet: said plainly, not an error.
	if out := on(eng, 0, "fund"); !strings.Contains(out, "has no compensation fund yet") {
		t.Fatalf("fund before it is opened: %s", out)
	}
	var none struct {
		Fund   *json.RawMessage `json:"fund"`
		Reason string           `json:"reason"`
	}
	if err := json.Unmarshal([]byte(on(eng, 0, "fund", "--json")), &none); err != nil || none.Fund != nil || none.Reason == "" {
		t.Fatalf("fund --json before it is opened: %+v %v", none, err)
	}

	// The claims pipeline says the same, in words and in JSON.
	if out := on(fin, 0, "claims"); !strings.Contains(out, "has no compensation fund yet, so no claims") {
		t.Fatalf("claims before the fund is opened: %s", out)
	}
	var noClaims struct {
		Pipeline []json.RawMessage `json:"pipeline"`
		Reason   string            `json:"reason"`
	}
	if err := json.Unmarshal([]byte(on(fin, 0, "claims", "--json")), &noClaims); err != nil || noClaims.Pipeline == nil || noClaims.Reason == "" {
		t.Fatalf("claims --json before the fund is opened: %+v %v", noClaims, err)
	}

	// Opened by a commander; an engineer is refused by the database.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	outageStart := time.Now().Add(-time.Hour).Truncate(time.Minute)
	open := []string{"fund", "open",
		"--baseline-start", "2020-02-17T06:00:00-05:00", // New York, given with its offset
		"--baseline-end", "2020-02-23 19:00", // the incident's zone (Shanghai)
		"--outage-start", outageStart.In(ny).Format(time.RFC3339),
		"--threshold", "20000"}
	if out := on(eng, exitError, open...); !strings.Contains(out, "may not open a compensation fund") {
		t.Fatalf("engineer opening the fund: %s", out)
	}
	on(boss, 0, open...)
	// A second fund is refused in words; none of its contributors yet is [].
	if out := on(boss, exitError, open...); !strings.Contains(out, "already has a compensation fund") {
		t.Fatalf("opening a second fund: %s", out)
	}
	if out := on(eng, 0, "fund", "--json"); !strings.Contains(out, `"contributors": []`) {
		t.Fatalf("fund --json with no contributors: %s", out)
	}
	var w struct {
		BS, BE, OS time.Time
		OE         *time.Time
		Follows    bool
		Threshold  int64
	}
	windows := func() {
		t.Helper()
		if err := conn.QueryRow(`SELECT baseline_start, baseline_end, outage_start, outage_end, outage_end_follows, payout_approval_fen
			FROM funds WHERE incident_id = $1`, inc).Scan(&w.BS, &w.BE, &w.OS, &w.OE, &w.Follows, &w.Threshold); err != nil {
			t.Fatal(err)
		}
	}
	windows()
	if want := time.Date(2020, 2, 17, 11, 0, 0, 0, time.UTC); !w.BS.Equal(want) {
		t.Fatalf("baseline start %v, want %v", w.BS, want)
	}
	if want := time.Date(2020, 2, 23, 11, 0, 0, 0, time.UTC); !w.BE.Equal(want) {
		t.Fatalf("baseline end %v, want %v (19:00 in Shanghai)", w.BE, want)
	}
	if !w.OS.Equal(outageStart) || w.OE != nil || !w.Follows || w.Threshold != 2000000 {
		t.Fatalf("fund as opened: %+v", w)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM timeline_entries WHERE incident_id = $1 AND title = 'Compensation fund opened'`, inc); n != 1 {
		t.Fatalf("%d 'Compensation fund opened' entries", n)
	}
	if out := on(boss, exitError, open...); !strings.Contains(out, "already has a compensation fund") {
		t.Fatalf("a second fund: %s", out)
	}

	// A pledge through a request approved by a second person.
	out := on(fin, exitPendingApproval, "fund", "pledge", "Acme Payments", "1000000", "--native-name", "艾克米", "--role", "partner", "--note", "letter of 3 March")
	if !strings.Contains(out, "(contribution)") {
		t.Fatalf("pledge: %s", out)
	}
	approve("contribution")
	if out := on(fin, 0, "fund"); !strings.Contains(out, "Acme Payments") || !strings.Contains(out, "1,000,000.00") ||
		!strings.Contains(out, "when the incident is resolved") {
		t.Fatalf("fund after the pledge:\n%s", out)
	}

	// Merchants and sales in; claims wait for the outage's end.
	dir := t.TempDir()
	on(fin, 0, "demo", "generate", "--merchants", "50", "--dir", dir)
	on(fin, 0, "merchants", "import", filepath.Join(dir, "merchants.csv"))
	if out := on(fin, 0, "sales", "import", filepath.Join(dir, "sales.csv")); !strings.Contains(out, "300 in the baseline window") {
		t.Fatalf("sales import: %s", out)
	}
	if out := on(fin, exitInvalid, "claims", "compute"); !strings.Contains(out, "the outage has not ended: its end follows the incident's resolution") {
		t.Fatalf("compute before the outage ends: %s", out)
	}

	// A margin rate may be set before the outage ends: recorded, with no
	// claim computed (a dry run writes nothing).
	if out := on(fin, 0, "margins", "set", "catering", "21", "--source", "industry table", "--dry-run"); !strings.Contains(out, "would be set (dry run") {
		t.Fatalf("a dry-run rate before the outage ends: %s", out)
	}
	if out := on(fin, 0, "margins", "set", "catering", "22", "--source", "industry table"); !strings.Contains(out, "margin rate of catering set to 22%: the outage has not ended, so no claim is computed yet") {
		t.Fatalf("a rate before the outage ends: %s", out)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM margin_rates WHERE incident_id = $1`, inc); n != 1 {
		t.Fatalf("%d margin rates recorded, want the one", n)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims WHERE incident_id = $1`, inc); n != 0 {
		t.Fatalf("%d claims before the outage ended", n)
	}

	// Resolved: the outage end follows, and claims compute over it.
	on(boss, 0, "incident", "status", "resolved", "--note", "payments back")
	followed := func() {
		t.Helper()
		windows()
		resolved := dbtest.Get[time.Time](t, conn, `SELECT resolved_at FROM incidents WHERE id = $1`, inc)
		if w.OE == nil || !w.OE.Equal(resolved) {
			t.Fatalf("outage end %v, want the resolution %v", w.OE, resolved)
		}
	}
	followed()
	on(fin, 0, "claims", "compute")
	versions := func() string {
		return dbtest.Get[string](t, conn, `SELECT string_agg(id || ':' || version || ':' || COALESCE(cash_fen, -1), ',' ORDER BY id)
			FROM claims WHERE incident_id = $1`, inc)
	}
	firstCash := dbtest.Get[int64](t, conn, `SELECT COALESCE(sum(cash_fen), 0)::bigint FROM claims WHERE incident_id = $1`, inc)
	if firstCash <= 0 {
		t.Fatal("no cash computed after the resolution")
	}

	// Reopened and resolved later: the claims follow in the database, as
	// the computation would price them (computing again changes nothing).
	on(boss, 0, "incident", "status", "monitoring", "--note", "errors again")
	time.Sleep(1100 * time.Millisecond)
	on(boss, 0, "incident", "status", "resolved", "--note", "payments back for good")
	followed()
	after := versions()
	if c := dbtest.Get[int64](t, conn, `SELECT COALESCE(sum(cash_fen), 0)::bigint FROM claims WHERE incident_id = $1`, inc); c <= firstCash {
		t.Fatalf("cash %d after the later resolution, was %d: the claims did not follow", c, firstCash)
	}
	on(fin, 0, "claims", "compute")
	if v := versions(); v != after {
		t.Fatalf("compute changed claims the resolution had recomputed:\n%s\nwas\n%s", v, after)
	}

	// A window change: previewed, filed, approved, the claims recomputed.
	end := outageStart.Add(3 * time.Hour).In(ny).Format(time.RFC3339)
	out = on(fin, exitPendingApproval, "fund", "set", "--outage-end", end, "--reason", "outage ran three hours")
	if !strings.Contains(out, "windows: ") || !strings.Contains(out, " change; cash ") || !strings.Contains(out, "(fund terms)") {
		t.Fatalf("fund set: %s", out)
	}
	approve("fund_terms")
	windows()
	if w.OE == nil || !w.OE.Equal(outageStart.Add(3*time.Hour)) || w.Follows {
		t.Fatalf("after the approved window change: %+v", w)
	}
	after = versions()
	on(fin, 0, "claims", "compute")
	if v := versions(); v != after {
		t.Fatal("compute changed claims the window change had recomputed")
	}

	// The threshold and the in-kind value: one request each, filed together.
	// Who valued the plan waits with its value, not shown against the old one.
	source := func() string {
		return dbtest.Get[string](t, conn, `SELECT inkind_value_source FROM funds WHERE incident_id = $1`, inc)
	}
	before := source()
	out = on(fin, exitPendingApproval, "fund", "set", "--threshold", "30000", "--inkind-value", "90", "--inkind-source", "vendor quote")
	if !strings.Contains(out, "(payout threshold)") || !strings.Contains(out, "(in-kind value)") {
		t.Fatalf("fund set --threshold --inkind-value: %s", out)
	}
	if got := source(); got != before {
		t.Fatalf("the source %q was written before its value was approved (was %q)", got, before)
	}
	approve("payout_threshold")
	approve("inkind_value")
	windows()
	if w.Threshold != 3000000 || dbtest.Get[int64](t, conn, `SELECT inkind_value_fen FROM funds WHERE incident_id = $1`, inc) != 9000 {
		t.Fatalf("after the approved threshold and in-kind value: %+v", w)
	}
	if got := source(); got != "vendor quote" {
		t.Fatalf("after the approved in-kind value: source %q", got)
	}

	// One catering claim chosen, approved, paid.
	b, err := os.ReadFile(filepath.Join(dir, "merchants.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasSuffix(line, ",catering") {
			id = strings.SplitN(line, ",", 2)[0]
			break
		}
	}
	on(fin, 0, "claims", "choose", id, "cash")
	on(boss, 0, "claims", "approve", id)
	on(fin, 0, "claims", "pay", id, "--key", "fund17-1")
	if s := dbtest.Get[string](t, conn, `SELECT c.state FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE c.incident_id = $1 AND m.merchant_id = $2`, inc, id); s != "paid" {
		t.Fatalf("claim of %s is %s", id, s)
	}
	l := dbtest.CheckLedger(t, conn, inc)
	if l.Pledged != 100000000 || l.Paid <= 0 || l.PaidClaims != 1 {
		t.Fatalf("ledger %+v", l)
	}
}
