package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"warroom/db/dbtest"
)

// The compensation bench runs end to end on a few merchants and removes
// its incident. Its figures are not checked: speed is measured, not asserted.
func TestBenchRuns(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql not installed: the bench times psql \\copy beside the imports")
	}
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	var out bytes.Buffer
	if err := runBench(context.Background(), &out, conn, url, &BenchOptions{Merchants: 50, Dir: t.TempDir()}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"merchants import:", "sales import:", "claims compute:", "rate change:", "later batch:", "later compute:", "finance --bulk:", "fund read:", "removed incident bench-"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM incidents`); n != 0 {
		t.Fatalf("the bench left %d incidents behind:\n%s", n, out.String())
	}
}
