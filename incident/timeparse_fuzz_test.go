package incident_test

import (
	"testing"
	"time"

	"warroom/incident"
)

// ParseTime reads whatever a person types into --at: it must never panic,
// and what it accepts must be a real instant that reads back the same.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"now", "", "2020-03-03 09:00", "2020-03-03T09:00", "2020-02-25",
		"2020-02-29 23:59:30", "2020-03-03T09:00:00Z", "2020-03-03T09:00:00+08:00", "2020-02-30",
		"25/02/2020", " NOW ", "2020-13-01 10:00", "\x1b[31m2020-02-25", "9999-12-31T23:59:59-23:59"} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2020, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, precision, err := incident.ParseTime(s, loc, now)
		if err != nil {
			if !got.IsZero() || precision != "" {
				t.Fatalf("error %v with a value %v %q", err, got, precision)
			}
			return
		}
		if precision != "minute" && precision != "day" {
			t.Fatalf("precision %q", precision)
		}
		if got.IsZero() {
			t.Fatalf("%q accepted as the zero time", s)
		}
		back, p2, err := incident.ParseTime(got.Format(time.RFC3339Nano), loc, now)
		if err != nil || !back.Equal(got) || p2 != "minute" {
			t.Fatalf("%q -> %v does not read back: %v %v %s", s, got, back, err, p2)
		}
	})
}
