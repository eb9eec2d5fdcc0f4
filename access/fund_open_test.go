package access_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db/dbtest"
)

const openFundSQL = `SELECT warroom_open_fund($1, 'CNY', '2026-03-01 00:00+08', '2026-03-08 00:00+08',
	'2026-03-08 10:00+08', NULL, 2000000, 900000, 'marketing price list')`

// Who may open a fund: a warroom commander, once per incident, through
// warroom_open_fund; its own threshold is allowed there (a plain INSERT is
// refused to every login).
func TestWhoMayOpenAFund(t *testing.T) {
	f := newFixture(t)
	eng, _ := f.login(t, access.Engineer)
	inc := declareAs(t, eng, "checkout-down")
	notCommander := &refusal{code: "42501", msg: "may not open a compensation fund: needs the commander role"}
	want := map[string]*refusal{access.Commander: nil, access.Engineer: notCommander,
		access.Finance: notCommander, access.Viewer: notCommander}
	for _, r := range access.Roles {
		conn, name := f.login(t, r)
		err := asTx(t, conn, func(tx *sqlx.Tx) error {
			if _, err := tx.Exec(openFundSQL, inc); err != nil {
				return err
			}
			thr := dbtest.Get[int64](t, tx, `SELECT payout_approval_fen FROM funds WHERE incident_id = $1`, inc)
			follows := dbtest.Get[bool](t, tx, `SELECT outage_end_follows AND outage_end IS NULL FROM funds WHERE incident_id = $1`, inc)
			author := dbtest.Get[string](t, tx, `SELECT author FROM timeline_entries
				WHERE incident_id = $1 AND title = 'Compensation fund opened'`, inc)
			if thr != 2000000 || !follows || author != name {
				t.Errorf("%s opened: threshold %d, outage end follows %v, entry by %q", r, thr, follows, author)
			}
			// The entry says it in words and yuan, not fen.
			const wantBody = "Payouts above 20,000.00 need a second person; the outage ends when the incident is resolved; " +
				"in-kind value 9,000.00 (marketing price list)"
			if body := dbtest.Get[string](t, tx, `SELECT body FROM timeline_entries
				WHERE incident_id = $1 AND title = 'Compensation fund opened'`, inc); body != wantBody {
				t.Errorf("%s opened: the entry reads %q, want %q", r, body, wantBody)
			}
			return nil
		})
		want[r].check(t, "open as "+r, err)
	}

	boss, _ := f.login(t, access.Commander)
	if _, err := boss.Exec(openFundSQL, inc); err != nil {
		t.Fatal(err)
	}
	(&refusal{code: "23505", constraint: "funds_pkey"}).check(t, "a second fund", execTx(t, boss, openFundSQL, inc))
	(&refusal{code: "22023", msg: "an in-kind value needs its source"}).check(t, "in-kind value without source",
		execTx(t, boss, `SELECT warroom_open_fund($1, 'CNY', now() - interval '2 days', now() - interval '1 day',
			now() - interval '1 hour', NULL, 0, 5, '')`, declareAs(t, boss, "other")))
	if n := dbtest.Get[int](t, f.admin, `SELECT count(*) FROM funds WHERE incident_id = $1`, inc); n != 1 {
		t.Fatalf("%d funds for the incident, want 1", n)
	}
}

// The outage end follows the resolution: resolving sets it, reopening
// clears it, and the unapproved claims' cash follows in the same
// transaction (the claims guard reads the same funds.outage_end; the CLI
// test recomputes after a resolution and sees nothing change). A
// fund_terms outage end stops the following.
func TestFundOutageEndFollowsResolution(t *testing.T) {
	f := newFixture(t)
	boss, _ := f.login(t, access.Commander)
	fin, _ := f.login(t, access.Finance)
	inc := declareAs(t, boss, "follows")
	if _, err := boss.Exec(`SELECT warroom_open_fund($1, 'CNY', now() - interval '8 days', now() - interval '1 day',
		now() - interval '1 hour', NULL, 1000000, NULL, NULL)`, inc); err != nil {
		t.Fatal(err)
	}
	var merchant, claim int64
	if err := f.admin.Get(&merchant, `INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'M1', 'catering') RETURNING id`, inc); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.Get(&claim, `INSERT INTO claims (incident_id, merchant_id, state, baseline_fen, margin_percent, cash_fen, amount_fen)
		VALUES ($1, $2, 'computed', 70000000, 25, 1, 1) RETURNING id`, inc, merchant); err != nil {
		t.Fatal(err)
	}
	cash := func() int64 {
		return dbtest.Get[int64](t, f.admin, `SELECT cash_fen FROM claims WHERE id = $1`, claim)
	}
	want := func() int64 {
		return dbtest.Get[int64](t, f.admin, `SELECT warroom_cash_fen(70000000, 25,
			extract(epoch FROM outage_end - outage_start), extract(epoch FROM baseline_end - baseline_start))
			FROM funds WHERE incident_id = $1`, inc)
	}
	if _, err := boss.Exec(`SELECT warroom_set_incident_status($1, 'resolved', '', 0)`, inc); err != nil {
		t.Fatal(err)
	}
	if ok := dbtest.Get[bool](t, f.admin, `SELECT f.outage_end = i.resolved_at FROM funds f JOIN incidents i ON i.id = f.incident_id
		WHERE f.incident_id = $1`, inc); !ok {
		t.Fatal("outage end did not follow the resolution")
	}
	if c, w := cash(), want(); c != w || c <= 1 {
		t.Fatalf("claim cash %d after the resolution, want %d", c, w)
	}
	if amt := dbtest.Get[int64](t, f.admin, `SELECT amount_fen FROM claims WHERE id = $1`, claim); amt != cash() {
		t.Fatalf("amount %d, want the cash figure %d", amt, cash())
	}
	// Reopened: the end is unknown again; the claim keeps its last figure.
	if _, err := boss.Exec(`SELECT warroom_set_incident_status($1, 'monitoring', 'regressed', 0)`, inc); err != nil {
		t.Fatal(err)
	}
	if null := dbtest.Get[bool](t, f.admin, `SELECT outage_end IS NULL FROM funds WHERE incident_id = $1`, inc); !null {
		t.Fatal("reopening left the outage end set")
	}
	time.Sleep(20 * time.Millisecond)
	if _, err := boss.Exec(`SELECT warroom_set_incident_status($1, 'resolved', '', 0)`, inc); err != nil {
		t.Fatal(err)
	}
	if c, w := cash(), want(); c != w {
		t.Fatalf("claim cash %d after the second resolution, want %d", c, w)
	}
	// The recomputed claim is chosen as any other.
	if _, err := fin.Exec(`UPDATE claims SET state = 'chosen', plan = 'cash' WHERE id = $1`, claim); err != nil {
		t.Fatalf("choosing the recomputed claim: %v", err)
	}

	// An outage end set by fund_terms stays when the incident is reopened.
	var id int64
	if err := fin.Get(&id, `SELECT warroom_request('fund_terms', $1, jsonb_build_object('outage_end', now()::text), 'fixed end')`, inc); err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(context.Background(), boss, id, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := boss.Exec(`SELECT warroom_set_incident_status($1, 'monitoring', 'regressed', 0)`, inc); err != nil {
		t.Fatal(err)
	}
	if set := dbtest.Get[bool](t, f.admin, `SELECT outage_end IS NOT NULL AND NOT outage_end_follows FROM funds WHERE incident_id = $1`, inc); !set {
		t.Fatal("a fund_terms outage end was dropped by reopening")
	}
	if c, w := cash(), want(); c != w {
		t.Fatalf("claim cash %d after fund_terms, want %d", c, w)
	}
}

// fund_terms: a window change needs a second person. Directly refused
// (00018), requested by finance, refused to its requester and to an
// engineer, carried out by a commander with the unapproved claims
// recomputed and the approved one left alone.
func TestFundTermsNeedSecondPerson(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, finName := f.login(t, access.Finance)
	eng, _ := f.login(t, access.Engineer)
	boss, _ := f.login(t, access.Commander)
	f.admin.MustExec(`UPDATE funds SET baseline_start = '2026-03-01', baseline_end = '2026-03-08',
		outage_start = '2026-03-08 10:00', outage_end = '2026-03-08 16:00' WHERE incident_id = $1`, f.incident)
	var merchant, claim int64
	if err := f.admin.Get(&merchant, `INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'M2', 'catering') RETURNING id`, f.incident); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.Get(&claim, `INSERT INTO claims (incident_id, merchant_id, state, baseline_fen, margin_percent, cash_fen, amount_fen)
		VALUES ($1, $2, 'computed', 70000000, 25, 62500, 62500) RETURNING id`, f.incident, merchant); err != nil {
		t.Fatal(err)
	}
	before := dbtest.CheckLedger(t, f.admin, f.incident)

	_, err := fin.Exec(`UPDATE funds SET outage_end = '2026-03-08 22:00' WHERE incident_id = $1`, f.incident)
	dbtest.WantPG(t, err, "WR001", "needs a second authorisation")
	_, err = eng.Exec(`SELECT warroom_request('fund_terms', $1, '{"outage_end": "2026-03-08 22:00+00"}', 'x')`, f.incident)
	dbtest.WantPG(t, err, "42501", "may not request fund terms: needs the commander or finance role")

	var id int64
	if err := fin.Get(&id, `SELECT warroom_request('fund_terms', $1, '{"outage_end": "2026-03-08 22:00+00"}', 'outage ran longer')`, f.incident); err != nil {
		t.Fatal(err)
	}
	_, err = fin.Exec(`SELECT warroom_approve($1)`, id)
	dbtest.WantPG(t, err, "42501", finName+" requested")
	if c := dbtest.Get[int64](t, f.admin, `SELECT cash_fen FROM claims WHERE id = $1`, claim); c != 62500 {
		t.Fatalf("claim cash %d before the approval, want 62500", c)
	}
	res, err := access.Approve(ctx, boss, id, "")
	if err != nil {
		t.Fatal(err)
	}
	// The formula's figure over the new 12-hour outage in a 7-day baseline.
	want := dbtest.Get[int64](t, f.admin, `SELECT warroom_cash_fen(70000000, 25, 12 * 3600, 7 * 86400)`)
	if c := dbtest.Get[int64](t, f.admin, `SELECT cash_fen FROM claims WHERE id = $1`, claim); c != want {
		t.Fatalf("claim cash %d after the approval, want %d (result %s)", c, want, res)
	}
	if amt := dbtest.Get[int64](t, f.admin, `SELECT amount_fen FROM claims WHERE id = $1`, claim); amt != want {
		t.Fatalf("claim amount %d after the approval, want %d", amt, want)
	}
	if a := dbtest.Get[int64](t, f.admin, `SELECT amount_fen FROM claims WHERE id = $1`, f.claim); a != 5000000 {
		t.Fatalf("the approved claim moved to %d", a)
	}
	if l := dbtest.CheckLedger(t, f.admin, f.incident); l != before {
		t.Fatalf("a window change moved the fund's counters: %+v, was %+v", l, before)
	}
	// A payload naming something else is refused when approved.
	if err := fin.Get(&id, `SELECT warroom_request('fund_terms', $1, '{"pledged_fen": 1}', 'x')`, f.incident); err != nil {
		t.Fatal(err)
	}
	_, err = access.Approve(ctx, boss, id, "")
	dbtest.WantPG(t, err, "22023", "is not a window bound")
}

// A new contributor's pledge goes through a contribution request: a plain
// INSERT with a pledge is refused (00014), the request is refused to its
// requester, and approved by another it adds the contributor and raises
// the fund's pledged total. A name already pledged is refused.
func TestNewContributorPledgeThroughApproval(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, finName := f.login(t, access.Finance)
	boss, _ := f.login(t, access.Commander)
	before := dbtest.CheckLedger(t, f.admin, f.incident)

	_, err := fin.Exec(`INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'Acme', 2, 500)`, f.incident)
	dbtest.WantPG(t, err, "WR001", "needs a second authorisation")

	var id int64
	if err := fin.Get(&id, `SELECT warroom_request('contribution', $1,
		'{"contributor_name": "Acme", "pledged_fen": 30000000, "native_name": "艾克米", "role": "partner"}', 'pledge letter')`, f.incident); err != nil {
		t.Fatal(err)
	}
	_, err = fin.Exec(`SELECT warroom_approve($1)`, id)
	dbtest.WantPG(t, err, "42501", finName+" requested")
	if _, err := access.Approve(ctx, boss, id, ""); err != nil {
		t.Fatal(err)
	}
	var c struct {
		Pledged int64  `db:"pledged_fen"`
		Native  string `db:"native_name"`
		Role    string `db:"role"`
	}
	if err := f.admin.Get(&c, `SELECT pledged_fen, native_name, role FROM contributors WHERE incident_id = $1 AND name = 'Acme'`, f.incident); err != nil {
		t.Fatal(err)
	}
	if c.Pledged != 30000000 || c.Native != "艾克米" || c.Role != "partner" {
		t.Fatalf("new contributor %+v", c)
	}
	if l := dbtest.CheckLedger(t, f.admin, f.incident); l.Pledged != before.Pledged+30000000 {
		t.Fatalf("fund pledged %d, want %d", l.Pledged, before.Pledged+30000000)
	}
	if err := fin.Get(&id, `SELECT warroom_request('contribution', $1, '{"contributor_name": "acme", "pledged_fen": 1}', 'again')`, f.incident); err != nil {
		t.Fatal(err)
	}
	_, err = access.Approve(ctx, boss, id, "")
	dbtest.WantPG(t, err, "23505", "already pledged to this fund")
}
