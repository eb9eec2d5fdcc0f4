package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
	"warroom/demo"
)

// The CLI's money paths that change a claim or a pledge without a payout:
// claims reject, claims inkind-value, and a pledge change through
// approvals. Each is followed by the ledger check on the demo incident.
func TestClaimsRejectInKindAndPledgeCommands(t *testing.T) {
	url, conn := demoDB(t)
	inc := dbtest.Get[int64](t, conn, `SELECT id FROM incidents WHERE slug = $1`, demo.Slug())
	run := func(dbURL string, want int, args ...string) string {
		t.Helper()
		code, out, errs := cli(t, dbURL, append(args, "--incident="+demo.Slug())...)
		if code != want {
			t.Fatalf("%v: exit %d (want %d)\n%s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	merchantIn := func(state string) string {
		return dbtest.Get[string](t, conn, `SELECT m.merchant_id FROM claims c JOIN merchants m ON m.id = c.merchant_id
			WHERE c.incident_id = $1 AND c.state = $2 ORDER BY m.merchant_id LIMIT 1`, inc, state)
	}
	stateOf := func(merchant string) string {
		return dbtest.Get[string](t, conn, `SELECT c.state FROM claims c JOIN merchants m ON m.id = c.merchant_id
			WHERE c.incident_id = $1 AND m.merchant_id = $2`, inc, merchant)
	}
	before := dbtest.CheckLedger(t, conn, inc)

	// claims reject: a computed claim closes; an approved one is refused.
	computed, approved := merchantIn("computed"), merchantIn("approved")
	if out := run(url, 0, "claims", "reject", computed); !strings.Contains(out, computed+" rejected") {
		t.Fatalf("reject: %s", out)
	}
	if s := stateOf(computed); s != "rejected" {
		t.Fatalf("%s is %s after claims reject", computed, s)
	}
	if out := run(url, exitInvalid, "claims", "reject", approved); !strings.Contains(out, "is approved") {
		t.Fatalf("rejecting an approved claim: %s", out)
	}
	if s := stateOf(approved); s != "approved" {
		t.Fatalf("%s is %s after a refused rejection", approved, s)
	}
	if l := dbtest.CheckLedger(t, conn, inc); l != before {
		t.Fatalf("rejections moved the fund: %+v, was %+v", l, before)
	}

	// claims inkind-value: chosen traffic claims take the new value,
	// approved ones keep theirs.
	type traffic struct {
		Chosen, ChosenAtNew int
		ApprovedFen         int64
	}
	trafficNow := func(fen int64) traffic {
		var tr traffic
		if err := sqlx.Get(conn, &tr, `SELECT
			count(*) FILTER (WHERE state = 'chosen') AS chosen,
			count(*) FILTER (WHERE state = 'chosen' AND amount_fen = $2) AS chosenatnew,
			COALESCE(sum(amount_fen) FILTER (WHERE state = 'approved'), 0)::bigint AS approvedfen
			FROM claims WHERE incident_id = $1 AND plan = 'traffic'`, inc, fen); err != nil {
			t.Fatal(err)
		}
		return tr
	}
	const newValue = 800000
	tr0 := trafficNow(newValue)
	if tr0.Chosen == 0 || tr0.ChosenAtNew != 0 || tr0.ApprovedFen == 0 {
		t.Fatalf("the demo should have chosen and approved traffic claims not at %d: %+v", newValue, tr0)
	}
	out := run(url, 0, "claims", "inkind-value", "8000")
	if want := fmt.Sprintf("in kind plan valued at 8,000.00; %d claims that chose it updated", tr0.Chosen); !strings.Contains(out, want) {
		t.Fatalf("inkind-value: %s, want %q", out, want)
	}
	if tr := trafficNow(newValue); tr.ChosenAtNew != tr0.Chosen || tr.ApprovedFen != tr0.ApprovedFen {
		t.Fatalf("after inkind-value: %+v, was %+v", tr, tr0)
	}
	if v := dbtest.Get[int64](t, conn, `SELECT inkind_value_fen FROM funds WHERE incident_id = $1`, inc); v != newValue {
		t.Fatalf("fund's in-kind value %d", v)
	}
	run(url, exitInvalid, "claims", "inkind-value", "lots")
	if l := dbtest.CheckLedger(t, conn, inc); l != before {
		t.Fatalf("repricing chosen claims moved the fund: %+v, was %+v", l, before)
	}

	// A pledge raised through approvals: finance requests, a commander approves.
	fin, boss := loginURL(t, url, "finance"), loginURL(t, url, "commander")
	var co struct {
		ID      int64 `db:"id"`
		Pledged int64 `db:"pledged_fen"`
	}
	if err := conn.Get(&co, `SELECT id, pledged_fen FROM contributors WHERE incident_id = $1 ORDER BY position LIMIT 1`, inc); err != nil {
		t.Fatal(err)
	}
	payload := fmt.Sprintf(`{"contributor_id": %d, "pledged_fen": %d}`, co.ID, co.Pledged+100)
	run(fin, 0, "approvals", "request", "contribution", "--payload", payload, "--reason", "pledge raised by letter")
	id := dbtest.Get[int64](t, conn, `SELECT id FROM approvals WHERE op = 'contribution' AND state = 'pending'`)
	if out := run(fin, exitError, "approvals", "approve", strconv.FormatInt(id, 10)); !strings.Contains(out, "different person") {
		t.Fatalf("finance approving its own pledge change: %s", out)
	}
	run(boss, 0, "approvals", "approve", strconv.FormatInt(id, 10))
	l := dbtest.CheckLedger(t, conn, inc)
	if l.Pledged != before.Pledged+100 {
		t.Fatalf("fund pledged %d after the approved change, want %d", l.Pledged, before.Pledged+100)
	}

	// claims inkind-value by a login: filed for approval (exit 7), nothing
	// repriced until a second person approves.
	out = run(fin, exitPendingApproval, "claims", "inkind-value", "9000")
	if !strings.Contains(out, "filed approval request") || !strings.Contains(out, "(in-kind value)") {
		t.Fatalf("inkind-value by finance: %s", out)
	}
	if tr := trafficNow(900000); tr.ChosenAtNew != 0 {
		t.Fatalf("repriced before approval: %+v", tr)
	}
	id = dbtest.Get[int64](t, conn, `SELECT id FROM approvals WHERE op = 'inkind_value' AND state = 'pending'`)
	run(boss, 0, "approvals", "approve", strconv.FormatInt(id, 10))
	if tr := trafficNow(900000); tr.ChosenAtNew != tr0.Chosen || tr.ApprovedFen != tr0.ApprovedFen {
		t.Fatalf("after the approved in-kind value: %+v, was %+v", tr, tr0)
	}
	if l2 := dbtest.CheckLedger(t, conn, inc); l2 != l {
		t.Fatalf("repricing chosen claims moved the fund: %+v, was %+v", l2, l)
	}
}
