package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
	"warroom/internal/cli/cmdutil"
	"warroom/internal/cli/root"
)

// runRuns runs one command line like run() does, with --db url.
func runRuns(ctx context.Context, url string, args ...string) (code int, stdout, stderr string) {
	var out bytes.Buffer
	code, stderr = runRunsTo(ctx, url, &out, args...)
	return code, out.String(), stderr
}

// runRunsTo is runRuns writing standard output to out as the command runs.
func runRunsTo(ctx context.Context, url string, out io.Writer, args ...string) (code int, stderr string) {
	var errb bytes.Buffer
	f := &cmdutil.Factory{Out: out, ErrOut: &errb}
	code = root.Execute(ctx, f, append(args, "--db", url))
	return code, errb.String()
}

// cancelAtFirstLine is a stdout that cancels the run's context when the
// first line is written: Ctrl-C pressed just as the first claim is shown,
// at the same point on every machine however slow.
type cancelAtFirstLine struct {
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelAtFirstLine) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	if bytes.IndexByte(p, '\n') >= 0 {
		w.cancel()
	}
	return n, err
}

func mustRun(t *testing.T, url string, args ...string) string {
	t.Helper()
	code, out, errs := runRuns(context.Background(), url, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
	}
	return out
}

type runJSON struct {
	Done              int    `json:"done"`
	DoneFen           int64  `json:"done_fen"`
	Repeated          int    `json:"already_paid"`
	Changed           int    `json:"changed_meanwhile"`
	Interrupted       bool   `json:"interrupted"`
	Stopped           string `json:"stopped"`
	AboveThreshold    int64  `json:"above_threshold"`
	AboveThresholdFen int64  `json:"above_threshold_fen"`
	Hint              string `json:"above_threshold_hint"`
	Steps             []struct {
		Merchant string `json:"merchant_id"`
		Fen      int64  `json:"amount_fen"`
		Key      string `json:"idempotency_key"`
		Outcome  string `json:"outcome"`
	} `json:"steps"`
	Fund struct {
		Pledged   int64 `json:"pledged_fen"`
		Committed int64 `json:"committed_fen"`
		Paid      int64 `json:"paid_fen"`
		Remaining int64 `json:"remaining_fen"`
		Threshold int64 `json:"payout_approval_fen"`
	} `json:"fund"`
}

func runJSONOf(t *testing.T, url string, args ...string) runJSON {
	t.Helper()
	var r runJSON
	out := mustRun(t, url, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return r
}

// checkLedger: every fund's counters, kept by triggers, agree with the
// claims and the append-only ledger (dbtest.CheckLedger), and a run paid
// no claim twice.
func checkLedger(t *testing.T, conn *sqlx.DB) {
	t.Helper()
	var incidents []int64
	if err := conn.Select(&incidents, `SELECT incident_id FROM funds ORDER BY incident_id`); err != nil {
		t.Fatal(err)
	}
	for _, inc := range incidents {
		dbtest.CheckLedger(t, conn, inc)
	}
	var bad []string
	err := conn.Select(&bad, `
		SELECT 'claim ' || c.id FROM claims c
		WHERE (SELECT count(*) FROM payouts p WHERE p.claim_id = c.id) > 1
		   OR (c.state = 'paid') <> (c.paid_fen > 0)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("claims paid twice, or paid_fen and state disagree: %v", bad)
	}
}

// approvedWithin counts the approved claims a pay-run may pay (owing at
// most the threshold) and those it must leave for a second authorisation.
func approvedWithin(t *testing.T, conn *sqlx.DB) (within, above int) {
	t.Helper()
	err := conn.QueryRow(`
		SELECT count(*) FILTER (WHERE c.amount_fen - c.paid_fen <= f.payout_approval_fen),
		       count(*) FILTER (WHERE c.amount_fen - c.paid_fen > f.payout_approval_fen)
		FROM claims c JOIN funds f ON f.incident_id = c.incident_id WHERE c.state = 'approved'`).Scan(&within, &above)
	if err != nil {
		t.Fatal(err)
	}
	return within, above
}

func TestPayRunPaysEachClaimOnce(t *testing.T) {
	url, conn := demoDB(t)
	within, above := approvedWithin(t, conn)
	if within < 10 || above == 0 {
		t.Fatalf("demo has %d approved claims within the threshold and %d above: want both", within, above)
	}
	var paidBefore int64
	if err := conn.Get(&paidBefore, `SELECT paid_fen FROM funds`); err != nil {
		t.Fatal(err)
	}

	r := runJSONOf(t, url, "claims", "pay-run", "--limit", "5")
	if r.Done != 5 || len(r.Steps) != 5 || r.Fund.Paid != paidBefore+r.DoneFen || r.AboveThreshold != int64(above) {
		t.Fatalf("first run: %+v", r)
	}
	for _, s := range r.Steps {
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM payouts p JOIN claims c ON c.id = p.claim_id JOIN merchants m ON m.id = c.merchant_id
			WHERE m.merchant_id = $1 AND p.idempotency_key = $2 AND p.amount_fen = $3 AND c.state = 'paid'`, s.Merchant, s.Key, s.Fen); err != nil {
			t.Fatal(err)
		}
		if n != 1 || s.Key != "pay-run-"+s.Merchant || s.Outcome != "paid" || s.Fen <= 0 || s.Fen > r.Fund.Threshold {
			t.Errorf("step %+v: %d payouts", s, n)
		}
	}
	checkLedger(t, conn)

	// The rest, then once more: the second run has nothing left to pay.
	r2 := runJSONOf(t, url, "claims", "pay-run")
	if r2.Done != within-5 || r2.Changed != 0 || r2.Fund.Paid != r.Fund.Paid+r2.DoneFen {
		t.Fatalf("second run: done %d (want %d), %+v", r2.Done, within-5, r2.Fund)
	}
	r3 := runJSONOf(t, url, "claims", "pay-run")
	if r3.Done != 0 || r3.DoneFen != 0 || r3.Fund != r2.Fund || r3.AboveThreshold != int64(above) ||
		!strings.Contains(r3.Hint, "warroom approvals request payout") || !strings.Contains(r3.Hint, `"idempotency_key":"pay-run-`) {
		t.Fatalf("third run: %+v", r3)
	}
	var runPayouts int
	if err := conn.Get(&runPayouts, `SELECT count(*) FROM payouts WHERE idempotency_key LIKE 'pay-run-%'`); err != nil {
		t.Fatal(err)
	}
	if runPayouts != within {
		t.Errorf("%d pay-run payouts, want %d", runPayouts, within)
	}
	if w, a := approvedWithin(t, conn); w != 0 || a != above {
		t.Errorf("after the runs: %d approved within the threshold, %d above", w, a)
	}
	checkLedger(t, conn)
}

// Two runs at once meet on the same keys and claim locks: every claim is
// paid once, by one of them.
func TestPayRunsAtOnceNeverPayTwice(t *testing.T) {
	url, conn := demoDB(t)
	within, _ := approvedWithin(t, conn)
	var wg sync.WaitGroup
	var res [2]runJSON
	var codes [2]int
	var outs [2]string
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], outs[i], _ = runRuns(context.Background(), url, "claims", "pay-run", "--json")
		}()
	}
	wg.Wait()
	for i := range 2 {
		if codes[i] != 0 {
			t.Fatalf("run %d: exit %d %s", i, codes[i], outs[i])
		}
		if err := json.Unmarshal([]byte(outs[i]), &res[i]); err != nil {
			t.Fatal(err)
		}
	}
	if got := res[0].Done + res[1].Done; got != within {
		t.Errorf("the two runs paid %d + %d claims, want %d in all (repeats %d, %d; changed %d, %d)",
			res[0].Done, res[1].Done, within, res[0].Repeated, res[1].Repeated, res[0].Changed, res[1].Changed)
	}
	checkLedger(t, conn)
}

func TestPayRunProgressAndInterrupt(t *testing.T) {
	url, conn := demoDB(t)
	// Paced, as someone watching the Fund view would run it.
	out := mustRun(t, url, "claims", "pay-run", "--limit", "3", "--every", "1ms")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 5 || !strings.HasPrefix(lines[0], "1/3    M") || !strings.Contains(lines[0], "key pay-run-M") ||
		!strings.Contains(lines[0], "| fund paid ") {
		t.Fatalf("progress:\n%s", out)
	}
	for _, want := range []string{"pay-run: paid 3 claims", "payout threshold", "warroom approvals request payout", "fund: paid "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Ctrl-C (the context main cancels on SIGINT) stops after the claim in
	// hand: cancelled while the first claim's line is written, the run pays
	// that claim and no other.
	before := dbtest.Get[int](t, conn, `SELECT count(*) FROM payouts`)
	withinBefore, _ := approvedWithin(t, conn)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelAtFirstLine{cancel: cancel}
	code, errs := runRunsTo(ctx, url, w, "claims", "pay-run")
	out = w.buf.String()
	if code != 0 || !strings.Contains(out, "interrupted") || !strings.Contains(out, "pay-run: paid 1 claim,") {
		t.Fatalf("interrupted run: exit %d\n%s%s", code, out, errs)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM payouts`) - before; n != 1 {
		t.Errorf("interrupted run made %d payouts, want 1:\n%s", n, out)
	}
	if within, _ := approvedWithin(t, conn); within != withinBefore-1 || within == 0 {
		t.Errorf("after the interrupted run %d claims within the threshold are left, want %d", within, withinBefore-1)
	}
	checkLedger(t, conn)
}

// approve-run approves until the database refuses the next approval.
func TestApproveRunStopsWhenTheFundCannotCover(t *testing.T) {
	url, conn := demoDB(t)
	var amounts []int64
	if err := conn.Select(&amounts, `
		SELECT c.amount_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE c.state = 'chosen' ORDER BY c.chosen_at, m.merchant_id LIMIT 6`); err != nil {
		t.Fatal(err)
	}
	if len(amounts) < 6 {
		t.Fatalf("%d chosen claims", len(amounts))
	}
	// Leave room for exactly the first five and half the sixth.
	room := amounts[0] + amounts[1] + amounts[2] + amounts[3] + amounts[4] + amounts[5]/2
	// (A large claim approved elsewhere takes up the rest.)
	if _, err := conn.Exec(`
		WITH m AS (INSERT INTO merchants (incident_id, merchant_id, name, industry)
		           SELECT incident_id, 'BIG', 'Large claim', 'catering' FROM funds RETURNING id, incident_id)
		INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen, cash_fen, chosen_at, approved_at)
		SELECT m.incident_id, m.id, 'cash', 'approved', f.pledged_fen - f.committed_fen - f.paid_fen - $1,
		       f.pledged_fen - f.committed_fen - f.paid_fen - $1, now(), now()
		FROM m JOIN funds f ON f.incident_id = m.incident_id`, room); err != nil {
		t.Fatal(err)
	}
	r := runJSONOf(t, url, "claims", "approve-run")
	if r.Done != 5 || !strings.Contains(r.Stopped, "the fund cannot cover") || r.Fund.Remaining != amounts[5]/2 {
		t.Fatalf("approve-run: %+v", r)
	}
	checkLedger(t, conn)

	// The human form says so too, and a second run stops at the same claim.
	out := mustRun(t, url, "claims", "approve-run")
	if !strings.Contains(out, "approve-run: approved 0 claims") || !strings.Contains(out, "stopped: the fund cannot cover") {
		t.Fatalf("second approve-run:\n%s", out)
	}
}

// choose-run, approve-run and pay-run: the walkthrough's bulk steps.
func TestChooseApprovePayRuns(t *testing.T) {
	url, conn := demoDB(t)
	if code, _, errs := runRuns(context.Background(), url, "claims", "choose-run", "--plan", "gift"); code != exitInvalid {
		t.Fatalf("bad plan: exit %d %s", code, errs)
	}
	if code, _, _ := runRuns(context.Background(), url, "claims", "pay-run", "--limit", "-1"); code != exitInvalid {
		t.Fatalf("negative limit: exit %d", code)
	}
	var computed int
	if err := conn.Get(&computed, `SELECT count(*) FROM claims WHERE state = 'computed'`); err != nil {
		t.Fatal(err)
	}
	c := runJSONOf(t, url, "claims", "choose-run", "--plan", "cash", "--limit", "4")
	if c.Done != 4 {
		t.Fatalf("choose-run: %+v", c)
	}
	for i, s := range c.Steps {
		var cash, amount int64
		var plan string
		if err := conn.QueryRow(`SELECT c.cash_fen, c.amount_fen, c.plan FROM claims c JOIN merchants m ON m.id = c.merchant_id
			WHERE m.merchant_id = $1 AND c.state = 'chosen'`, s.Merchant).Scan(&cash, &amount, &plan); err != nil {
			t.Fatal(err)
		}
		if plan != "cash" || amount != cash || s.Fen != cash || (i > 0 && s.Merchant <= c.Steps[i-1].Merchant) {
			t.Errorf("%s: plan %s amount %d cash %d, step %+v", s.Merchant, plan, amount, cash, s)
		}
	}
	var left int
	if err := conn.Get(&left, `SELECT count(*) FROM claims WHERE state = 'computed'`); err != nil {
		t.Fatal(err)
	}
	if left != computed-4 {
		t.Errorf("%d computed claims left, want %d", left, computed-4)
	}
	a := runJSONOf(t, url, "claims", "approve-run", "--limit", "4")
	if a.Done != 4 || a.Stopped != "" {
		t.Fatalf("approve-run: %+v", a)
	}
	checkLedger(t, conn)
}
