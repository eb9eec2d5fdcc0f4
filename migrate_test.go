package main

import (
	"strings"
	"testing"

	"warroom/db/dbtest"
)

// A command on a database whose schema is behind migrates nothing: it says
// to run `warroom db migrate`, which the database's owner runs once.
func TestCommandsCheckTheSchemaAndDBMigrateApplies(t *testing.T) {
	url := dbtest.NewEmptyURL(t)
	conn := dbtest.Open(t, url)
	for _, args := range [][]string{{"fund"}, {"milestone", "set", "core-env", "--progress", "10"}, {"audit", "verify"}} {
		code, _, errs := cli(t, url, args...)
		if code != exitError || !strings.Contains(errs, "schema is older than this warroom") || !strings.Contains(errs, "warroom db migrate") {
			t.Fatalf("%v on an unmigrated database: exit %d, %q", args, code, errs)
		}
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`); n != 0 {
		t.Fatalf("refused commands created %d tables", n)
	}
	code, out, errs := cli(t, url, "db", "migrate")
	if code != 0 || !strings.HasPrefix(out, "applied ") || strings.HasPrefix(out, "applied 0 ") {
		t.Fatalf("db migrate: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := cli(t, url, "db", "migrate"); code != 0 || !strings.HasPrefix(out, "applied 0 migrations") {
		t.Fatalf("db migrate again: exit %d %s", code, out)
	}
	if code, _, errs := cli(t, url, "fund"); code != exitNotFound || !strings.Contains(errs, "warroom demo load") {
		t.Fatalf("fund after migrating: exit %d %s", code, errs)
	}
}
