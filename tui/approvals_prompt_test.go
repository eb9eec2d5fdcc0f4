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

// The confirmation line gives up the request's description first, so the
// detail pane must show all of it, wrapped, at 80 columns.
func TestApprovalDetailShowsTheWholeRequestAt80Columns(t *testing.T) {
	conn := demoDB(t)
	source := "wholesale and retail trade net margins, national statistics yearbook 2019, table 14-7, row 3"
	requestAs(t, conn, "alice", access.OpMarginRate, map[string]any{
		"industry": "catering", "percent": "0.2250", "source": source,
	}, "the yearbook's figure")
	m := sideModel(t, conn, Options{Actor: "bob"}, 80, 24)
	m = keys(t, m, "5", "a")
	s := screen(m)
	checkFrame(t, s, 80, 24)
	flat := strings.Join(strings.Fields(s), " ")
	if want := "(source: " + source + ")"; !strings.Contains(flat, want) {
		t.Fatalf("the request's description is cut; want %q on screen:\n%s", want, s)
	}
}
