package recovery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
	"warroom/recovery"
)

func newIncident(t *testing.T, conn *sqlx.DB) int64 {
	t.Helper()
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('r', 'R', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return inc
}

// importCounts imports body as name in one transaction, rolled back on error.
func importCounts(t *testing.T, conn *sqlx.DB, inc int64, name, body string) (recovery.CountsImport, error) {
	t.Helper()
	var res recovery.CountsImport
	err := db.InTx(context.Background(), conn, func(tx *sqlx.Tx) (err error) {
		res, err = recovery.ImportCounts(context.Background(), tx, inc, name, strings.NewReader(body), time.UTC, nil)
		return err
	})
	return res, err
}

func TestImportCountsRefusesBadRowsByFileLineField(t *testing.T) {
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	var many strings.Builder
	many.WriteString("merchant_id,domain,expected,restored\n")
	for i := range recovery.MaxDomains + 1 {
		fmt.Fprintf(&many, "M1,d%d,1,1\n", i)
	}
	cases := []struct{ body, want string }{
		{"merchant_id,domain,expected\nM1,orders,3\n", "c.csv:1: header"},
		{many.String(), fmt.Sprintf("c.csv:%d: domain: \"d%d\" would be domain %d", recovery.MaxDomains+2, recovery.MaxDomains, recovery.MaxDomains+1)},
		{"merchant_id,domain,expected,restored\nM1,orders,3,1\n,orders,3,1\n", "c.csv:3: merchant_id: empty"},
		{"merchant_id,domain,expected,restored\nM1, ,3,1\n", "c.csv:2: domain: empty"},
		{"merchant_id,domain,expected,restored\nM1,orders,x,1\n", `c.csv:2: expected: "x"`},
		{"merchant_id,domain,expected,restored\nM1,orders,3,-1\n", `c.csv:2: restored: "-1"`},
		{"merchant_id,domain,expected,restored\nM1,orders,3,4\n", "c.csv:2: restored: 4 is more than the 3 expected"},
		{"merchant_id,domain,expected,restored,at\nM1,orders,3,1,yesterday\n", `c.csv:2: at: "yesterday"`},
		{"merchant_id,domain,expected,restored,at\nM1,orders,3,1,2020-02-25 10:00\nM1,pages,3,1,0001-01-01T00:00:00+08:00\n",
			`c.csv:3: at: "0001-01-01T00:00:00+08:00": want a year from 1 to 9999`},
		{"merchant_id,domain,expected,restored\nM1,orders,3,1\nM2,orders,3,1\nM1,members,1,1\nM1,orders,5,5\n",
			"c.csv:5: merchant_id: M1 is counted for orders already on line 2"},
	}
	for _, c := range cases {
		_, err := importCounts(t, conn, inc, "c.csv", c.body)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.body, err, c.want)
		}
		var ie *compensation.ImportError
		if !errors.As(err, &ie) {
			t.Errorf("%q: %T is not an ImportError", c.body, err)
		}
	}
	// All or nothing: none of them left a snapshot, a row or a table.
	n := dbtest.Get[int](t, conn, `SELECT (SELECT count(*) FROM restore_snapshots)
		+ (SELECT count(*) FROM pg_class WHERE relname ~ '^restore_counts_s[0-9]+$')`)
	if n != 0 {
		t.Fatalf("%d snapshots, rows or tables left behind", n)
	}
}

func TestCountsLatestWinsAndDrivesProgress(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	if _, err := conn.Exec(`INSERT INTO milestones (incident_id, key, title, position, progress) VALUES
		($1, 'data', 'Data', 1, 10), ($1, 'typed', 'Typed', 2, 40)`, inc); err != nil {
		t.Fatal(err)
	}
	if _, err := recovery.LinkDomains(ctx, conn, inc, "data", []string{"orders", " products "}); err != nil {
		t.Fatal(err)
	}
	ms, err := recovery.Milestones(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].Progress != 0 || ms[0].Typed != 10 || ms[1].Progress != 40 || ms[1].Domains != nil {
		t.Fatalf("before any count: %+v", ms)
	}
	first := "merchant_id,domain,expected,restored,at\n" +
		"M1,orders,100,10,2020-02-25 10:00\n" +
		"M1,products,50,50,2020-02-25 10:00\n" +
		"M2,orders,300,0,2020-02-25 11:00\n" +
		"M2,members,20,20,2020-02-25 11:00\n"
	res, err := importCounts(t, conn, inc, "s1.csv", first)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 4 || res.Carried != 0 || res.Merchants != 2 || res.MerchantsComplete != 0 ||
		!res.TakenAt.Equal(time.Date(2020, 2, 25, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("first: %+v", res)
	}
	again, err := importCounts(t, conn, inc, "s1.csv", first)
	if err != nil || !again.AlreadyImported {
		t.Fatalf("same file again: %+v %v", again, err)
	}
	// The second names only M1's orders and M2's orders: M1's products and
	// M2's members are carried from the first.
	res, err = importCounts(t, conn, inc, "s2.csv", "merchant_id,domain,expected,restored,at\n"+
		"M1,orders,100,100,2020-02-26 10:00\nM2,orders,300,150,2020-02-26 10:00\n")
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Carried != 2 || res.Merchants != 2 || res.MerchantsComplete != 1 {
		t.Fatalf("second: %+v", res)
	}
	// Each snapshot is a table of its own, M1 and M2 in both.
	var ids []int64
	if err := conn.Select(&ids, `SELECT id FROM restore_snapshots WHERE incident_id = $1 ORDER BY id`, inc); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if n := dbtest.Get[int](t, conn, fmt.Sprintf(`SELECT count(*) FROM restore_counts_s%d WHERE merchant_id IN ('M1', 'M2')`, id)); n != 2 {
			t.Fatalf("snapshot %d's table: %d of M1 and M2", id, n)
		}
	}
	if len(ids) != 2 {
		t.Fatalf("snapshots %v, want two", ids)
	}
	st, err := recovery.Status(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]int64{}
	for _, d := range st.Domains {
		got[d.Domain] = [3]int64{d.Expected, d.Restored, d.Short}
	}
	want := map[string][3]int64{"orders": {400, 250, 1}, "products": {50, 50, 0}, "members": {20, 20, 0}}
	if len(got) != 3 || got["orders"] != want["orders"] || got["products"] != want["products"] || got["members"] != want["members"] {
		t.Fatalf("totals %v, want %v", got, want)
	}
	mc, err := recovery.MerchantRestore(ctx, conn, inc, "M1")
	if err != nil {
		t.Fatal(err)
	}
	if len(mc) != 2 || mc[0].Domain != "orders" || mc[0].Percent != 100 || mc[1].Domain != "products" ||
		!mc[1].AsOf.Equal(time.Date(2020, 2, 25, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("M1: %+v", mc)
	}
	ms, err = recovery.Milestones(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	// orders+products: (250+50)/(400+50) = 66%.
	if ms[0].Progress != 66 || ms[1].Progress != 40 {
		t.Fatalf("counted progress %d (want 66), typed %d (want 40)", ms[0].Progress, ms[1].Progress)
	}
	curve, err := recovery.Curve(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) != 2 {
		t.Fatalf("curve: %+v", curve)
	}
	if e, r := curve[0].Sums(); e != 470 || r != 80 {
		t.Fatalf("first point %d/%d", r, e)
	}
	// Unlinked, the typed progress is back.
	if _, err := recovery.LinkDomains(ctx, conn, inc, "data", nil); err != nil {
		t.Fatal(err)
	}
	ms, _ = recovery.Milestones(ctx, conn, inc)
	if ms[0].Progress != 10 {
		t.Fatalf("unlinked: %d", ms[0].Progress)
	}
}

func TestMissingWorstFirst(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	if _, err := conn.Exec(`INSERT INTO merchants (incident_id, merchant_id, name) VALUES ($1, 'M3', 'Third shop')`, inc); err != nil {
		t.Fatal(err)
	}
	// No counts yet: not "nobody short".
	if _, err := recovery.Missing(ctx, conn, inc, "orders", 10); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("before any import: %v", err)
	}
	_, err := importCounts(t, conn, inc, "s.csv", "merchant_id,domain,expected,restored\n"+
		"M1,orders,100,90\nM2,orders,100,40\nM3,orders,100,40\nM4,orders,100,100\nM5,orders,500,100\nM5,members,9,0\n")
	if err != nil {
		t.Fatal(err)
	}
	got, err := recovery.Missing(ctx, conn, inc, "orders", 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range got {
		ids = append(ids, s.MerchantID+":"+s.Name)
	}
	if strings.Join(ids, ",") != "M5:,M2:,M3:Third shop,M1:" || got[0].Missing != 400 {
		t.Fatalf("missing: %v", ids)
	}
	if got, _ := recovery.Missing(ctx, conn, inc, "orders", 2); len(got) != 2 || got[1].MerchantID != "M2" {
		t.Fatalf("limit 2: %+v", got)
	}
	if _, err := recovery.Missing(ctx, conn, inc, "orders", 0); !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("limit 0: %v", err)
	}
	// A domain the snapshot does not count is an error naming the ones it does.
	for _, d := range []string{"nosuch", "Orders"} {
		if _, err := recovery.Missing(ctx, conn, inc, d, 10); !errors.Is(err, db.ErrInvalidInput) ||
			!strings.Contains(err.Error(), "its domains: orders, members") {
			t.Fatalf("domain %q: %v", d, err)
		}
	}
}

// A census (every domain names the same merchants) counts the merchants
// with all their data back, and the snapshot's table writes the audit
// digest the statement audit would.
func TestCensusCompleteMerchantsAndAuditDigest(t *testing.T) {
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	var b strings.Builder
	b.WriteString("merchant_id,domain,expected,restored\n")
	// More merchants (rows: one per merchant) than an audit entry lists.
	for i := range 1400 {
		short := int64(0)
		if i%7 == 0 {
			short = 1 // merchants 0, 7, 14...: 200 of them short in orders
		}
		fmt.Fprintf(&b, "M%04d,orders,10,%d\nM%04d,pages,3,3\n", i, 10-short, i)
	}
	res, err := importCounts(t, conn, inc, "c.csv", b.String())
	if err != nil {
		t.Fatal(err)
	}
	if res.Merchants != 1400 || res.MerchantsComplete != 1200 {
		t.Fatalf("%d of %d complete, want 1200 of 1400", res.MerchantsComplete, res.Merchants)
	}
	var logged, want string
	if err := conn.Get(&logged, `SELECT after::text FROM audit_log WHERE table_name = 'restore_counts'`); err != nil {
		t.Fatal(err)
	}
	var q string
	if err := conn.Get(&q, `SELECT warroom_audit_rows_sql($1, 'NULL::bigint')`, fmt.Sprintf("public.restore_counts_s%d", res.Snapshot)); err != nil {
		t.Fatal(err)
	}
	var n, lo, hi *int64
	if err := conn.QueryRow(q).Scan(&n, &lo, &hi, &want); err != nil {
		t.Fatal(err)
	}
	if logged != want || !strings.Contains(logged, "sum-hash64:") {
		t.Fatalf("audit digest %.200s, the statement audit's %.200s", logged, want)
	}
}

// A file with the at column may leave a cell empty: that count has no time
// of its own and is as of the import. A file with only its header is
// refused, naming line 1, and records nothing. The same file imported
// again reports the snapshot it made, as recorded.
func TestCountsImportEmptyAtHeaderOnlyAndAgain(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	body := "merchant_id,domain,expected,restored,at\nM1,orders,10,5,2020-02-28 09:00\nM2,orders,10,10,\n"
	first, err := importCounts(t, conn, inc, "at.csv", body)
	if err != nil {
		t.Fatalf("an empty at cell: %v", err)
	}
	m2, err := recovery.MerchantRestore(ctx, conn, inc, "M2")
	if err != nil || len(m2) != 1 {
		t.Fatalf("M2: %+v, %v", m2, err)
	}
	if !m2[0].AsOf.Equal(first.ImportedAt) {
		t.Errorf("M2 as of %v; want the import's time %v", m2[0].AsOf, first.ImportedAt)
	}
	m1, _ := recovery.MerchantRestore(ctx, conn, inc, "M1")
	if len(m1) != 1 || !m1[0].AsOf.Equal(time.Date(2020, 2, 28, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("M1: %+v; want its own time", m1)
	}

	again, err := importCounts(t, conn, inc, "at.csv", body)
	if err != nil || !again.AlreadyImported {
		t.Fatalf("again: %+v, %v", again, err)
	}
	if again.Snapshot != first.Snapshot || again.Rows != first.Rows || again.Merchants != first.Merchants ||
		again.MerchantsComplete != first.MerchantsComplete || !again.TakenAt.Equal(first.TakenAt) || !again.ImportedAt.Equal(first.ImportedAt) {
		t.Errorf("again %+v; want the first import's %+v", again, first)
	}

	before := dbtest.Get[int](t, conn, `SELECT count(*) FROM restore_snapshots WHERE incident_id = $1`, inc)
	_, err = importCounts(t, conn, inc, "empty.csv", "merchant_id,domain,expected,restored\n")
	var ie *compensation.ImportError
	if !errors.As(err, &ie) || ie.Line != 1 || !strings.Contains(ie.Error(), "empty.csv:1: no counts after the header") {
		t.Fatalf("header only: %v", err)
	}
	if after := dbtest.Get[int](t, conn, `SELECT count(*) FROM restore_snapshots WHERE incident_id = $1`, inc); after != before {
		t.Errorf("header only: %d snapshots, was %d", after, before)
	}
}
