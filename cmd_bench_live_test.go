package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"warroom/db/dbtest"
)

// The live bench runs end to end with two consoles and prints its table.
// Its figures are not checked: speed is measured, not asserted.
func TestBenchLiveRuns(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	var out bytes.Buffer
	if err := runBenchLive(context.Background(), &out, conn, url, []int{2}, 3); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"notify", "raw", "tui", "p99/raw", "p99/notify", "GCs"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
}
