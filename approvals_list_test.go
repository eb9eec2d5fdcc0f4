package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"warroom/db/dbtest"
	"warroom/demo"
)

// An empty queue says so; decided requests show no expiry.
func TestApprovalsListWords(t *testing.T) {
	url, conn := demoDB(t)
	code, out, errs := cli(t, url, "approvals", "list")
	if code != 0 || strings.TrimSpace(out) != "No pending approval requests: nothing waits for a second authorisation." {
		t.Fatalf("empty queue: exit %d %q %q", code, out, errs)
	}
	// The demo's 1,030 decided payout requests: none with an expiry.
	code, out, _ = cli(t, url, "approvals", "list", "--all", "--incident="+demo.Slug())
	if code != 0 {
		t.Fatalf("list --all: exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 || !strings.HasSuffix(strings.TrimRight(lines[0], " "), "EXPIRES IN") {
		t.Fatalf("list --all:\n%s", out)
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "approved") && (strings.HasSuffix(strings.TrimRight(l, " "), "m0s") || strings.Contains(l, "h0m")) {
			t.Fatalf("a decided request shows an expiry: %q", l)
		}
	}

	// A request reads as what it asks, not as its JSON; --json keeps it.
	entry := dbtest.Get[int64](t, conn, `SELECT min(id) FROM timeline_entries`)
	title := dbtest.Get[string](t, conn, `SELECT title FROM timeline_entries WHERE id = $1`, entry)
	if code, o, e := cli(t, loginURL(t, url, "engineer"), "approvals", "request", "void_entry", "--payload",
		`{"entry_id": `+strconv.FormatInt(entry, 10)+`}`, "--reason", "duplicate", "--incident="+demo.Slug()); code != 0 {
		t.Fatalf("request: exit %d %s%s", code, o, e)
	}
	code, out, _ = cli(t, url, "approvals", "list")
	want := "timeline entry " + strconv.FormatInt(entry, 10) + ": " + title
	if code != 0 || !strings.Contains(out, want) || strings.ContainsAny(out, "{}") || strings.Contains(out, "entry_id") {
		t.Fatalf("list: exit %d, want %q and no JSON:\n%s", code, want, out)
	}
	// Its expiry in the war room's words ("23h 59m"), not Go's "24h0m0s".
	if !regexp.MustCompile(`\b2[34]h \d+m\b`).MatchString(out) || strings.Contains(out, "0m0s") {
		t.Fatalf("list: the expiry should read like 23h 59m:\n%s", out)
	}
	code, out, _ = cli(t, url, "approvals", "list", "--json")
	if code != 0 || !strings.Contains(out, `"entry_id"`) {
		t.Fatalf("list --json keeps the payload: exit %d\n%s", code, out)
	}
}
