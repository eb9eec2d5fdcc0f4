package main

import (
	"encoding/json"
	"strings"
	"testing"

	"warroom/db/dbtest"
	"warroom/demo"
)

// Money received from the CLI on the demo fund, as its people would run
// it: finance records a transfer (engineer, viewer and commander are
// refused by the database); a retried command is reported, not counted
// twice; the same reference with another amount is refused; bad input
// writes nothing. fund and fund --json show it, the cash on hand, and the
// source's facts (pledge notes, the in-kind plan, its assumed value).
func TestFundReceive(t *testing.T) {
	dbURL, conn := demoDB(t)
	fin := loginURL(t, dbURL, "finance")
	run := func(who string, want int, args ...string) string {
		t.Helper()
		code, out, errs := cli(t, who, args...)
		if code != want {
			t.Fatalf("%v: exit %d (want %d)\n%s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	inc := dbtest.Get[int64](t, conn, `SELECT id FROM incidents WHERE slug = $1`, demo.Slug())
	rows := func() int {
		return dbtest.Get[int](t, conn, `SELECT count(*) FROM contributions r JOIN contributors c ON c.id = r.contributor_id
			WHERE c.incident_id = $1`, inc)
	}
	before := rows()
	receive := []string{"fund", "receive", "the company", "40000000", "--at", "2020-04-20 10:00", "--reference", "treasury transfer 3/3"}
	for _, role := range []string{"engineer", "viewer", "commander"} {
		if out := run(loginURL(t, dbURL, role), exitError, receive...); !strings.Contains(out, "your login's role does not cover receipts (table contributions)") {
			t.Fatalf("%s recording money received: %s", role, out)
		}
	}
	out := run(fin, 0, receive...)
	if !strings.Contains(out, "received 40,000,000.00 from The company at 2020-04-20 10:00 (reference treasury transfer 3/3") ||
		!strings.Contains(out, "The company has now sent 100,000,000.00") {
		t.Fatalf("receive: %s", out)
	}
	if out := run(fin, 0, receive...); !strings.Contains(out, "already recorded, nothing added") {
		t.Fatalf("receive again: %s", out)
	}
	other := append([]string{}, receive...)
	other[3] = "1"
	if out := run(fin, exitInvalid, other...); !strings.Contains(out, `"treasury transfer 3/3" from The company is already recorded as 40,000,000.00`) {
		t.Fatalf("same reference, other amount: %s", out)
	}
	for _, bad := range [][]string{
		{"fund", "receive", "the company", "0", "--at", "2020-04-20 10:00", "--reference", "r"},
		{"fund", "receive", "the company", "abc", "--at", "2020-04-20 10:00", "--reference", "r"},
		{"fund", "receive", "nobody", "5", "--at", "2020-04-20 10:00", "--reference", "r"},
		{"fund", "receive", "the company", "5", "--at", "2999-01-01 10:00", "--reference", "r"},
	} {
		code, out, errs := cli(t, fin, bad...)
		if code == 0 {
			t.Fatalf("%v accepted: %s", bad, out)
		}
		if !strings.Contains(errs, "AMOUNT") && !strings.Contains(errs, "CONTRIBUTOR") && !strings.Contains(errs, "--at") {
			t.Fatalf("%v: the error names no field: %s", bad, errs)
		}
	}
	if code, _, errs := cli(t, fin, "fund", "receive", "the company", "5", "--at", "2020-04-20 10:00"); code != exitUsage ||
		!strings.Contains(errs, "--reference") {
		t.Fatalf("no reference: exit %d %s", code, errs)
	}
	if n := rows(); n != before+1 {
		t.Fatalf("%d transfers, want %d", n, before+1)
	}
	dbtest.CheckLedger(t, conn, inc)

	var f struct {
		ReceivedFen int64  `json:"received_fen"`
		PaidFen     int64  `json:"paid_fen"`
		Committed   int64  `json:"committed_fen"`
		CashOnHand  *int64 `json:"cash_on_hand_fen"`
		Short       bool   `json:"committed_exceeds_cash_on_hand"`
		Plan        string `json:"inkind_plan"`
		Assumed     bool   `json:"inkind_value_assumed"`
		Contribs    []struct {
			Name string `json:"name"`
			Note string `json:"pledge_note"`
		} `json:"contributors"`
	}
	if err := json.Unmarshal([]byte(run(fin, 0, "fund", "--json")), &f); err != nil {
		t.Fatal(err)
	}
	if f.ReceivedFen != 15_000_000_000 || f.CashOnHand == nil || *f.CashOnHand != f.ReceivedFen-f.PaidFen ||
		f.Short != (f.Committed > *f.CashOnHand) || !f.Assumed || !strings.Contains(f.Plan, "50,000 ad impressions") {
		t.Fatalf("fund --json: %+v", f)
	}
	if f.Contribs[0].Note != "" || f.Contribs[1].Note != "more than 35,000,000 (the statement's minimum)" {
		t.Fatalf("pledge notes: %+v", f.Contribs)
	}
	out = run(fin, 0, "fund")
	for _, want := range []string{"cash on hand", "more than 35,000,000", "each claim on the in kind plan costs 12,000.00 (an assumption: no source valued the plan)",
		"the in kind plan: 50,000 ad impressions across WeChat Moments, Official Accounts and Mini Programs",
		"two extra months of the SaaS subscription"} {
		if !strings.Contains(out, want) {
			t.Fatalf("fund lacks %q:\n%s", want, out)
		}
	}
	// The statement's time is not known exactly.
	if out := run(fin, 0, "timeline"); !strings.Contains(out, "2020-03-01 ~22:00") {
		t.Fatalf("timeline does not mark the statement's time approximate:\n%s", out)
	}
}
