package recovery_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/incident"
	"warroom/recovery"
)

// A milestone title has the same limit as an entry title, whoever adds it.
func TestAddRefusesOverlongTitle(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('r', 'R', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("恢", incident.MaxTitle+1) // counted in characters, not bytes
	_, err := recovery.Add(ctx, conn, inc, recovery.NewMilestone{Key: "long", Title: long})
	var fe *db.FieldError
	if !errors.As(err, &fe) || fe.Field != "title" || !strings.Contains(fe.Reason, "201 characters") {
		t.Fatalf("want a title error naming the length, got %v", err)
	}
	var n int
	if err := conn.Get(&n, `SELECT count(*) FROM milestones WHERE incident_id = $1`, inc); err != nil || n != 0 {
		t.Fatalf("written despite the error: %d %v", n, err)
	}
	m, err := recovery.Add(ctx, conn, inc, recovery.NewMilestone{Key: "ok", Title: long[:len(long)-len("恢")]})
	if err != nil || m.Key != "ok" {
		t.Fatalf("a title of exactly %d characters is refused: %v", incident.MaxTitle, err)
	}
}
