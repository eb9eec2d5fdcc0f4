package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"warroom/db/dbtest"
	"warroom/glossary"
)

// choose-run, approve-run and pay-run --bulk, by a finance login (the
// database's guards apply: it is not the owner): each stage settles every
// claim the one-at-a-time runs would, under the same keys and rules.
func TestBulkRunsAsFinance(t *testing.T) {
	url, conn := demoDB(t)
	fin := loginURL(t, url, "finance")
	if code, _, errs := runRuns(context.Background(), fin, "claims", "pay-run", "--bulk", "--every", "1ms"); code != exitInvalid ||
		!strings.Contains(errs, "--bulk") {
		t.Fatalf("--bulk with --every: exit %d %s", code, errs)
	}

	// Choose: every computed claim, in one statement per batch.
	computed := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims WHERE state = 'computed'`)
	chosenFen := dbtest.Get[int64](t, conn, `SELECT COALESCE(sum(amount_fen), 0) FROM claims WHERE state = 'chosen'`)
	c := runJSONOf(t, fin, "claims", "choose-run", "--plan", "cash", "--bulk")
	if computed == 0 || c.Done != computed || c.Stopped != "" {
		t.Fatalf("choose-run --bulk: %+v (want %d)", c, computed)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims WHERE state = 'computed'`); n != 0 {
		t.Errorf("%d computed claims left", n)
	}
	if bad := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims WHERE state = 'chosen' AND plan = 'cash' AND amount_fen <> cash_fen`); bad != 0 {
		t.Errorf("%d chosen cash claims whose amount is not their cash figure", bad)
	}
	if got := dbtest.Get[int64](t, conn, `SELECT sum(amount_fen) FROM claims WHERE state = 'chosen'`); got != chosenFen+c.DoneFen {
		t.Errorf("chosen claims owe %d, want %d + %d", got, chosenFen, c.DoneFen)
	}

	// Approve: with room for the first 400 claims in line and half the
	// next, the run approves those 400 and stops at the one it cannot cover.
	conn.MustExec(`
		WITH room AS (SELECT sum(amount_fen) - (array_agg(amount_fen ORDER BY n DESC))[1] / 2 AS fen
		              FROM (SELECT amount_fen, row_number() OVER (ORDER BY COALESCE(chosen_at, 'epoch'), merchant_id) AS n
		                    FROM claims WHERE state = 'chosen' ORDER BY n LIMIT 401) q),
		m AS (INSERT INTO merchants (incident_id, merchant_id, name, industry)
		      SELECT incident_id, 'BIG', 'Large claim', 'catering' FROM funds RETURNING id, incident_id)
		INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen, cash_fen, chosen_at, approved_at)
		SELECT m.incident_id, m.id, 'cash', 'approved', f.pledged_fen - f.committed_fen - f.paid_fen - room.fen,
		       f.pledged_fen - f.committed_fen - f.paid_fen - room.fen, now(), now()
		FROM m JOIN funds f ON f.incident_id = m.incident_id, room`)
	remaining := dbtest.Get[int64](t, conn, `SELECT pledged_fen - committed_fen - paid_fen FROM funds`)
	t0 := dbtest.Get[time.Time](t, conn, `SELECT now()`)
	a := runJSONOf(t, fin, "claims", "approve-run", "--bulk")
	if a.Done != 400 || !strings.Contains(a.Stopped, "cannot cover the next claim") || a.Fund.Remaining != remaining-a.DoneFen {
		t.Fatalf("approve-run --bulk: %+v (remaining before %d)", a, remaining)
	}
	// No claim still waiting was ahead of an approved one, and the next in
	// line owes more than is left.
	jumped := dbtest.Get[int](t, conn, `
		SELECT count(*) FROM claims w WHERE w.state = 'chosen' AND EXISTS (
		    SELECT 1 FROM claims c WHERE c.state = 'approved' AND c.approved_at >= $1
		      AND (COALESCE(c.chosen_at, 'epoch'), c.merchant_id) > (COALESCE(w.chosen_at, 'epoch'), w.merchant_id))`, t0)
	next := dbtest.Get[int64](t, conn, `SELECT amount_fen FROM claims WHERE state = 'chosen' ORDER BY COALESCE(chosen_at, 'epoch'), merchant_id LIMIT 1`)
	if jumped != 0 || next <= a.Fund.Remaining {
		t.Errorf("approve-run --bulk: %d waiting claims ahead of approved ones; next owes %d with %d left", jumped, next, a.Fund.Remaining)
	}
	checkLedger(t, conn)

	// Pay: a claim whose key pay-run-<merchant> already paid another claim
	// is passed over, counted, and does not stop the run.
	var taken, other int64
	var takenMerchant string
	if err := conn.QueryRow(`
		SELECT c.id, m.merchant_id FROM claims c JOIN merchants m ON m.id = c.merchant_id JOIN funds f ON f.incident_id = c.incident_id
		WHERE c.state = 'approved' AND c.amount_fen <= f.payout_approval_fen ORDER BY c.id LIMIT 1`).Scan(&taken, &takenMerchant); err != nil {
		t.Fatal(err)
	}
	other = dbtest.Get[int64](t, conn, `SELECT c.id FROM claims c JOIN funds f ON f.incident_id = c.incident_id
		WHERE c.state = 'approved' AND c.amount_fen <= f.payout_approval_fen AND c.id <> $1 ORDER BY c.id DESC LIMIT 1`, taken)
	conn.MustExec(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key) SELECT incident_id, id, amount_fen, $2 FROM claims WHERE id = $1`,
		other, "pay-run-"+takenMerchant)
	conn.MustExec(`UPDATE claims SET state = 'paid', paid_at = now() WHERE id = $1`, other)

	within, above := approvedWithin(t, conn)
	paidBefore := dbtest.Get[int64](t, conn, `SELECT paid_fen FROM funds`)
	p := runJSONOf(t, fin, "claims", "pay-run", "--bulk", "--limit", "7")
	if p.Done != 7 || p.Fund.Paid != paidBefore+p.DoneFen {
		t.Fatalf("pay-run --bulk --limit 7: %+v", p)
	}
	p = runJSONOf(t, fin, "claims", "pay-run", "--bulk")
	if p.Done != within-7-1 || p.Changed != 1 || p.AboveThreshold != int64(above) || !strings.Contains(p.Hint, "warroom approvals request payout") {
		t.Fatalf("pay-run --bulk: done %d (want %d), changed %d, above %d (want %d)", p.Done, within-8, p.Changed, p.AboveThreshold, above)
	}
	if w, _ := approvedWithin(t, conn); w != 1 {
		t.Errorf("%d approved claims within the threshold left, want 1 (the one whose key was taken)", w)
	}
	var who []string
	if err := conn.Select(&who, `SELECT DISTINCT created_by FROM payouts WHERE idempotency_key LIKE 'pay-run-%' AND claim_id <> $1
		AND paid_at >= $2`, other, t0); err != nil {
		t.Fatal(err)
	}
	if len(who) != 1 || !strings.HasPrefix(who[0], "cli") {
		t.Errorf("bulk payouts made by %v, want the finance login alone", who)
	}
	checkLedger(t, conn)

	// Nothing left: a second bulk run, and a one-at-a-time run on the same
	// keys, pay nobody again.
	if p2 := runJSONOf(t, fin, "claims", "pay-run", "--bulk"); p2.Done != 0 || p2.Fund != p.Fund {
		t.Errorf("second pay-run --bulk: %+v", p2)
	}
	if p3 := runJSONOf(t, fin, "claims", "pay-run"); p3.Done != 0 || p3.Fund.Paid != p.Fund.Paid {
		t.Errorf("one-at-a-time pay-run after the bulk one: %+v", p3)
	}
	checkLedger(t, conn)
}

// Ctrl-C during a bulk run stops it after the batch in hand: that batch is
// committed whole, no other is started.
func TestBulkPayRunInterrupted(t *testing.T) {
	url, conn := demoDB(t)
	fin := loginURL(t, url, "finance")
	within, _ := approvedWithin(t, conn)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelAtFirstLine{cancel: cancel}
	code, errs := runRunsTo(ctx, fin, w, "claims", "pay-run", "--bulk")
	out := w.buf.String()
	if code != 0 || !strings.Contains(out, "interrupted") || !strings.Contains(out, "paid "+glossary.Count(within)+" claims") {
		t.Fatalf("interrupted bulk run: exit %d\n%s%s", code, out, errs)
	}
	if left, _ := approvedWithin(t, conn); left != 0 {
		t.Errorf("%d claims within the threshold left unpaid: the batch in hand was not finished", left)
	}
	checkLedger(t, conn)
}
