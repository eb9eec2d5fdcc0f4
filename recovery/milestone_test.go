package recovery_test

import (
	"context"
	"testing"

	"warroom/db/dbtest"
	"warroom/recovery"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMilestonesInPlanOrderWithHistory(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('r', 'R', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	_, err := conn.Exec(`INSERT INTO milestones (incident_id, key, title, status, progress, position) VALUES
		($1, 'cutover', 'Cutover', 'planned', 0, 3),
		($1, 'core', 'Core env', 'done', 100, 1),
		($1, 'merge', 'Merge', 'in_progress', 50, 2)`, inc)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := recovery.Milestones(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 || ms[0].Key != "core" || ms[1].Key != "merge" || ms[2].Key != "cutover" {
		t.Fatalf("order: %+v", ms)
	}
	if got := recovery.Overall(ms); got != 50 {
		t.Fatalf("overall %d, want (100+50+0)/3 = 50", got)
	}
	_, err = conn.Exec(`INSERT INTO milestone_updates (milestone_id, at, to_status, to_progress, from_status, from_progress, note) VALUES
		($1, '2020-02-26T10:00:00Z', 'in_progress', 40, 'in_progress', 10, 'second'),
		($1, '2020-02-25T10:00:00Z', 'in_progress', 10, 'planned', 0, 'first')`, ms[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := recovery.History(ctx, conn, ms[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Note != "first" || *h[0].FromStatus != "planned" || h[1].ToProgress != 40 {
		t.Fatalf("history: %+v", h)
	}
	// The schema refuses a done milestone short of 100% and progress past 100.
	_, err = conn.Exec(`UPDATE milestones SET status = 'done' WHERE key = 'merge'`)
	dbtest.WantConstraint(t, err, "23514", "milestones_check")
	_, err = conn.Exec(`UPDATE milestones SET progress = 140 WHERE key = 'merge'`)
	dbtest.WantConstraint(t, err, "23514", "milestones_progress_check")
}

func TestOverallRoundsDown(t *testing.T) {
	if got := recovery.Overall(nil); got != 0 {
		t.Fatalf("empty: %d", got)
	}
	ms := []recovery.Milestone{{Progress: 100}, {Progress: 100}, {Progress: 99}}
	if got := recovery.Overall(ms); got != 99 {
		t.Fatalf("got %d, want 99 (never shows 100 before every step is done)", got)
	}
}
