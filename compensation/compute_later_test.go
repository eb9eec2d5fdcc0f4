package compensation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// A later batch: merchants M4-M6 and their sales, imported after M1-M3's
// claims were computed. M5's industry has no rate (awaiting), M6 has no
// sales (a zero baseline).
const (
	laterMerchantsCSV = "merchant_id,name,industry\nM4,Four,catering\nM5,Five,toys\nM6,Six,fresh food\n"
	laterSalesCSV     = "merchant_id,at,amount\n" +
		"M4,2020-02-18T10:00:00+08:00,1234.56\n" +
		"M4,2020-02-20T10:00:00+08:00,789\n" +
		"M5,2020-02-19T10:00:00+08:00,5000\n" +
		"M4,2020-02-24T10:00:00+08:00,999\n" // outside the baseline window
)

func importLater(t *testing.T, conn *sqlx.DB, inc int64) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if _, err := compensation.ImportMerchants(ctx, tx, inc, "later-m.csv", strings.NewReader(laterMerchantsCSV), nil); err != nil {
			return err
		}
		_, err := compensation.ImportSales(ctx, tx, inc, "later-s.csv", strings.NewReader(laterSalesCSV), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func setTestRates(t *testing.T, inc int64, conn *sqlx.DB) {
	t.Helper()
	for _, r := range []struct{ industry, margin string }{{"catering", "20"}, {"fresh food", "12.5"}} {
		if _, err := compensation.SetRate(context.Background(), conn, inc, r.industry, mustMargin(t, r.margin), "test"); err != nil {
			t.Fatal(err)
		}
	}
}

// Claims for merchants imported into an incident that already has claims
// (a later batch) are what the incident's first computation would have
// given them, and what warroom_claim_figures says; the parent's triggers
// still audit them, count them in the fund and announce them.
func TestLaterBatchMatchesFirstComputation(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)

	changes := watchChanges(t, url)

	later := newIncident(t, conn, 100_000_000)
	importBoth(t, conn, later)
	setTestRates(t, later, conn)
	first, err := compensation.ComputeClaims(ctx, conn, later, "")
	if err != nil || first.Written != 3 {
		t.Fatalf("first computation %+v, %v; want 3 claims", first, err)
	}
	// M1 chooses cash meanwhile: its claim stays as it is.
	exec(t, conn, `UPDATE claims SET plan = 'cash', state = 'chosen', chosen_at = now()
		WHERE incident_id = $1 AND merchant_id = (SELECT id FROM merchants WHERE incident_id = $1 AND merchant_id = 'M1')`, later)
	importLater(t, conn, later)

	// The same six merchants in one go, computed by a first computation.
	var once int64
	if err := conn.Get(&once, `INSERT INTO incidents (slug, title, time_zone, started_at)
		SELECT 'once', title, time_zone, started_at FROM incidents WHERE id = $1 RETURNING id`, later); err != nil {
		t.Fatal(err)
	}
	exec(t, conn, `INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		SELECT $2, baseline_start, baseline_end, outage_start, outage_end FROM funds WHERE incident_id = $1`, later, once)
	importBoth(t, conn, once)
	importLater(t, conn, once)
	setTestRates(t, once, conn)
	if c, err := compensation.ComputeClaims(ctx, conn, once, ""); err != nil || c.Written != 6 {
		t.Fatalf("the all-at-once first computation %+v, %v; want 6 claims", c, err)
	}

	auditBefore := dbtest.Get[int64](t, conn, `SELECT COALESCE(max(id), 0) FROM audit_log`)
	got, err := compensation.ComputeClaims(ctx, conn, later, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Written != 3 || got.Awaiting != 1 {
		t.Fatalf("later batch %+v, want 3 new claims, 1 awaiting a rate", got)
	}

	// Claim by claim, the same figures as the first computation's (M1's
	// state apart: it chose cash in between).
	fl, fo := figures(t, conn, later), figures(t, conn, once)
	if len(fl) != 6 || len(fo) != 6 {
		t.Fatalf("claims: %d and %d, want 6 each", len(fl), len(fo))
	}
	for i := range fl {
		if fl[i].Merchant == "M1" {
			fl[i].State = fo[i].State
		}
		l, errL := json.Marshal(fl[i])
		o, errO := json.Marshal(fo[i])
		if errL != nil || errO != nil {
			t.Fatal(errL, errO)
		}
		if string(l) != string(o) {
			t.Errorf("merchant %s: later batch %s, first computation %s", fl[i].Merchant, l, o)
		}
	}
	// And warroom_claim_figures' own figures, row by row.
	w, err := compensation.LoadWindows(ctx, conn, later)
	if err != nil {
		t.Fatal(err)
	}
	off := dbtest.Get[int](t, conn, `SELECT count(*) FROM warroom_claim_figures($1, NULL, $2::numeric, $3::numeric) f
		FULL JOIN (SELECT * FROM claims WHERE incident_id = $1) c ON c.merchant_id = f.merchant_id
		WHERE c.id IS NULL OR f.merchant_id IS NULL
		   OR (c.baseline_fen, c.margin_rate_id, c.margin_percent, c.cash_fen, c.amount_fen)
		      IS DISTINCT FROM (f.baseline_fen, f.rate_id, f.percent, f.cash_fen, COALESCE(f.cash_fen, 0))
		   OR c.state <> CASE WHEN c.plan IS NOT NULL THEN 'chosen' WHEN f.cash_fen IS NULL THEN 'awaiting_rate' ELSE 'computed' END`,
		later, int64(w.Outage()), int64(w.Baseline()))
	if off != 0 {
		t.Errorf("%d claims differ from warroom_claim_figures", off)
	}
	m4 := fl[3]
	if m4.Merchant != "M4" || m4.Baseline == nil || *m4.Baseline != 202356 || m4.Cash == nil || *m4.Cash != 57896 {
		t.Errorf("M4: %+v, want baseline 2,023.56 and cash 2,023.56 / 144 h * 206 h * 20%% = 578.96", m4)
	}
	if p := incidentTablesOf(t, conn, later); len(p) != 1 || p[0] != "claims_i"+strconv.FormatInt(later, 10) {
		t.Errorf("the later batch's claims are in %v, want the incident's partition", p)
	}

	// One audit row naming the three new claims, the fund's counters in
	// step with the rows, one notification of three inserted claims.
	var audited []string
	if err := conn.Select(&audited, `SELECT op || ' ' || jsonb_array_length(after)
		FROM audit_log WHERE id > $1 AND table_name = 'claims' AND incident_id = $2 ORDER BY id`, auditBefore, later); err != nil {
		t.Fatal(err)
	}
	if strings.Join(audited, ",") != "INSERT 3" {
		t.Errorf("audit rows of the later batch: %v, want one INSERT of 3 claims", audited)
	}
	if l := dbtest.CheckLedger(t, conn, later); l.Claims != 6 {
		t.Errorf("fund counts %d claims, want 6", l.Claims)
	}
	waitForClaimsInsert(t, changes, later, 3, "the later batch's 3 claims")

	// Nothing left to do: a rerun writes nothing.
	if again, err := compensation.ComputeClaims(ctx, conn, later, ""); err != nil || again.Written != 0 {
		t.Fatalf("computing again %+v, %v; want nothing written", again, err)
	}
}

// A large later batch leaves the planner knowing of its claims, as the
// first computation does for its own.
func TestLaterBatchLeavesPlannerStatistics(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	load := func(from, to int) {
		t.Helper()
		var m strings.Builder
		m.WriteString("merchant_id,name,industry\n")
		for i := from; i < to; i++ {
			fmt.Fprintf(&m, "S%05d,Shop %d,catering\n", i, i)
		}
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, err := compensation.ImportMerchants(ctx, tx, inc, fmt.Sprintf("m%d.csv", from), strings.NewReader(m.String()), nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil {
			t.Fatal(err)
		}
	}
	load(0, 10)
	load(10, 3010)
	if rows := estimatedRows(t, conn, `SELECT * FROM claims WHERE incident_id = $1`, inc); rows < 1500 || rows > 6000 {
		t.Errorf("the planner expects %.0f claims, 3010 were computed", rows)
	}
}

// The setting that lets the computation's own statement skip the
// reference check ends with it: the same transaction's next claim of a
// missing merchant is refused, even for the owner.
func TestComputationLeavesReferenceCheckOn(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 0)
	importBoth(t, conn, inc)
	exec(t, conn, `INSERT INTO claims (incident_id, merchant_id, state, baseline_fen)
		SELECT incident_id, id, 'awaiting_rate', 0 FROM merchants WHERE incident_id = $1 AND merchant_id = 'M3'`, inc)
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if _, err := compensation.ComputeClaims(ctx, tx, inc, ""); err != nil {
			t.Fatal(err)
		}
		_, err := tx.Exec(`INSERT INTO claims (incident_id, merchant_id, state, baseline_fen) VALUES ($1, 999999, 'awaiting_rate', 0)`, inc)
		return err
	})
	dbtest.WantConstraint(t, err, "23503", "claims_merchant_id_fkey")
}
