package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
)

// loginURL creates a login with role on the database at dbURL (added by the
// superuser, so the role is granted at once) and returns its URL. Roles are
// cluster-wide: the name is random and dropped when the test ends.
func loginURL(t *testing.T, dbURL, role string) string {
	t.Helper()
	ctx := context.Background()
	admin := dbtest.Open(t, dbURL)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "cli" + hex.EncodeToString(b) + "_" + role
	pw, req, err := access.AddUser(ctx, admin, name, role)
	if err != nil || req != 0 {
		t.Fatalf("add %s: %v (request %d)", name, err, req)
	}
	t.Cleanup(func() {
		a, err := db.Open(ctx, dbURL)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(ctx, `DROP OWNED BY `+name)
		a.ExecContext(ctx, `DROP ROLE IF EXISTS `+name)
	})
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(name, pw)
	return u.String()
}

// A payout above the threshold and a change of an existing margin rate are
// not done directly: the CLI files them for approval (exit 7); the
// requester cannot approve, a commander can, and an approved rate
// recomputes its industry's open claims.
func TestHighRiskWritesAreFiledForApproval(t *testing.T) {
	url, conn := demoDB(t)
	fin := loginURL(t, url, "finance")
	boss := loginURL(t, url, "commander")

	// An approved demo claim above the 10,000.00 threshold.
	var merchant string
	var owed int64
	err := conn.QueryRow(`SELECT m.merchant_id, c.amount_fen - c.paid_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id
		JOIN funds f ON f.incident_id = c.incident_id
		WHERE c.state = 'approved' AND c.amount_fen - c.paid_fen > f.payout_approval_fen LIMIT 1`).Scan(&merchant, &owed)
	if err != nil {
		t.Fatalf("no approved demo claim above the threshold: %v", err)
	}
	payouts := func() int { return dbtest.Get[int](t, conn, `SELECT count(*) FROM payouts`) }
	before := payouts()
	code, out, errs := cli(t, fin, "claims", "pay", merchant, "--key", "big-1")
	if code != exitPendingApproval || !strings.Contains(out, "filed approval request") {
		t.Fatalf("pay above threshold: exit %d\n%s%s", code, out, errs)
	}
	if payouts() != before {
		t.Fatal("a payout above the threshold was made without approval")
	}
	var id int64
	if err := conn.Get(&id, `SELECT id FROM approvals WHERE op = 'payout' AND state = 'pending'`); err != nil {
		t.Fatal(err)
	}
	idArg := strconv.FormatInt(id, 10)
	if code, _, errs := cli(t, fin, "approvals", "approve", idArg); code == 0 || !strings.Contains(errs, "different person") {
		t.Fatalf("self-approval: exit %d %s", code, errs)
	}
	if code, _, errs := cli(t, boss, "approvals", "approve", idArg); code != 0 {
		t.Fatalf("commander approval: exit %d %s", code, errs)
	}
	paid := dbtest.Get[int64](t, conn, `SELECT COALESCE(sum(amount_fen), 0) FROM payouts WHERE idempotency_key = 'big-1'`)
	if paid != owed || payouts() != before+1 {
		t.Fatalf("after approval: paid %d under the key, want %d", paid, owed)
	}

	// A rate change of an industry that already has a rate.
	industry := dbtest.Get[string](t, conn, `SELECT COALESCE((SELECT industry FROM current_margin_rates LIMIT 1), '')`)
	if industry == "" {
		// The demo may carry no rates: give one industry its first rate (no approval needed).
		industry = "catering"
		if code, _, errs := cli(t, fin, "margins", "set", industry, "20", "--source", "first"); code != 0 {
			t.Fatalf("first rate: exit %d %s", code, errs)
		}
	}
	code, out, errs = cli(t, fin, "margins", "set", industry, "31.5", "--source", "revised table")
	if code != exitPendingApproval || !strings.Contains(out, "(margin rate)") {
		t.Fatalf("rate change: exit %d\n%s%s", code, out, errs)
	}
	id = dbtest.Get[int64](t, conn, `SELECT id FROM approvals WHERE op = 'margin_rate' AND state = 'pending'`)
	if code, _, errs := cli(t, boss, "approvals", "approve", strconv.FormatInt(id, 10)); code != 0 {
		t.Fatalf("approve rate: exit %d %s", code, errs)
	}
	stale := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE m.industry = $1 AND c.state IN ('computed', 'chosen') AND c.margin_percent <> 31.5`, industry)
	fresh := dbtest.Get[int](t, conn, `SELECT count(*) FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE m.industry = $1 AND c.state IN ('computed', 'chosen') AND c.margin_percent = 31.5`, industry)
	if stale != 0 || fresh == 0 {
		t.Fatalf("%d open %s claims kept the old rate after the approved change (%d have the new one)", stale, industry, fresh)
	}
}
