package recovery_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/recovery"
)

func edit(conn *sqlx.DB, actor string, inc int64, e recovery.MilestoneEdit) (recovery.Milestone, error) {
	var m recovery.Milestone
	err := db.Write(context.Background(), conn, actor, func(tx *sqlx.Tx) error {
		var err error
		m, err = recovery.Edit(context.Background(), tx, inc, e)
		return err
	})
	return m, err
}

func TestEditChangesWhatTheMilestoneIs(t *testing.T) {
	conn, inc := planWithCore(t)
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	end := start.Add(4 * time.Hour)
	m, err := edit(conn, "carol", inc, recovery.MilestoneEdit{Key: "core", ExpectVersion: 1,
		Title: ptr(" Core environment "), Owner: ptr("DBA"), PlannedStart: &start, PlannedEnd: &end})
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "Core environment" || m.Owner != "DBA" || !m.PlannedStart.Equal(start) || !m.PlannedEnd.Equal(end) ||
		m.UpdatedBy != "carol" || m.Version != 2 || m.Progress != 0 || m.Status != "planned" {
		t.Fatalf("after edit: %+v", m)
	}
	m, err = edit(conn, "carol", inc, recovery.MilestoneEdit{Key: "core", ClearPlanned: true})
	if err != nil || m.PlannedStart != nil || m.PlannedEnd != nil {
		t.Fatalf("clear planned: %+v, %v", m, err)
	}
}

func TestEditRefusesConflictAndBadInput(t *testing.T) {
	conn, inc := planWithCore(t)
	if _, err := edit(conn, "alice", inc, recovery.MilestoneEdit{Key: "core", ExpectVersion: 1, Owner: ptr("Ops")}); err != nil {
		t.Fatal(err)
	}
	_, err := edit(conn, "bob", inc, recovery.MilestoneEdit{Key: "core", ExpectVersion: 1, Title: ptr("Mine")})
	var ce *db.ConflictError
	if !errors.As(err, &ce) || ce.By != "alice" {
		t.Fatalf("stale edit: %v, want a conflict naming alice", err)
	}
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	before := start.Add(-time.Hour)
	for _, c := range []struct {
		e     recovery.MilestoneEdit
		field string
	}{
		{recovery.MilestoneEdit{Key: "core", Title: ptr("  ")}, "title"},
		{recovery.MilestoneEdit{Key: "core", PlannedStart: &start, PlannedEnd: &before}, "planned_end"},
		{recovery.MilestoneEdit{Key: "core", Owner: ptr("Ops")}, "key"}, // nothing changes
	} {
		_, err := edit(conn, "bob", inc, c.e)
		var fe *db.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%+v: %v, want a %s error", c.e, err, c.field)
		}
	}
	if _, err := edit(conn, "bob", inc, recovery.MilestoneEdit{Key: "nope", Title: ptr("x")}); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	var v int
	if err := conn.Get(&v, `SELECT version FROM milestones WHERE incident_id = $1 AND key = 'core'`, inc); err != nil || v != 2 {
		t.Fatalf("refused edits changed the row: version %d, %v", v, err)
	}
}
