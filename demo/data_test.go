package demo

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestScenarioParses(t *testing.T) {
	d, err := scenario()
	if err != nil {
		t.Fatal(err)
	}
	if Slug() == "" || Slug() != d.Incident.Slug {
		t.Fatalf("Slug() = %q, data says %q", Slug(), d.Incident.Slug)
	}
	// Facts from the scenario text: the outage and baseline windows.
	cst := time.FixedZone("CST", 8*3600)
	f := d.Fund
	if want := time.Date(2020, 2, 23, 19, 0, 0, 0, cst); !f.OutageStart.Equal(want) || !d.Incident.StartedAt.Equal(want) {
		t.Errorf("outage start %v / incident start %v, want %v", f.OutageStart, d.Incident.StartedAt, want)
	}
	if want := time.Date(2020, 3, 3, 9, 0, 0, 0, cst); !f.OutageEnd.Equal(want) {
		t.Errorf("outage end %v, want %v", f.OutageEnd, want)
	}
	if want := time.Date(2020, 2, 17, 19, 0, 0, 0, cst); !f.BaselineStart.Equal(want) {
		t.Errorf("baseline start %v, want %v", f.BaselineStart, want)
	}
}

func TestParseIsStrict(t *testing.T) {
	cases := map[string]struct{ from, to string }{
		"fractional fen":  {`"pledged_fen": 3500000000`, `"pledged_fen": 3500000000.5`},
		"unknown field":   {`"pledged_fen": 3500000000`, `"pledged_fen": 3500000000, "pledged_yuan": 35000000`},
		"unknown person":  {`"person": "Sun Taoyong"`, `"person": "Sun Tao"`},
		"bad due date":    {`"due": "2020-04-30"`, `"due": "30/04/2020"`},
		"shares not 100%": {`{"state": "paid", "share_bp": 6000}`, `{"state": "paid", "share_bp": 5000}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if !bytes.Contains(scenarioJSON, []byte(c.from)) {
				t.Fatalf("data file no longer contains %s", c.from)
			}
			raw := bytes.Replace(scenarioJSON, []byte(c.from), []byte(c.to), 1)
			if _, err := parseDataSet(raw); err == nil {
				t.Fatal("parsed without error")
			}
		})
	}
	if _, err := parseDataSet(scenarioJSON); err != nil {
		t.Fatalf("unchanged file: %v", err)
	}
}

func TestTimelineCoversScenarioTable(t *testing.T) {
	d, err := scenario()
	if err != nil {
		t.Fatal(err)
	}
	// Kinds of the scenario's timeline table, in its order.
	want := []string{"window", "outage", "restore", "restore", "recovery", "comms", "rehearsal", "cutover", "cutover"}
	var got []string
	for _, e := range d.Timeline {
		if e.Kind != "note" {
			got = append(got, e.Kind)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("non-note kinds %v, want %v", got, want)
	}
}
