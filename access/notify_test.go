package access_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
)

// A new approval request reaches every console's feed, so the queue is
// pushed rather than polled.
func TestApprovalRequestIsAnnounced(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	got := make(chan db.Change, 16)
	feed, err := db.Listen(url, 20*time.Millisecond, func(ev db.Event) {
		for _, c := range ev.Changes {
			got <- c
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	var inc, entry int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('n', 'N', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&entry, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES ($1, 'note', 'x', now()) RETURNING id`, inc); err != nil {
		t.Fatal(err)
	}
	var id int64
	err = db.Write(ctx, conn, "alice", func(tx *sqlx.Tx) (err error) {
		id, err = access.RequestVoidEntry(ctx, tx, inc, entry, "duplicate")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case c := <-got:
			if c.Table == "approvals" {
				if c.ID != id || c.Incident != inc || c.Op != "I" {
					t.Fatalf("approval change %+v, want id %d incident %d", c, id, inc)
				}
				return
			}
		case <-deadline:
			t.Fatal("no notification for the approval request")
		}
	}
}
