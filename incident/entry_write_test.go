package incident_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/incident"
)

func write(t *testing.T, conn *sqlx.DB, actor string, fn func(tx *sqlx.Tx) error) error {
	t.Helper()
	return db.Write(context.Background(), conn, actor, fn)
}

func TestAddAndCorrectEntryKeepsHistory(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := addIncident(t, conn, "w", "2020-02-23T19:00:00+08:00", nil)
	at := time.Date(2020, 2, 25, 10, 0, 0, 0, time.UTC)
	var e incident.Entry
	err := write(t, conn, "alice", func(tx *sqlx.Tx) error {
		var err error
		e, err = incident.AddEntry(ctx, tx, inc, incident.EntryInput{Kind: "note", Title: " Core restored ", At: at})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.Author != "alice" || e.Title != "Core restored" || e.ActualStart == nil || !e.ActualStart.Equal(at) || e.Version != 1 {
		t.Fatalf("added %+v", e)
	}
	err = write(t, conn, "bob", func(tx *sqlx.Tx) error {
		var err error
		e, err = incident.EditEntry(ctx, tx, e.ID, 1, incident.EntryInput{Kind: "restore", Title: "Core environment restored", At: at})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.Version != 2 || e.Kind != "restore" || e.Author != "alice" {
		t.Fatalf("edited %+v (author stays the original writer)", e)
	}
	hist, err := incident.EntryHistory(ctx, conn, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Title != "Core restored" || hist[0].Version != 1 || hist[0].ReplacedBy != "bob" {
		t.Fatalf("history %+v", hist)
	}
	// A second correction from the stale version 1 is refused.
	err = write(t, conn, "carol", func(tx *sqlx.Tx) error {
		_, err := incident.EditEntry(ctx, tx, e.ID, 1, incident.EntryInput{Kind: "note", Title: "carol's", At: at})
		return err
	})
	var ce *db.ConflictError
	if !errors.As(err, &ce) || ce.By != "bob" {
		t.Fatalf("stale edit: %v", err)
	}
	if got, err := incident.Timeline(ctx, conn, inc); err != nil || len(got) == 0 || got[0].Title != "Core environment restored" {
		t.Fatalf("stale edit overwrote: %+v %v", got, err)
	}
}

func TestAddEntryValidates(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := addIncident(t, conn, "v", "2020-02-23T19:00:00+08:00", nil)
	at := time.Now()
	before := at.Add(-time.Hour)
	cases := []struct {
		in    incident.EntryInput
		field string
	}{
		{incident.EntryInput{Kind: "gossip", Title: "x", At: at}, "kind"},
		{incident.EntryInput{Kind: "note", Title: "   ", At: at}, "title"},
		{incident.EntryInput{Kind: "note", Title: strings.Repeat("长", 201), At: at}, "title"},
		{incident.EntryInput{Kind: "note", Title: "x"}, "at"},
		{incident.EntryInput{Kind: "note", Title: "x", At: at, End: &before}, "end"},
	}
	for _, tc := range cases {
		err := write(t, conn, "", func(tx *sqlx.Tx) error {
			_, err := incident.AddEntry(ctx, tx, inc, tc.in)
			return err
		})
		var fe *db.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: %v, want field %s", tc.in, err, tc.field)
		}
	}
	if got, err := incident.Timeline(ctx, conn, inc); err != nil || len(got) != 0 {
		t.Fatalf("%d entries written by refused input (%v)", len(got), err)
	}
	err := write(t, conn, "", func(tx *sqlx.Tx) error {
		e, err := incident.AddEntry(ctx, tx, inc, incident.EntryInput{Kind: "cutover", Title: "go-live", At: at, Planned: true})
		if err == nil && (e.PlannedStart == nil || e.ActualStart != nil || !e.Planned()) {
			t.Errorf("planned entry stored as %+v", e)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestParseTime(t *testing.T) {
	loc := shanghai(t)
	now := time.Date(2020, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in        string
		want      time.Time
		precision string
	}{
		{"now", now, "minute"},
		{"", now, "minute"},
		{"2020-03-03 09:00", time.Date(2020, 3, 3, 1, 0, 0, 0, time.UTC), "minute"},
		{"2020-03-03T09:00", time.Date(2020, 3, 3, 1, 0, 0, 0, time.UTC), "minute"},
		{"2020-02-25", time.Date(2020, 2, 24, 16, 0, 0, 0, time.UTC), "day"},
		{"2020-02-29 23:59:30", time.Date(2020, 2, 29, 15, 59, 30, 0, time.UTC), "minute"},
		{"2020-03-03T09:00:00Z", time.Date(2020, 3, 3, 9, 0, 0, 0, time.UTC), "minute"},
	}
	for _, c := range cases {
		got, p, err := incident.ParseTime(c.in, loc, now)
		if err != nil || !got.Equal(c.want) || p != c.precision {
			t.Errorf("ParseTime(%q) = %v %s %v, want %v %s", c.in, got, p, err, c.want, c.precision)
		}
	}
	for _, bad := range []string{"yesterday", "2020-02-30", "2020-13-01 10:00", "25/02/2020"} {
		if _, _, err := incident.ParseTime(bad, loc, now); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}

func TestParseTimeRefusesImplausibleYears(t *testing.T) {
	loc := shanghai(t)
	for _, s := range []string{"0000-01-01", "1900-01-01 10:00", "1969-12-31T23:59:59Z"} {
		if _, _, err := incident.ParseTime(s, loc, time.Now()); err == nil || !strings.Contains(err.Error(), "outside") {
			t.Errorf("ParseTime(%q) = %v, want outside the range", s, err)
		}
	}
}

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
