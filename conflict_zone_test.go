package main

import (
	"strings"
	"testing"

	"warroom/db/dbtest"
)

// A conflict names when the other change was made in the incident's zone,
// as every other time the CLI prints, not in the database's UTC.
func TestConflictTimeInIncidentZone(t *testing.T) {
	url, conn := demoDB(t)
	m := dbtest.Get[string](t, conn, `SELECT m.merchant_id FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE c.state = 'computed' ORDER BY m.merchant_id LIMIT 1`)
	if code, _, errs := cli(t, url, "claims", "choose", m, "cash"); code != 0 {
		t.Fatalf("first choice: exit %d %s", code, errs)
	}
	code, _, errs := cli(t, url, "claims", "choose", m, "cash")
	if code != exitConflict || !strings.Contains(errs, "already chose cash at ") || !strings.Contains(errs, " CST") || strings.Contains(errs, "UTC") {
		t.Fatalf("second choice: exit %d %q (want a conflict timed in CST, the demo incident's zone)", code, errs)
	}
}
