package tui

import (
	"testing"
	"time"

	"warroom/db"
)

// The activity strip names what changed: a bulk statement by its row count,
// a row by table and id, and the fund (one row per incident, no id) as
// such, not as "0 funds".
func TestDescribeChangeNamesTheRow(t *testing.T) {
	at := time.Date(2020, 3, 1, 12, 3, 4, 0, time.UTC)
	for _, c := range []struct {
		change db.Change
		want   string
	}{
		{db.Change{Table: "payouts", Op: "I", Rows: 1812, By: "alice", At: at}, "12:03:04 alice added 1,812 payouts"},
		{db.Change{Table: "payouts", Op: "I", Rows: 1, By: "alice", At: at}, "12:03:04 alice added 1 payout"},
		{db.Change{Table: "restore_counts", Op: "I", Rows: 3001, By: "wu", At: at}, "12:03:04 wu added 3,001 merchants' restore counts"},
		{db.Change{Table: "contributors", Op: "U", ID: 7, By: "bob", At: at}, "12:03:04 bob updated contributor 7"},
		// not "timeline entrie 16": the noun comes from the glossary, not a trimmed table name
		{db.Change{Table: "timeline_entries", Op: "U", ID: 16, By: "bob", At: at}, "12:03:04 bob updated timeline entry 16"},
		{db.Change{Table: "claims", Op: "U", Rows: 3000, By: "bob", At: at}, "12:03:04 bob updated 3,000 claims"},
		{db.Change{Table: "funds", Op: "U", By: "carol", At: at}, "12:03:04 carol updated the fund"},
		{db.Change{Table: "funds", Op: "U", At: at}, "12:03:04 someone updated the fund"},
	} {
		if got := describeChange(c.change, nil); got != c.want {
			t.Errorf("%+v: %q, want %q", c.change, got, c.want)
		}
	}
}
