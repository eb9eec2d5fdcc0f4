package tui

import (
	"fmt"
	"strings"
	"testing"

	"warroom/access"
)

// At the smallest size the console supports, a long request must not push
// the key to press off the confirmation line.
func TestApproveConfirmationKeepsItsKeysAt80Columns(t *testing.T) {
	conn := demoDB(t)
	var claim int64
	if err := conn.Get(&claim, `SELECT id FROM claims WHERE state = 'approved' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	id := requestAs(t, conn, "alice", access.OpPayout, map[string]any{
		"claim_id": claim, "amount_fen": 1925061,
		"idempotency_key": "pay-run-" + strings.Repeat("M0000161-", 6),
	}, "pay-run: owes 19,250.61")
	m := sideModel(t, conn, Options{Actor: "bob"}, 80, 24)
	m = keys(t, m, "5", "a")
	s := screen(m)
	checkFrame(t, s, 80, 24)
	var line string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, fmt.Sprintf("Approve #%d payout", id)) {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no confirmation line:\n%s", s)
	}
	for _, want := range []string{"and carry it out?", "y approves · any other key cancels"} {
		if !strings.Contains(line, want) {
			t.Errorf("confirmation line cut before %q: %q", want, line)
		}
	}
}
