package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"warroom/db/dbtest"
	"warroom/demo"
	"warroom/incident"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The live bench runs end to end with two consoles and prints its table.
// Its figures are not checked: speed is measured, not asserted. It leaves
// no incident behind.
func TestBenchLiveRuns(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	var out bytes.Buffer
	if err := runBenchLive(context.Background(), &out, conn, url, &LiveOptions{Consoles: []int{2}, Updates: 3}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"notify", "raw", "tui", "p99/raw", "p99/notify", "GCs", "removed incident bench-live-"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM incidents`); n != 0 {
		t.Fatalf("the bench left %d incidents behind:\n%s", n, out.String())
	}
}

// A bench incident, even one kept, is never the incident a console opens
// by default: the demo's stays the current one.
func TestBenchIncidentIsNeverTheDefault(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	if _, err := demo.Load(ctx, conn); err != nil {
		t.Fatal(err)
	}
	id, err := createIncident(ctx, conn, "bench-x", "Benchmark", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := incident.Current(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if cur.ID == id || cur.Slug != demo.Slug() {
		t.Fatalf("the current incident is %s (id %d); want the demo's, not the bench's %d", cur.Slug, cur.ID, id)
	}
}
