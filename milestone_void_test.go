package main

import (
	"strings"
	"testing"

	"warroom/db/dbtest"
	"warroom/demo"
)

// `milestone void KEY` asks by key; the request, in the CLI's list and
// after approval, names the milestone by key and title, and only a second
// person's approval voids it.
func TestMilestoneVoidByKey(t *testing.T) {
	dbURL, conn := demoDB(t)
	boss, boss2 := loginURL(t, dbURL, "commander"), loginURL(t, dbURL, "commander")
	inc := "--incident=" + demo.Slug()
	title := dbtest.Get[string](t, conn, `SELECT title FROM milestones WHERE key = 'core-env'`)

	code, out, errs := cli(t, boss, "milestone", "void", "core-env", "--reason", "planned twice", inc)
	if code != 0 || !strings.Contains(out, "void milestone core-env: "+title) {
		t.Fatalf("void: exit %d %q %q", code, out, errs)
	}
	code, out, _ = cli(t, boss, "approvals", "list", inc)
	if code != 0 || !strings.Contains(out, "core-env: "+title) {
		t.Fatalf("the request does not name the milestone: exit %d\n%s", code, out)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM milestones WHERE key = 'core-env' AND voided_at IS NULL`); n != 1 {
		t.Fatal("voided before anyone approved")
	}
	code, _, errs = cli(t, boss, "milestone", "void", "no-such-key", "--reason", "x", inc)
	if code == 0 || !strings.Contains(errs, `milestone "no-such-key"`) {
		t.Fatalf("unknown key: exit %d %q", code, errs)
	}
	id := dbtest.Get[string](t, conn, `SELECT id::text FROM approvals WHERE op = 'void_milestone'`)
	if code, out, errs := cli(t, boss2, "approvals", "approve", id); code != 0 {
		t.Fatalf("approve: exit %d %q %q", code, out, errs)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM milestones WHERE key = 'core-env' AND voided_at IS NULL`); n != 0 {
		t.Fatal("the approved void did not void the milestone")
	}
}
