package main

import (
	"strings"
	"testing"

	"warroom/demo"
)

// An empty queue says so; decided requests show no expiry.
func TestApprovalsListWords(t *testing.T) {
	url, _ := demoDB(t)
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
}
