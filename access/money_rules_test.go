package access_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
)

// The money rules of migration 00014, tried as a login would try them in
// psql: plain SQL over that role's own connection, each refusal checked by
// its SQLSTATE and its constraint or message.

// refused fails unless err is the database's refusal with that SQLSTATE and
// constraint (or, with no constraint, whose message contains msg).
func refused(t *testing.T, what string, err error, code, constraint, msg string) {
	t.Helper()
	var pe *pq.Error
	if !errors.As(err, &pe) {
		t.Errorf("%s: want refusal %s %s, got %v", what, code, constraint+msg, err)
		return
	}
	if string(pe.Code) != code || pe.Constraint != constraint || !strings.Contains(pe.Message, msg) {
		t.Errorf("%s: want %s [%s] %q, got %s [%s] %q", what, code, constraint, msg, pe.Code, pe.Constraint, pe.Message)
	}
}

// exec runs one statement in a transaction that is rolled back.
func exec(t *testing.T, conn *sqlx.DB, q string, args ...any) error {
	t.Helper()
	return asTx(t, conn, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(q, args...)
		return err
	})
}

// claimFor adds a merchant and its claim, as the superuser (test data).
func claimFor(t *testing.T, f *fixture, incident int64, merchant, state string, amount int64) int64 {
	t.Helper()
	var m, c int64
	if err := f.admin.Get(&m, `INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, $2) RETURNING id`, incident, merchant); err != nil {
		t.Fatal(err)
	}
	plan := any(nil)
	if state != "computed" {
		plan = "cash"
	}
	if err := f.admin.Get(&c, `INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		incident, m, plan, state, amount); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFundCountersOnlyFromLedger(t *testing.T) {
	f := newFixture(t)
	var other int64
	f.admin.Get(&other, `INSERT INTO incidents (slug, title, started_at) VALUES ('j', 'J', now()) RETURNING id`)
	for _, role := range []string{access.Finance, access.Commander} {
		conn, _ := f.login(t, role)
		for _, q := range []string{
			`UPDATE funds SET paid_fen = 0, committed_fen = 0`,
			`UPDATE funds SET pledged_fen = pledged_fen * 10`,
			`UPDATE funds SET claims_count = 0, paid_claims = 7`,
		} {
			refused(t, role+": "+q, exec(t, conn, q), "42501", "funds_counters_from_ledger", "")
		}
		// A fund is opened by warroom_open_fund only (00021), so no plain
		// INSERT reaches the counter and threshold guards behind it.
		for _, q := range []string{
			`INSERT INTO funds (incident_id, pledged_fen) VALUES ($1, 999999999999)`,
			`INSERT INTO funds (incident_id, payout_approval_fen) VALUES ($1, 999999999999)`,
			`INSERT INTO funds (incident_id) VALUES ($1)`,
		} {
			refused(t, role+": "+q, exec(t, conn, q, other), "42501", "", "permission denied for table funds")
		}
		// The fund's terms price every claim: a change needs a second
		// person (00018), whatever column carries it.
		for _, q := range []string{
			`UPDATE funds SET inkind_value_fen = 5 WHERE incident_id = $1`,
			`UPDATE funds SET outage_end = '2030-01-01' WHERE incident_id = $1`,
			`UPDATE funds SET outage_start = '2019-01-01' WHERE incident_id = $1`,
			`UPDATE funds SET baseline_start = '2019-01-01' WHERE incident_id = $1`,
			`UPDATE funds SET baseline_end = '2030-01-01' WHERE incident_id = $1`,
		} {
			refused(t, role+": "+q, exec(t, conn, q, f.incident), "WR001", "", "windows or the in-kind value of the fund")
		}
		// The columns that price nothing stay the writers'.
		if err := exec(t, conn, `UPDATE funds SET currency = currency WHERE incident_id = $1`, f.incident); err != nil {
			t.Errorf("%s: currency: %v", role, err)
		}
	}
}

func TestPledgesOnlyThroughApprovedRequest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	fin2, _ := f.login(t, access.Finance)
	var other int64
	f.admin.Get(&other, `INSERT INTO incidents (slug, title, started_at) VALUES ('j', 'J', now()) RETURNING id`)
	f.admin.MustExec(`INSERT INTO funds (incident_id) VALUES ($1)`, other)

	refused(t, "new contributor with a pledge", exec(t, fin,
		`INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'rich', 2, 9500000000)`, f.incident),
		"WR001", "", "needs a second authorisation")
	refused(t, "moving a pledge", exec(t, fin, `UPDATE contributors SET incident_id = $1 WHERE id = $2`, other, f.contributor),
		"WR001", "", "needs a second authorisation")

	var id int64
	if err := fin.Get(&id, `INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'new', 2, 0) RETURNING id`, f.incident); err != nil {
		t.Fatalf("new contributor without a pledge: %v", err)
	}
	refused(t, "raising it directly", exec(t, fin, `UPDATE contributors SET pledged_fen = 1000 WHERE id = $1`, id),
		"WR001", "", "needs a second authorisation")
	req, err := access.Request(ctx, fin, access.Op("contribution"), f.incident,
		map[string]any{"contributor_id": id, "pledged_fen": 700000}, "signed pledge", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, fin2, req, "seen the letter"); err != nil {
		t.Fatal(err)
	}
	var pledged, fund int64
	f.admin.Get(&pledged, `SELECT pledged_fen FROM contributors WHERE id = $1`, id)
	f.admin.Get(&fund, `SELECT pledged_fen FROM funds WHERE incident_id = $1`, f.incident)
	if pledged != 700000 || fund != 100000000+700000 {
		t.Fatalf("after the approved raise: pledge %d, fund %d", pledged, fund)
	}
}

func TestClaimsMoveOnlyAlongTheLifecycle(t *testing.T) {
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	boss, _ := f.login(t, access.Commander)
	rejected := claimFor(t, f, f.incident, "MR", "rejected", 300000)
	paid := claimFor(t, f, f.incident, "MP", "approved", 200000)
	f.admin.MustExec(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 200000, 'kp')`, f.incident, paid)
	f.admin.MustExec(`UPDATE claims SET state = 'paid' WHERE id = $1`, paid)
	// Awaiting a rate: no cash figure, so nothing owed yet.
	var m, waiting int64
	f.admin.Get(&m, `INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'MW') RETURNING id`, f.incident)
	f.admin.Get(&waiting, `INSERT INTO claims (incident_id, merchant_id, state, amount_fen) VALUES ($1, $2, 'awaiting_rate', 0) RETURNING id`, f.incident, m)
	var free int64 // a merchant with no claim yet
	f.admin.Get(&free, `INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'MN') RETURNING id`, f.incident)

	for _, c := range []struct{ name, sql string }{
		{"reset paid_fen", fmt.Sprintf(`UPDATE claims SET paid_fen = 0 WHERE id = %d`, paid)},
		{"approved amount", fmt.Sprintf(`UPDATE claims SET amount_fen = 999999999 WHERE id = %d`, f.claim)},
		{"approved cash figure", fmt.Sprintf(`UPDATE claims SET cash_fen = 1 WHERE id = %d`, f.claim)},
		{"rejected to approved", fmt.Sprintf(`UPDATE claims SET state = 'approved' WHERE id = %d`, rejected)},
		{"paid back to approved", fmt.Sprintf(`UPDATE claims SET state = 'approved' WHERE id = %d`, paid)},
		{"approved to paid unpaid", fmt.Sprintf(`UPDATE claims SET state = 'paid' WHERE id = %d`, f.claim)},
		{"approved to rejected", fmt.Sprintf(`UPDATE claims SET state = 'rejected' WHERE id = %d`, f.claim)},
		{"computed straight to approved", fmt.Sprintf(`UPDATE claims SET state = 'approved', plan = 'cash' WHERE id = %d`, waiting)},
		{"another merchant's claim", fmt.Sprintf(`UPDATE claims SET merchant_id = %d WHERE id = %d`, free, f.claim)},
		{"insert an approved claim", fmt.Sprintf(`INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen) VALUES (%d, %d, 'cash', 'approved', 900000000)`, f.incident, free)},
	} {
		for role, conn := range map[string]*sqlx.DB{"finance": fin, "commander": boss} {
			refused(t, role+": "+c.name, exec(t, conn, c.sql), "23514", "claims_lifecycle", "")
		}
	}
	for _, c := range []struct{ name, sql string }{
		{"amount of a claim awaiting its rate", fmt.Sprintf(`UPDATE claims SET amount_fen = 5000000 WHERE id = %d`, waiting)},
		{"a cash figure no rate gave", fmt.Sprintf(`UPDATE claims SET state = 'computed', cash_fen = 5000000, amount_fen = 5000000 WHERE id = %d`, waiting)},
		{"a new claim with its own figure", `INSERT INTO claims (incident_id, merchant_id, state, amount_fen) SELECT incident_id, id, 'computed', 100 FROM merchants WHERE merchant_id = 'MX'`},
	} {
		f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'MX') ON CONFLICT DO NOTHING`, f.incident)
		refused(t, c.name, exec(t, fin, c.sql), "23514", "claims_amount_computed", "")
	}
	// What stays allowed: writing an approved claim again unchanged, a
	// rejection before approval.
	if err := exec(t, fin, `UPDATE claims SET state = 'approved', updated_at = now() WHERE id = $1`, f.claim); err != nil {
		t.Errorf("unchanged approved claim: %v", err)
	}
	if err := exec(t, fin, `UPDATE claims SET state = 'rejected' WHERE id = $1`, waiting); err != nil {
		t.Errorf("rejecting a claim awaiting its rate: %v", err)
	}
}

// The whole lifecycle through compensation's functions over a finance
// login (not the superuser the other packages test as): the guards let
// every step through that the engine takes.
func TestLifecycleThroughEngineAsFinance(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	fin2, _ := f.login(t, access.Finance)
	boss, _ := f.login(t, access.Commander)
	var inc int64
	f.admin.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('e', 'E', now()) RETURNING id`)
	f.admin.MustExec(`INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		VALUES ($1, '2020-01-01', '2020-01-31', '2020-03-01', '2020-03-04 12:00')`, inc)
	f.admin.MustExec(`INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'co', 1, 100000000000)`, inc)
	f.admin.MustExec(`INSERT INTO margin_rates (incident_id, industry, percent, source) VALUES ($1, 'retail', 20, 's'), ($1, 'food', 12.5, 's')`, inc)
	addMerchant := func(id, industry string, sales int64) {
		var m int64
		f.admin.Get(&m, `INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, $2, $3) RETURNING id`, inc, id, industry)
		f.admin.MustExec(`INSERT INTO sales_totals (import_id, incident_id, merchant_id, baseline_fen, sales_rows) VALUES (1, $1, $2, $3, 1)`, inc, m, sales)
	}
	addMerchant("A", "retail", 123456789)
	addMerchant("B", "food", 98765432)
	addMerchant("C", "retail", 5550000)
	addMerchant("D", "food", 4440000)
	step := func(what string, fn func(tx *sqlx.Tx) error) {
		t.Helper()
		tx := fin.MustBegin()
		if err := fn(tx); err != nil {
			tx.Rollback()
			t.Fatalf("%s: %v", what, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("first computation", func(tx *sqlx.Tx) error {
		_, err := compensation.ComputeClaims(ctx, tx, inc, "")
		return err
	})
	addMerchant("E", "retail", 7770000) // after the first: the ordinary INSERT path
	step("second computation", func(tx *sqlx.Tx) error {
		c, err := compensation.ComputeClaims(ctx, tx, inc, "")
		if err == nil && c.Written != 1 {
			err = fmt.Errorf("wrote %d claims, want 1", c.Written)
		}
		return err
	})
	step("choose", func(tx *sqlx.Tx) error {
		for m, plan := range map[string]string{"A": "cash", "B": "traffic", "C": "cash", "D": "cash"} {
			if _, err := compensation.Choose(ctx, tx, inc, m, plan); err != nil {
				return err
			}
		}
		return nil
	})
	// A new food rate (approved) and its recompute: the UPDATE path.
	req, err := access.Request(ctx, fin, access.Op("margin_rate"), inc, map[string]any{"industry": "food", "percent": "15", "source": "s2"}, "new survey", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, fin2, req, ""); err != nil {
		t.Fatal(err)
	}
	step("recompute food", func(tx *sqlx.Tx) error {
		_, err := compensation.ComputeClaims(ctx, tx, inc, "food")
		return err
	})
	// The in-kind value is refused to one person, and carried out when a
	// second approves (00018).
	inkTx := fin.MustBegin()
	_, err = compensation.SetInKindValue(ctx, inkTx, inc, 1300000)
	inkTx.Rollback()
	if !errors.Is(err, db.ErrNeedsApproval) {
		t.Fatalf("in-kind value by one person: want ErrNeedsApproval, got %v", err)
	}
	req, err = access.Request(ctx, fin, access.OpInKindValue, inc, map[string]int64{"inkind_value_fen": 1300000}, "new price list", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, fin2, req, ""); err != nil {
		t.Fatal(err)
	}
	var traffic int64
	if err := f.admin.Get(&traffic, `SELECT amount_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE c.incident_id = $1 AND m.merchant_id = 'B'`, inc); err != nil || traffic != 1300000 {
		t.Fatalf("the approved in-kind value should reprice chosen traffic claim B: %d %v", traffic, err)
	}
	tx := boss.MustBegin()
	if _, err := compensation.ChangePlan(ctx, tx, inc, "D", "traffic", "asked by phone"); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	step("approve, pay, reject", func(tx *sqlx.Tx) error {
		for _, m := range []string{"B", "C", "D"} {
			if _, err := compensation.Approve(ctx, tx, inc, m); err != nil {
				return err
			}
		}
		if _, err := compensation.Reject(ctx, tx, inc, "E"); err != nil {
			return err
		}
		_, err := compensation.Pay(ctx, tx, inc, "C", "k-c")
		return err
	})
	var amounts []int64
	fin.Select(&amounts, `SELECT c.amount_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = c.incident_id
		WHERE c.incident_id = $1 ORDER BY m.merchant_id`, inc)
	// cash = sales x percent x 3.5 days / 30 days, rounded half up.
	want := []int64{2880658, 1300000, 129500, 1300000, 181300}
	if fmt.Sprint(amounts) != fmt.Sprint(want) {
		t.Fatalf("amounts %v, want %v", amounts, want)
	}
	var state string
	fin.Get(&state, `SELECT c.state FROM claims c JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = c.incident_id WHERE m.merchant_id = 'C' AND c.incident_id = $1`, inc)
	if state != "paid" {
		t.Fatalf("C is %s after Pay", state)
	}
}

func TestPayoutsOnlyForApprovedClaimsWithinThreshold(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	fin2, _ := f.login(t, access.Finance)
	boss, _ := f.login(t, access.Commander)
	rejected := claimFor(t, f, f.incident, "MR", "rejected", 300000)
	small := claimFor(t, f, f.incident, "MS", "approved", 500000)
	pay := `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, $3, $4)`

	var other int64
	f.admin.Get(&other, `INSERT INTO incidents (slug, title, started_at) VALUES ('j', 'J', now()) RETURNING id`)
	f.admin.MustExec(`INSERT INTO funds (incident_id) VALUES ($1)`, other)
	for role, conn := range map[string]*sqlx.DB{"finance": fin, "commander": boss} {
		refused(t, role+": payout of a claim of another incident", exec(t, conn, pay, other, f.claim, 1000, "k1"),
			"23503", "payouts_claim_id_fkey", "")
		refused(t, role+": payout of a rejected claim", exec(t, conn, pay, f.incident, rejected, 1000, "k1"),
			"23514", "payouts_claim_approved", "")
		refused(t, role+": beyond what the claim owes", exec(t, conn, pay, f.incident, small, 500001, "k1"),
			"23514", "claims_not_overpaid", "")
		// 50,000.00 owed, threshold 10,000.00: two payouts of 9,000.00.
		err := asTx(t, conn, func(tx *sqlx.Tx) error {
			if _, err := tx.Exec(pay, f.incident, f.claim, 900000, "k-a"); err != nil {
				t.Fatalf("%s: first part: %v", role, err)
			}
			_, err := tx.Exec(pay, f.incident, f.claim, 900000, "k-b")
			return err
		})
		refused(t, role+": split payment", err, "WR001", "", "needs a second authorisation")
		if !errors.Is(db.MapError(err), db.ErrNeedsApproval) {
			t.Errorf("%s: split payment maps to %v", role, db.MapError(err))
		}
		refused(t, role+": split in one statement", exec(t, conn,
			`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 600000, 'k-c'), ($1, $2, 600000, 'k-d')`,
			f.incident, f.claim), "WR001", "", "needs a second authorisation")
	}
	// approval_id names an approved request: only warroom_exec_payout sets it.
	var appr int64
	f.admin.Get(&appr, `INSERT INTO approvals (incident_id, op, payload, reason, requested_by, expires_at, state, decided_by)
		VALUES ($1, 'payout', '{}', 'r', 'a', now() + interval '1 hour', 'approved', 'b') RETURNING id`, f.incident)
	refused(t, "forged approval_id", exec(t, fin,
		`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, approval_id) VALUES ($1, $2, 4000000, 'k-f', $3)`,
		f.incident, f.claim, appr), "42501", "payouts_approval_by_request", "")

	// The approved route pays above the threshold and leaves the direct
	// allowance untouched: 40,000.00 approved, then 9,000.00 directly.
	req, err := access.Request(ctx, fin, access.Op("payout"), f.incident,
		map[string]any{"claim_id": f.claim, "amount_fen": 4000000, "idempotency_key": "k-big"}, "big", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, fin2, req, ""); err != nil {
		t.Fatal(err)
	}
	var approvalID *int64
	f.admin.Get(&approvalID, `SELECT approval_id FROM payouts WHERE idempotency_key = 'k-big'`)
	if approvalID == nil || *approvalID != req {
		t.Fatalf("approved payout's approval_id %v, want %d", approvalID, req)
	}
	if _, err := fin.Exec(pay, f.incident, f.claim, 900000, "k-rest"); err != nil {
		t.Fatalf("direct payout after an approved one: %v", err)
	}
}

// Two payers at once, each under the threshold, together above it: the
// second waits for the first and is refused.
func TestConcurrentSplitPaymentRefused(t *testing.T) {
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	fin2, _ := f.login(t, access.Finance)
	pay := `INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 600000, $3)`
	tx1 := fin.MustBegin()
	defer tx1.Rollback()
	if _, err := tx1.Exec(pay, f.incident, f.claim, "k-1"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := fin2.Exec(pay, f.incident, f.claim, "k-2")
		done <- err
	}()
	// The second is waiting for the first's lock on the claim.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		f.admin.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO payouts%'`)
		if waiting == 1 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the second payer did not wait for the first: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the second payer never waited")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	refused(t, "second concurrent part", <-done, "WR001", "", "needs a second authorisation")
	var paid int64
	f.admin.Get(&paid, `SELECT paid_fen FROM claims WHERE id = $1`, f.claim)
	if paid != 600000 {
		t.Fatalf("claim paid %d, want 600000", paid)
	}
}

// A login with TEMP shadows funds (and claims) in pg_temp, which comes
// first in an unpinned search_path: the guards and counters must still
// read and write the real tables.
func TestTempTablesCannotShadowMoneyGuards(t *testing.T) {
	f := newFixture(t)
	fin, name := f.login(t, access.Finance)
	var dbname string
	f.admin.Get(&dbname, `SELECT current_database()`)
	f.admin.MustExec(fmt.Sprintf(`GRANT TEMPORARY ON DATABASE %s TO %s`, pq.QuoteIdentifier(dbname), pq.QuoteIdentifier(name)))
	fin.SetMaxOpenConns(1) // one session: the temp tables stay in it
	fin.MustExec(`CREATE TEMP TABLE funds AS SELECT * FROM public.funds`)
	fin.MustExec(`UPDATE funds SET payout_approval_fen = 999999999999, pledged_fen = 999999999999`)
	fin.MustExec(`CREATE TEMP TABLE payouts AS SELECT * FROM public.payouts WHERE false`)
	var before int64
	f.admin.Get(&before, `SELECT paid_fen FROM funds WHERE incident_id = $1`, f.incident)
	refused(t, "payout above the threshold behind a temp funds", exec(t, fin,
		`INSERT INTO public.payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 4000000, 'k-t')`,
		f.incident, f.claim), "WR001", "", "needs a second authorisation")
	if _, err := fin.Exec(`INSERT INTO public.payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 100, 'k-s')`,
		f.incident, f.claim); err != nil {
		t.Fatal(err)
	}
	var after int64
	f.admin.Get(&after, `SELECT paid_fen FROM funds WHERE incident_id = $1`, f.incident)
	if after != before+100 {
		t.Fatalf("the real fund's paid total went %d -> %d, want +100", before, after)
	}
}

// The same merchant id in two incidents is paid in both under the same key.
func TestIdempotencyKeysPerIncident(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	var other int64
	f.admin.Get(&other, `INSERT INTO incidents (slug, title, started_at) VALUES ('j', 'J', now()) RETURNING id`)
	f.admin.MustExec(`INSERT INTO funds (incident_id) VALUES ($1)`, other)
	f.admin.MustExec(`INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'co', 1, 100000000)`, other)
	for _, inc := range []int64{f.incident, other} {
		claimFor(t, f, inc, "M0000004", "approved", 700000)
	}
	for _, inc := range []int64{f.incident, other} {
		tx := fin.MustBegin()
		p, err := compensation.Pay(ctx, tx, inc, "M0000004", "pay-run-M0000004")
		if err != nil || p.Repeated || p.AmountFen != 700000 {
			tx.Rollback()
			t.Fatalf("incident %d: paid %+v, %v", inc, p, err)
		}
		tx.Commit()
	}
	refused(t, "the same key twice in one incident", exec(t, fin,
		`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) VALUES ($1, $2, 1, 'pay-run-M0000004')`,
		f.incident, f.claim), "23505", "payouts_idempotency_key_key", "")
}

// A viewer holding the advisory lock the first loads once waited on, or
// trying to take the one they wait on now, holds nobody up.
func TestViewerCannotBlockFirstLoads(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	viewer, _ := f.login(t, access.Viewer)
	fin, _ := f.login(t, access.Finance)
	var inc int64
	f.admin.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('v', 'V', now()) RETURNING id`)
	f.admin.MustExec(`INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		VALUES ($1, '2020-01-01', '2020-01-31', '2020-03-01', '2020-03-04')`, inc)

	vtx := viewer.MustBegin()
	defer vtx.Rollback()
	vtx.MustExec(`SELECT pg_advisory_xact_lock(hashtext('warroom_attach_partition'), hashtext('claims')),
		pg_advisory_xact_lock(hashtext('warroom_attach_partition'), hashtext('merchants'))`)
	for _, q := range []string{`LOCK TABLE warroom_first_loads`, `SELECT 1 FROM warroom_first_loads FOR UPDATE`} {
		refused(t, "viewer: "+q, exec(t, viewer, q), "42501", "", "permission denied")
	}

	tx := fin.MustBegin()
	defer tx.Rollback()
	tx.MustExec(`SET LOCAL lock_timeout = '5s'`)
	var part string
	if err := tx.Get(&part, `SELECT warroom_stage_merchants($1)`, inc); err != nil {
		t.Fatalf("stage merchants: %v", err)
	}
	tx.MustExec(fmt.Sprintf(`INSERT INTO %s (merchant_id, industry) VALUES ('A', 'x'), ('B', 'x')`, pq.QuoteIdentifier(part)))
	var n int64
	if err := tx.Get(&n, `SELECT warroom_attach_merchants($1)`, inc); err != nil || n != 2 {
		t.Fatalf("attach merchants: %d, %v", n, err)
	}
	c, err := compensation.ComputeClaims(ctx, tx, inc, "")
	if err != nil || c.Written != 2 {
		t.Fatalf("first computation: %+v, %v", c, err)
	}
	var isPartition bool
	tx.Get(&isPartition, `SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1))`, fmt.Sprintf("claims_i%d", inc))
	if !isPartition {
		t.Fatal("the first computation did not build the incident's partition")
	}
}

// A staged first import takes ids from the sequence: an id written into
// the staged table could name merchants in two incidents.
func TestStagedMerchantsTakeIdsFromSequence(t *testing.T) {
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	var inc, taken int64
	f.admin.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('s', 'S', now()) RETURNING id`)
	f.admin.Get(&taken, `SELECT id FROM merchants WHERE incident_id = $1 LIMIT 1`, f.incident)
	err := asTx(t, fin, func(tx *sqlx.Tx) error {
		var part string
		if err := tx.Get(&part, `SELECT warroom_stage_merchants($1)`, inc); err != nil {
			t.Fatal(err)
		}
		_, err := tx.Exec(fmt.Sprintf(`INSERT INTO %s (id, merchant_id) VALUES ($1, 'X')`, pq.QuoteIdentifier(part)), taken)
		return err
	})
	refused(t, "explicit id in the staged table", err, "42501", "", "permission denied")
	err = asTx(t, fin, func(tx *sqlx.Tx) error {
		var part string
		if err := tx.Get(&part, `SELECT warroom_stage_merchants($1)`, inc); err != nil {
			t.Fatal(err)
		}
		_, err := tx.Exec(fmt.Sprintf(`COPY %s (id, incident_id, merchant_id) FROM STDIN`, pq.QuoteIdentifier(part)))
		return err
	})
	refused(t, "COPY with ids into the staged table", err, "42501", "", "permission denied")
}

// Every warroom function runs with a pinned search_path but two SQL
// functions left unpinned so the planner can inline them: warroom_cash_fen
// (it names no table, only pg_catalog's operators: see migration 00014) and
// warroom_claim_figures (it names every table and function with its schema:
// migration 00017).
func TestWarroomFunctionsPinSearchPath(t *testing.T) {
	f := newFixture(t)
	var unpinned []string
	if err := f.admin.Select(&unpinned, `SELECT p.oid::regprocedure::text FROM pg_proc p
		JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'public' AND p.proname LIKE 'warroom\_%'
		  AND p.proname NOT IN ('warroom_cash_fen', 'warroom_claim_figures')
		  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c = 'search_path=pg_catalog, public, pg_temp')
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if len(unpinned) > 0 {
		t.Fatalf("functions without search_path = pg_catalog, public, pg_temp: %v", unpinned)
	}
	var definer []string
	f.admin.Select(&definer, `SELECT proname FROM pg_proc WHERE prosecdef AND proname IN
		('warroom_claims_counters', 'warroom_payouts_counters', 'warroom_pledge_counter') ORDER BY 1`)
	if len(definer) != 3 {
		t.Fatalf("counter functions running as the schema owner: %v, want all three", definer)
	}
}
