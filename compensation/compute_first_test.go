package compensation_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// claimFigures is what a computation decides for one merchant.
type claimFigures struct {
	Merchant string  `db:"merchant"`
	State    string  `db:"state"`
	Amount   int64   `db:"amount_fen"`
	Baseline *int64  `db:"baseline_fen"`
	Percent  *string `db:"margin_percent"`
	Cash     *int64  `db:"cash_fen"`
	Paid     int64   `db:"paid_fen"`
}

func figures(t *testing.T, conn *sqlx.DB, inc int64) []claimFigures {
	t.Helper()
	var out []claimFigures
	if err := conn.Select(&out, `SELECT m.merchant_id AS merchant, c.state, c.amount_fen, c.baseline_fen,
		       c.margin_percent::text AS margin_percent, c.cash_fen, c.paid_fen
		FROM claims c JOIN merchants m ON m.id = c.merchant_id WHERE c.incident_id = $1 ORDER BY 1`, inc); err != nil {
		t.Fatal(err)
	}
	return out
}

// incidentTablesOf names the partitions of claims holding the incident's
// claims: claims_i<incident> (itself partitioned by merchant, 00032) or
// claims_default.
func incidentTablesOf(t *testing.T, conn *sqlx.DB, inc int64) []string {
	t.Helper()
	var out []string
	if err := conn.Select(&out, `SELECT DISTINCT CASE WHEN i.inhparent = 'claims'::regclass THEN c.tableoid ELSE i.inhparent END::regclass::text
		FROM claims c JOIN pg_inherits i ON i.inhrelid = c.tableoid WHERE c.incident_id = $1`, inc); err != nil {
		t.Fatal(err)
	}
	return out
}

// partitionOf names the table each of the incident's claims is stored in.
func partitionsOf(t *testing.T, conn *sqlx.DB, inc int64) []string {
	t.Helper()
	var out []string
	if err := conn.Select(&out, `SELECT DISTINCT tableoid::regclass::text FROM claims WHERE incident_id = $1`, inc); err != nil {
		t.Fatal(err)
	}
	return out
}

// An incident's first computation builds its claims as a partition of
// their own (migration 00012); it must decide exactly what the ordinary
// computation decides, and do what the parent's triggers would have done:
// the fund's claim count, the audit row, the change notification.
func TestFirstComputationMatchesOrdinaryOne(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)

	changes := watchChanges(t, url)

	bulk := newIncident(t, conn, 100_000_000)
	var plain int64
	if err := conn.Get(&plain, `INSERT INTO incidents (slug, title, time_zone, started_at)
		SELECT 'plain', title, time_zone, started_at FROM incidents WHERE id = $1 RETURNING id`, bulk); err != nil {
		t.Fatal(err)
	}
	exec(t, conn, `INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		SELECT $2, baseline_start, baseline_end, outage_start, outage_end FROM funds WHERE incident_id = $1`, bulk, plain)
	for _, inc := range []int64{bulk, plain} {
		importBoth(t, conn, inc)
		// mother and baby gets no rate: M3 stays awaiting.
		for _, r := range []struct {
			industry string
			margin   string
		}{{"catering", "20"}, {"fresh food", "12.5"}} {
			if _, err := compensation.SetRate(ctx, conn, inc, r.industry, mustMargin(t, r.margin), "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A claim already there makes the plain incident's computation the
	// ordinary one, which inserts M1 and M2 and updates M3.
	exec(t, conn, `INSERT INTO claims (incident_id, merchant_id, state)
		SELECT incident_id, id, 'awaiting_rate' FROM merchants WHERE incident_id = $1 AND merchant_id = 'M3'`, plain)

	got := map[int64]compensation.Computed{}
	for _, inc := range []int64{bulk, plain} {
		c, err := compensation.ComputeClaims(ctx, conn, inc, "")
		if err != nil {
			t.Fatal(err)
		}
		got[inc] = c
	}
	if got[bulk] != got[plain] || got[bulk].Written != 3 || got[bulk].Awaiting != 1 {
		t.Fatalf("first computation %+v, ordinary %+v; want the same, 3 written, 1 awaiting", got[bulk], got[plain])
	}
	fb, fp := figures(t, conn, bulk), figures(t, conn, plain)
	if len(fb) != 3 || len(fp) != 3 {
		t.Fatalf("claims: %d and %d, want 3 each", len(fb), len(fp))
	}
	for i := range fb {
		b, errB := json.Marshal(fb[i])
		p, errP := json.Marshal(fp[i])
		if errB != nil || errP != nil {
			t.Fatal(errB, errP)
		}
		if string(b) != string(p) {
			t.Errorf("merchant %s: first computation %s, ordinary %s", fb[i].Merchant, b, p)
		}
	}
	if fb[0].Cash == nil || *fb[0].Cash != 1716667 {
		t.Errorf("M1 cash %v, want the worked example's 17,166.67", fb[0].Cash)
	}

	if p := incidentTablesOf(t, conn, bulk); len(p) != 1 || p[0] != "claims_i"+strconv.FormatInt(bulk, 10) {
		t.Errorf("the first computation's claims are in %v, want its own partition", p)
	}
	if p := partitionsOf(t, conn, plain); len(p) != 1 || p[0] != "claims_default" {
		t.Errorf("the ordinary computation's claims are in %v, want claims_default", p)
	}

	var counts []int64
	if err := conn.Select(&counts, `SELECT claims_count FROM funds WHERE incident_id IN ($1, $2) ORDER BY incident_id`, bulk, plain); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 2 || counts[0] != 3 || counts[1] != 3 {
		t.Errorf("funds' claim counts %v, want 3 and 3", counts)
	}
	var audited []int64
	if err := conn.Select(&audited, `SELECT jsonb_array_length(after) FROM audit_log
		WHERE table_name = 'claims' AND op = 'INSERT' AND incident_id = $1`, bulk); err != nil {
		t.Fatal(err)
	}
	if len(audited) != 1 || audited[0] != 3 {
		t.Errorf("audit rows of the first computation: %v, want one naming 3 claims", audited)
	}
	waitForClaimsInsert(t, changes, bulk, 3, "the first computation's 3 claims")

	// Computing again takes the ordinary route and finds nothing to change;
	// a rate change then reaches the partition's claims through the parent.
	again, err := compensation.ComputeClaims(ctx, conn, bulk, "")
	if err != nil || again.Written != 0 {
		t.Fatalf("second computation %+v, %v; want nothing written", again, err)
	}
	if _, err := compensation.SetRate(ctx, conn, bulk, "mother and baby", mustMargin(t, "10"), "test"); err != nil {
		t.Fatal(err)
	}
	one, err := compensation.ComputeClaims(ctx, conn, bulk, "mother and baby")
	if err != nil || one.Written != 1 || one.Awaiting != 0 {
		t.Fatalf("recompute of one industry %+v, %v; want M3 computed", one, err)
	}
}

// estimatedRows is the planner's row estimate for query.
func estimatedRows(t *testing.T, conn *sqlx.DB, query string, args ...any) float64 {
	t.Helper()
	var plan string
	if err := conn.Get(&plan, `EXPLAIN (FORMAT JSON) `+query, args...); err != nil {
		t.Fatal(err)
	}
	var p []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(plan), &p); err != nil || len(p) != 1 {
		t.Fatalf("plan %s: %v", plan, err)
	}
	return p[0].Plan.Rows
}

// An import leaves the planner knowing what it loaded: planned as one
// merchant, a new incident's rate preview and computation chose nested
// loops that rescanned every merchant's sales per merchant.
func TestImportLeavesPlannerStatistics(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	const n = 2000
	var m, s strings.Builder
	m.WriteString("merchant_id,name,industry\n")
	s.WriteString("merchant_id,at,amount\n")
	for i := range n {
		fmt.Fprintf(&m, "S%05d,Shop %d,catering\n", i, i)
		fmt.Fprintf(&s, "S%05d,2020-02-18 12:00,100\n", i)
	}
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if _, err := compensation.ImportMerchants(ctx, tx, inc, "m.csv", strings.NewReader(m.String()), nil); err != nil {
			return err
		}
		_, err := compensation.ImportSales(ctx, tx, inc, "s.csv", strings.NewReader(s.String()), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT * FROM merchants WHERE incident_id = $1`, `SELECT * FROM sales_totals WHERE incident_id = $1`} {
		if rows := estimatedRows(t, conn, q, inc); rows < n/2 || rows > 2*n {
			t.Errorf("%s: the planner expects %.0f rows, %d were imported", q, rows, n)
		}
	}
}

// An incident's first merchants import loads a partition of its own
// (migration 00013) and must end as the ordinary import does, audited and
// announced like it.
func TestFirstImportMatchesOrdinaryOne(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	first := newIncident(t, conn, 0)
	var plain int64
	if err := conn.Get(&plain, `INSERT INTO incidents (slug, title, started_at) VALUES ('plain', 'P', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	// A merchant already there makes the plain incident's import ordinary.
	exec(t, conn, `INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'M0', 'x')`, plain)
	for _, inc := range []int64{first, plain} {
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, err := compensation.ImportMerchants(ctx, tx, inc, "m.csv", strings.NewReader(merchantsCSV), nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := func(inc int64) string {
		var out []string
		if err := conn.Select(&out, `SELECT merchant_id || '|' || name || '|' || industry FROM merchants
			WHERE incident_id = $1 AND merchant_id <> 'M0' ORDER BY merchant_id`, inc); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, "\n")
	}
	if a, b := rows(first), rows(plain); a != b || strings.Count(a, "\n") != 2 {
		t.Fatalf("first import:\n%s\nordinary import:\n%s", a, b)
	}
	where := func(inc int64) string {
		var out []string
		if err := conn.Select(&out, `SELECT DISTINCT tableoid::regclass::text FROM merchants WHERE incident_id = $1`, inc); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, ",")
	}
	if w := where(first); w != "merchants_i"+strconv.FormatInt(first, 10) {
		t.Errorf("first import's merchants are in %s, want its own partition", w)
	}
	if w := where(plain); w != "merchants_default" {
		t.Errorf("ordinary import's merchants are in %s, want merchants_default", w)
	}
	var audited []int64
	if err := conn.Select(&audited, `SELECT rows FROM audit_log WHERE table_name = 'merchants' AND op = 'INSERT' AND incident_id = $1`, first); err != nil {
		t.Fatal(err)
	}
	if len(audited) != 1 || audited[0] != 3 {
		t.Errorf("audit rows of the first import: %v, want one of 3 rows", audited)
	}
	// The partition is a merchants table like any: a second import of new
	// merchants goes through the parent into it, and a duplicate is refused.
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := compensation.ImportMerchants(ctx, tx, first, "more.csv",
			strings.NewReader("merchant_id,name,industry\nM4,Four,catering\n"), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(`INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'M1')`, first)
	dbtest.WantConstraint(t, err, "23505", "merchants_i"+strconv.FormatInt(first, 10)+"_incident_id_merchant_id_key")
	if w := where(first); w != "merchants_i"+strconv.FormatInt(first, 10) {
		t.Errorf("after a second import the merchants are in %s", w)
	}
}

// A bad row in a first import leaves neither merchants nor a partition.
func TestFirstImportBadRowLeavesNothing(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := compensation.ImportMerchants(ctx, tx, inc, "bad.csv",
			strings.NewReader("merchant_id,name,industry\nM1,One,catering\nM2,Two,\n"), nil)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "bad.csv:3: industry") {
		t.Fatalf("got %v, want bad.csv:3: industry", err)
	}
	var n int
	var part *string
	if err := conn.QueryRow(`SELECT (SELECT count(*) FROM merchants WHERE incident_id = $1), to_regclass('merchants_i' || $1)::text`, inc).Scan(&n, &part); err != nil {
		t.Fatal(err)
	}
	if n != 0 || part != nil {
		t.Fatalf("after a failed first import: %d merchants, partition %v", n, part)
	}
}

// A table staged for a first import is attached only by the transaction
// that staged it: after a commit its stager could have written to it
// unaudited. A later import starts afresh.
func TestStagedMerchantsAttachOnlyInTheirTransaction(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	exec(t, conn, `SELECT warroom_stage_merchants($1)`, inc)
	exec(t, conn, `INSERT INTO merchants_i`+strconv.FormatInt(inc, 10)+` (merchant_id, industry) VALUES ('SNEAK', 'x')`)
	_, err := conn.Exec(`SELECT warroom_attach_merchants($1)`, inc)
	if !errors.Is(db.MapError(err), db.ErrWrongState) || !strings.Contains(err.Error(), "no merchants staged for incident") {
		t.Fatalf("attaching a table staged by an earlier transaction: %v, want 55000 no merchants staged", err)
	}
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := compensation.ImportMerchants(ctx, tx, inc, "m.csv", strings.NewReader(merchantsCSV), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := conn.Select(&ids, `SELECT merchant_id FROM merchants WHERE incident_id = $1 ORDER BY 1`, inc); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "M1,M2,M3" {
		t.Fatalf("merchants %v, want the import's M1,M2,M3 only", ids)
	}
}

// watchChanges is the change feed on url, as a channel, closed with the test.
func watchChanges(t *testing.T, url string) <-chan db.Change {
	t.Helper()
	changes := make(chan db.Change, 100)
	feed, err := db.Listen(url, 10*time.Millisecond, func(ev db.Event) {
		for _, c := range ev.Changes {
			changes <- c
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { feed.Close() })
	return changes
}

// waitForClaimsInsert fails t unless changes announces an insert of rows
// claims of incident inc (what names them) within a hang guard of 5 s.
func waitForClaimsInsert(t *testing.T, changes <-chan db.Change, inc, rows int64, what string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case c := <-changes:
			if c.Table == "claims" && c.Op == "I" && c.Incident == inc && c.Rows == rows {
				return
			}
		case <-deadline:
			t.Fatal("no notification of " + what)
		}
	}
}
