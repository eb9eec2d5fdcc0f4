package main

import (
	"strconv"
	"strings"
	"testing"

	"warroom/db/dbtest"
	"warroom/demo"
)

// Two approvers on one request: the second learns someone decided it
// first, as a conflict (exit 4), with nothing done twice.
func TestSecondApproverGetsAConflict(t *testing.T) {
	url, conn := demoDB(t)
	fin, boss, boss2 := loginURL(t, url, "finance"), loginURL(t, url, "commander"), loginURL(t, url, "commander")
	inc := dbtest.Get[int64](t, conn, `SELECT id FROM incidents WHERE slug = $1`, demo.Slug())
	co := dbtest.Get[int64](t, conn, `SELECT id FROM contributors WHERE incident_id = $1 ORDER BY position LIMIT 1`, inc)
	pledged := dbtest.Get[int64](t, conn, `SELECT pledged_fen FROM contributors WHERE id = $1`, co)
	payload := `{"contributor_id": ` + strconv.FormatInt(co, 10) + `, "pledged_fen": ` + strconv.FormatInt(pledged+1, 10) + `}`
	if code, out, errs := cli(t, fin, "approvals", "request", "contribution", "--payload", payload, "--reason", "r", "--incident="+demo.Slug()); code != 0 {
		t.Fatalf("request: exit %d %s%s", code, out, errs)
	}
	id := strconv.FormatInt(dbtest.Get[int64](t, conn, `SELECT max(id) FROM approvals WHERE op = 'contribution'`), 10)
	if code, out, errs := cli(t, boss, "approvals", "approve", id); code != 0 {
		t.Fatalf("first approval: exit %d %s%s", code, out, errs)
	}
	code, _, errs := cli(t, boss2, "approvals", "approve", id)
	if code != exitConflict || !strings.Contains(errs, "is already approved") {
		t.Fatalf("second approval: exit %d %q, want exit %d", code, errs, exitConflict)
	}
	if got := dbtest.Get[int64](t, conn, `SELECT pledged_fen FROM contributors WHERE id = $1`, co); got != pledged+1 {
		t.Fatalf("pledge %d, want %d once", got, pledged+1)
	}
}
