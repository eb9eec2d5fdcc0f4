package compensation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func exec(t *testing.T, conn *sqlx.DB, q string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// A small fund: two contributors, four claims in every state, three payouts
// on two days in the fund's time zone.
func TestLoadFundTotalsAndDrawdown(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, time_zone, started_at) VALUES ('f', 'F', 'Asia/Shanghai', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.LoadFund(ctx, conn, inc, "f"); !db.IsNotFound(err) {
		t.Fatalf("no fund yet: %v", err)
	}
	exec(t, conn, `INSERT INTO funds (incident_id) VALUES ($1)`, inc)
	exec(t, conn, `INSERT INTO contributors (incident_id, name, native_name, position, pledged_fen) VALUES
		($1, 'Company', '', 1, 10000), ($1, 'Sun Taoyong', '孙涛勇', 2, 5000)`, inc)
	exec(t, conn, `INSERT INTO contributions (contributor_id, amount_fen, received_at)
		SELECT id, 4000, '2020-03-05T00:00:00Z' FROM contributors WHERE name = 'Company'`)
	exec(t, conn, `INSERT INTO contributions (contributor_id, amount_fen, received_at)
		SELECT id, 3000, '2020-03-06T00:00:00Z' FROM contributors WHERE name = 'Company'`)
	exec(t, conn, `INSERT INTO merchants (incident_id, merchant_id) SELECT $1, 'M' || g FROM generate_series(1, 4) g`, inc)
	exec(t, conn, `INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen)
		SELECT $1, m.id, v.plan, v.state, v.fen FROM merchants m JOIN (VALUES
		  ('M1', NULL, 'computed', 100), ('M2', 'cash', 'approved', 700),
		  ('M3', 'cash', 'paid', 1000), ('M4', 'traffic', 'paid', 300)) v(mid, plan, state, fen)
		ON v.mid = m.merchant_id`, inc)
	// M2 is approved with 200 of its 700 already paid: 500 still committed.
	// 2020-03-10T17:00Z is 2020-03-11 01:00 in Shanghai: a different day there.
	exec(t, conn, `INSERT INTO payouts (incident_id, claim_id, amount_fen, paid_at, idempotency_key)
		SELECT $1, c.id, v.fen, v.at::timestamptz, v.k FROM claims c JOIN merchants m ON m.id = c.merchant_id JOIN (VALUES
		  ('M2', 200, '2020-03-10T10:00:00Z', 'k1'), ('M3', 1000, '2020-03-10T12:00:00Z', 'k2'),
		  ('M4', 300, '2020-03-10T17:00:00Z', 'k3')) v(mid, fen, at, k) ON v.mid = m.merchant_id`, inc)

	f, err := compensation.LoadFund(ctx, conn, inc, "f")
	if err != nil {
		t.Fatal(err)
	}
	want := compensation.Fund{Incident: "f", Currency: "CNY", PledgedFen: 15000, ReceivedFen: 7000,
		CommittedFen: 500, PaidFen: 1500, RemainingFen: 15000 - 500 - 1500, Claims: 4, PaidClaims: 2}
	if f.Incident != want.Incident || f.Currency != want.Currency || f.PledgedFen != want.PledgedFen ||
		f.ReceivedFen != want.ReceivedFen || f.CommittedFen != want.CommittedFen || f.PaidFen != want.PaidFen ||
		f.RemainingFen != want.RemainingFen || f.Claims != want.Claims || f.PaidClaims != want.PaidClaims {
		t.Fatalf("fund\n got %+v\nwant %+v", f, want)
	}
	if len(f.Contributors) != 2 || f.Contributors[0].ReceivedFen != 7000 || f.Contributors[1].NativeName != "孙涛勇" ||
		f.Contributors[1].ReceivedFen != 0 || f.Contributors[0].LastReceived == nil {
		t.Fatalf("contributors %+v", f.Contributors)
	}

	pts, err := compensation.Drawdown(ctx, conn, inc, "Asia/Shanghai", f.PledgedFen)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 2 {
		t.Fatalf("%d drawdown days, want 2 (the late payout falls on 11 March in Shanghai): %+v", len(pts), pts)
	}
	if pts[0].PaidFen != 1200 || pts[1].PaidFen != 300 || pts[1].CumPaidFen != 1500 || pts[1].RemainingFen != 13500 {
		t.Fatalf("drawdown %+v", pts)
	}
	if d := pts[1].Day.In(mustLoc(t, "Asia/Shanghai")); d.Day() != 11 || d.Hour() != 0 {
		t.Fatalf("second day starts %v, want 2020-03-11 00:00 in Shanghai", d)
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Cutting a pledge is judged on the new total, not on the old pledge taken
// off first (which would leave the fund below what is committed for a
// moment and fail its check).
func TestPledgeCutJudgedOnTheNewTotal(t *testing.T) {
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('p', 'P', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	exec(t, conn, `INSERT INTO funds (incident_id) VALUES ($1)`, inc)
	exec(t, conn, `INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'Co', 1, 10000)`, inc)
	exec(t, conn, `INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'M1')`, inc)
	exec(t, conn, `INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen)
		SELECT $1, id, 'cash', 'approved', 9000 FROM merchants WHERE incident_id = $1`, inc)
	// committed 9,000 of 10,000: 1,000 free. A cut to 9,500 (by 500) fits;
	// a cut to 9,000 (by 1,000) fits exactly; a cut to 8,999 does not.
	exec(t, conn, `UPDATE contributors SET pledged_fen = 9500 WHERE incident_id = $1`, inc)
	exec(t, conn, `UPDATE contributors SET pledged_fen = 9000 WHERE incident_id = $1`, inc)
	_, err := conn.Exec(`UPDATE contributors SET pledged_fen = 8999 WHERE incident_id = $1`, inc)
	var pe *pq.Error
	if !errors.As(err, &pe) || pe.Code != "23514" || pe.Constraint != "fund_not_overdrawn" {
		t.Fatalf("a pledge below what is committed: %v, want fund_not_overdrawn", err)
	}
	if pledged := dbtest.Get[int64](t, conn, `SELECT pledged_fen FROM funds WHERE incident_id = $1`, inc); pledged != 9000 {
		t.Fatalf("fund pledged %d, want 9000", pledged)
	}
}

func TestMovingAContributorMovesItsPledge(t *testing.T) {
	conn := dbtest.New(t)
	a := dbtest.Get[int64](t, conn, `INSERT INTO incidents (slug, title, started_at) VALUES ('a', 'A', now()) RETURNING id`)
	b := dbtest.Get[int64](t, conn, `INSERT INTO incidents (slug, title, started_at) VALUES ('b', 'B', now()) RETURNING id`)
	exec(t, conn, `INSERT INTO funds (incident_id) VALUES ($1), ($2)`, a, b)
	exec(t, conn, `INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'Co', 1, 700)`, a)
	exec(t, conn, `UPDATE contributors SET incident_id = $1`, b)
	pa := dbtest.Get[int64](t, conn, `SELECT pledged_fen FROM funds WHERE incident_id = $1`, a)
	pb := dbtest.Get[int64](t, conn, `SELECT pledged_fen FROM funds WHERE incident_id = $1`, b)
	if pa != 0 || pb != 700 {
		t.Fatalf("after the move: fund a %d, fund b %d; want 0 and 700", pa, pb)
	}
}
