package compensation_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// computeInBulk runs the computation with the bulk path's threshold
// lowered to one merchant for its transaction (the owner may; the tests'
// connection is the owner's).
func computeInBulk(t *testing.T, conn *sqlx.DB, inc int64, industry string) compensation.Computed {
	t.Helper()
	ctx := context.Background()
	var c compensation.Computed
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
		if _, err = tx.ExecContext(ctx, `SET LOCAL warroom.claims_batch_min = '1'`); err != nil {
			return err
		}
		c, err = compensation.ComputeClaims(ctx, tx, inc, industry)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// claimsPartOf names the table each of the incident's merchants' claims is
// stored in, by merchant code.
func claimsPartOf(t *testing.T, conn *sqlx.DB, inc int64) map[string]string {
	t.Helper()
	rows, err := conn.Query(`SELECT m.merchant_id, c.tableoid::regclass::text FROM claims c
		JOIN merchants m ON m.id = c.merchant_id WHERE c.incident_id = $1`, inc)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var m, p string
		if err := rows.Scan(&m, &p); err != nil {
			t.Fatal(err)
		}
		out[m] = p
	}
	return out
}

// A later batch built in bulk as a sub-partition of its own (migration
// 00032) gives exactly what the INSERT through claims gives on the same
// data: the claims (figures and states), the computation's totals, one
// audit row naming the new claims, the fund's counters, the notification.
func TestLaterBatchInBulkMatchesInsertPath(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	changes := watchChanges(t, url)

	bulk := newIncident(t, conn, 100_000_000)
	var rows int64
	if err := conn.Get(&rows, `INSERT INTO incidents (slug, title, time_zone, started_at)
		SELECT 'rows', title, time_zone, started_at FROM incidents WHERE id = $1 RETURNING id`, bulk); err != nil {
		t.Fatal(err)
	}
	exec(t, conn, `INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		SELECT $2, baseline_start, baseline_end, outage_start, outage_end FROM funds WHERE incident_id = $1`, bulk, rows)
	for _, inc := range []int64{bulk, rows} {
		importBoth(t, conn, inc)
		setTestRates(t, inc, conn)
		if c, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil || c.Written != 3 {
			t.Fatalf("first computation %+v, %v; want 3 claims", c, err)
		}
		exec(t, conn, `UPDATE claims SET plan = 'cash', state = 'chosen', chosen_at = now()
			WHERE incident_id = $1 AND merchant_id = (SELECT id FROM merchants WHERE incident_id = $1 AND merchant_id = 'M1')`, inc)
		importLater(t, conn, inc)
	}
	auditBefore := dbtest.Get[int64](t, conn, `SELECT COALESCE(max(id), 0) FROM audit_log`)
	got := map[int64]compensation.Computed{bulk: computeInBulk(t, conn, bulk, "")}
	var err error
	if got[rows], err = compensation.ComputeClaims(ctx, conn, rows, ""); err != nil {
		t.Fatal(err)
	}
	if got[bulk] != got[rows] || got[bulk].Written != 3 || got[bulk].Awaiting != 1 {
		t.Fatalf("later batch in bulk %+v, through claims %+v; want the same, 3 new claims, 1 awaiting a rate", got[bulk], got[rows])
	}

	fb, fr := figures(t, conn, bulk), figures(t, conn, rows)
	if len(fb) != 6 || len(fr) != 6 {
		t.Fatalf("claims: %d and %d, want 6 each", len(fb), len(fr))
	}
	for i := range fb {
		b, errB := json.Marshal(fb[i])
		r, errR := json.Marshal(fr[i])
		if errB != nil || errR != nil {
			t.Fatal(errB, errR)
		}
		if string(b) != string(r) {
			t.Errorf("merchant %s: in bulk %s, through claims %s", fb[i].Merchant, b, r)
		}
	}

	// Where they went: a new sub-partition for the bulk batch, the DEFAULT
	// one for the rows inserted through claims.
	pb, pr := claimsPartOf(t, conn, bulk), claimsPartOf(t, conn, rows)
	ib, ir := "claims_i"+strconv.FormatInt(bulk, 10), "claims_i"+strconv.FormatInt(rows, 10)
	if !strings.HasPrefix(pb["M4"], ib+"_m") || pb["M4"] == pb["M1"] || pb["M5"] != pb["M4"] || pb["M6"] != pb["M4"] {
		t.Errorf("in bulk, the claims are in %v, want M4-M6 in a sub-partition of %s of their own", pb, ib)
	}
	if pr["M4"] != ir+"_default" || pr["M6"] != ir+"_default" {
		t.Errorf("through claims, the claims are in %v, want M4-M6 in %s_default", pr, ir)
	}

	for _, inc := range []int64{bulk, rows} {
		// One audit row, its rows exactly the new claims as stored
		// (timestamps apart: the audit writes them in UTC).
		var audit []struct {
			Rows  int64  `db:"rows"`
			After string `db:"after"`
		}
		if err := conn.Select(&audit, `SELECT rows, after::text AS after FROM audit_log
			WHERE id > $1 AND table_name = 'claims' AND op = 'INSERT' AND incident_id = $2`, auditBefore, inc); err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1 || audit[0].Rows != 3 {
			t.Fatalf("incident %d: audit rows %+v, want one INSERT of 3 claims", inc, audit)
		}
		off := dbtest.Get[int](t, conn, `SELECT count(*) FROM
			(SELECT e.value - 'computed_at' - 'updated_at' AS j FROM jsonb_array_elements($1::jsonb) e) a
			FULL JOIN (SELECT to_jsonb(c) - 'computed_at' - 'updated_at' AS j FROM claims c JOIN merchants m ON m.id = c.merchant_id
			           WHERE c.incident_id = $2 AND m.merchant_id IN ('M4', 'M5', 'M6')) s ON s.j = a.j
			WHERE s.j IS NULL OR a.j IS NULL`, audit[0].After, inc)
		if off != 0 {
			t.Errorf("incident %d: the audit row and the new claims differ in %d rows: %s", inc, off, audit[0].After)
		}
		if l := dbtest.CheckLedger(t, conn, inc); l.Claims != 6 {
			t.Errorf("incident %d: the fund counts %d claims, want 6", inc, l.Claims)
		}
		waitForClaimsInsert(t, changes, inc, 3, "the later batch's 3 claims of incident "+strconv.FormatInt(inc, 10))
	}
	if dup := dbtest.Get[int](t, conn, `SELECT count(*) - count(DISTINCT id) FROM claims`); dup != 0 {
		t.Errorf("%d claim ids repeat", dup)
	}
	// Nothing left to do: a rerun writes nothing.
	if again := computeInBulk(t, conn, bulk, ""); again.Written != 0 {
		t.Fatalf("computing again %+v; want nothing written", again)
	}
}

// Merchants without a claim whose ids lie inside an earlier batch's range
// or below the incident's highest claimed merchant (one industry computed
// first) still get their claims, with any new merchants above: row by row,
// into the sub-partition or DEFAULT their id falls in.
func TestStrayMerchantsGetClaims(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 100_000_000)
	importBoth(t, conn, inc)
	setTestRates(t, inc, conn)
	if c := computeInBulk(t, conn, inc, ""); c.Written != 3 {
		t.Fatalf("first computation %+v; want 3 claims", c)
	}
	importCSV := func(csv string) {
		t.Helper()
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, err := compensation.ImportMerchants(ctx, tx, inc, "m.csv", strings.NewReader("merchant_id,name,industry\n"+csv), nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A batch with a gap among its ids, which M7 fills later.
	importCSV("M4,Four,catering\n")
	gap := dbtest.Get[int64](t, conn, `SELECT nextval('merchants_id_seq')`)
	importCSV("M5,Five,toys\nM6,Six,fresh food\n")
	if c := computeInBulk(t, conn, inc, ""); c.Written != 3 {
		t.Fatalf("the batch M4-M6 %+v; want 3 claims", c)
	}
	// M7 in the gap, and M8 above the batch: M7's claim must not be
	// forgotten for a batch of M8's.
	exec(t, conn, `INSERT INTO merchants (id, incident_id, merchant_id, name, industry) VALUES ($1, $2, 'M7', 'Seven', 'catering')`, gap, inc)
	importCSV("M8,Eight,catering\n")
	if c := computeInBulk(t, conn, inc, ""); c.Written != 2 {
		t.Fatalf("M7 and M8 %+v; want 2 claims", c)
	}
	// M9 below M10, whose industry is computed on its own first.
	importCSV("M9,Nine,toys\nM10,Ten,catering\n")
	if c := computeInBulk(t, conn, inc, "catering"); c.Written != 1 {
		t.Fatalf("catering alone %+v; want M10's claim", c)
	}
	if c := computeInBulk(t, conn, inc, ""); c.Written != 1 {
		t.Fatalf("the rest %+v; want M9's claim", c)
	}

	w, err := compensation.LoadWindows(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	off := dbtest.Get[int](t, conn, `SELECT count(*) FROM warroom_claim_figures($1, NULL, $2::numeric, $3::numeric) f
		FULL JOIN (SELECT * FROM claims WHERE incident_id = $1) c ON c.merchant_id = f.merchant_id
		WHERE c.id IS NULL OR f.merchant_id IS NULL
		   OR (c.baseline_fen, c.margin_rate_id, c.margin_percent, c.cash_fen, c.amount_fen)
		      IS DISTINCT FROM (f.baseline_fen, f.rate_id, f.percent, f.cash_fen, COALESCE(f.cash_fen, 0))`,
		inc, int64(w.Outage()), int64(w.Baseline()))
	if off != 0 {
		t.Errorf("%d merchants without their one claim of warroom_claim_figures' figures", off)
	}
	p := claimsPartOf(t, conn, inc)
	part := "claims_i" + strconv.FormatInt(inc, 10)
	d := part + "_default"
	if len(p) != 10 || p["M7"] != p["M4"] || p["M4"] == p["M1"] || p["M8"] != d || p["M9"] != d || p["M10"] != d {
		t.Errorf("claims stored in %v; want M7 in M4-M6's batch, M8-M10 in %s", p, d)
	}
	if l := dbtest.CheckLedger(t, conn, inc); l.Claims != 10 {
		t.Errorf("the fund counts %d claims, want 10", l.Claims)
	}
}

// Two later computations of one incident at once: the second waits for
// the first and, once it has committed, finds nothing left to write. The
// first inserts the batch's claims row by row, the second would build them
// in bulk: without the wait, it would build a sub-partition for merchants
// whose claims the first has just put in the DEFAULT one (and fail to
// attach it). warroom_compute_claims is called directly, as a login may:
// ComputeClaims first calls warroom_compute_first_claims, whose lock would
// serialise the two anyway.
func TestConcurrentLaterBatchesWriteOnce(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 100_000_000)
	importBoth(t, conn, inc)
	setTestRates(t, inc, conn)
	if c, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil || c.Written != 3 {
		t.Fatalf("first computation %+v, %v", c, err)
	}
	importLater(t, conn, inc)
	w, err := compensation.LoadWindows(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	compute := func(tx *sqlx.Tx, bulk bool) (c compensation.Computed, err error) {
		if bulk {
			if _, err = tx.ExecContext(ctx, `SET LOCAL warroom.claims_batch_min = '1'`); err != nil {
				return c, err
			}
		}
		err = tx.GetContext(ctx, &c, `SELECT * FROM warroom_compute_claims($1, NULL, $2, $3)`, inc, int64(w.Outage()), int64(w.Baseline()))
		return c, err
	}

	first, err := conn.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	if c, err := compute(first, false); err != nil || c.Written != 3 {
		t.Fatalf("the first computation of the batch %+v, %v", c, err)
	}
	type result struct {
		c   compensation.Computed
		err error
	}
	second := make(chan result, 1)
	go func() {
		var r result
		r.err = db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
			r.c, err = compute(tx, true)
			return err
		})
		second <- r
	}()
	// The second must be waiting for the first, not done.
	waiting := false
	for range 250 {
		if dbtest.Get[int](t, conn, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%warroom_compute_claims%'`) > 0 {
			waiting = true
			break
		}
		select {
		case r := <-second:
			t.Fatalf("the second computation did not wait for the first: %+v, %v", r.c, r.err)
		default:
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !waiting {
		t.Fatal("the second computation is not waiting for a lock")
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if r := <-second; r.err != nil || r.c.Written != 0 {
		t.Fatalf("the second computation %+v, %v; want nothing written", r.c, r.err)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims WHERE incident_id = $1`, inc); n != 6 {
		t.Fatalf("%d claims, want 6", n)
	}
}

// A transaction that keeps reading the incident's claims holds off a bulk
// batch's ATTACH; the computation then waits a bounded time, undoes the
// batch and writes the same claims by INSERT instead of queueing every
// later reader behind its lock.
func TestLaterBatchGivesWayToALongReader(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 100_000_000)
	importBoth(t, conn, inc)
	setTestRates(t, inc, conn)
	if c, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil || c.Written != 3 {
		t.Fatalf("first computation %+v, %v", c, err)
	}
	importLater(t, conn, inc)

	reader, err := conn.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Rollback()
	var n int
	if err := reader.Get(&n, `SELECT count(*) FROM claims WHERE incident_id = $1`, inc); err != nil || n != 3 {
		t.Fatalf("reader: %d claims, %v", n, err)
	}

	var c compensation.Computed
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
		if _, err = tx.ExecContext(ctx, `SET LOCAL warroom.claims_batch_min = '1'; SET LOCAL warroom.claims_attach_wait = '200ms'`); err != nil {
			return err
		}
		c, err = compensation.ComputeClaims(ctx, tx, inc, "")
		return err
	})
	if err != nil || c.Written != 3 {
		t.Fatalf("computation beside a long reader: %+v, %v", c, err)
	}
	def := "claims_i" + strconv.FormatInt(inc, 10) + "_default"
	parts := claimsPartOf(t, conn, inc)
	if len(parts) != 6 {
		t.Fatalf("claims by merchant %v, want 6", parts)
	}
	later := 0
	for _, p := range parts {
		if p == def {
			later++
		}
	}
	if later != 3 {
		t.Fatalf("claims by partition %v: want the later three written row by row into %s", parts, def)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM pg_class WHERE relname ~ $1`, "^claims_i"+strconv.FormatInt(inc, 10)+"_m[0-9]+$"); n != 1 {
		t.Fatalf("%d batch sub-partitions, want only the first computation's", n)
	}
}
