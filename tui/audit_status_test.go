package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"warroom/db"
)

// firstLine of the audit view's body: its status line.
func auditStatus(m Model) string {
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, "chain intact") || strings.Contains(l, "Audit trail") {
			return l
		}
	}
	return ""
}

// A verification is of the chain as it was: rows chained after it are
// said to be unverified, and the scope `i` picked stays in view.
func TestAuditVerificationGoesStaleAndScopeStays(t *testing.T) {
	conn := demoDB(t)
	m := sideModel(t, conn, Options{}, 120, 40)
	m = pressSettle(t, m, "6", "v")
	n := chainLen(t, conn)
	line := auditStatus(m)
	if !strings.Contains(line, fmt.Sprintf("chain intact (%d rows)", n)) || strings.Contains(line, "not verified") {
		t.Fatalf("fresh verification: %q", line)
	}
	if !strings.Contains(line, "all incidents") {
		t.Fatalf("the scope is not shown beside the outcome: %q", line)
	}

	addNote(t, conn, "dana", "after the verification")
	nm, cmd := m.Update(liveMsg(db.Event{Changes: []db.Change{{Table: "timeline_entries", Op: "I", Incident: m.snap.Incident.ID, At: time.Now()}}}))
	m = settle(t, nm.(Model), cmd)
	line = auditStatus(m)
	if !strings.Contains(line, "1 newer row since, not verified") {
		t.Fatalf("the chain grew but the line still reads as current: %q", line)
	}

	m = pressSettle(t, m, "i")
	if line = auditStatus(m); !strings.Contains(line, "this incident") {
		t.Fatalf("after i the status line should say which scope: %q", line)
	}
	m = pressSettle(t, m, "v")
	if line = auditStatus(m); !strings.Contains(line, fmt.Sprintf("chain intact (%d rows)", n+1)) || strings.Contains(line, "not verified") {
		t.Fatalf("verifying again: %q", line)
	}
}
