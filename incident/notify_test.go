package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/incident"
)

// Every open console hears a declaration, a handoff, a status change and
// an update at commit: the incident, its people on duty and its timeline.
func TestLifecycleIsAnnounced(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	got := make(chan db.Change, 64)
	feed, err := db.Listen(url, 20*time.Millisecond, func(ev db.Event) {
		for _, c := range ev.Changes {
			got <- c
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	var inc incident.Incident
	err = db.Write(ctx, conn, "alice", func(tx *sqlx.Tx) (err error) {
		if inc, err = incident.Declare(ctx, tx, incident.Declaration{Title: "Checkout down", Severity: "sev1"}); err != nil {
			return err
		}
		if _, err = incident.AssignRole(ctx, tx, inc.ID, "commander", "bob"); err != nil {
			return err
		}
		if _, err = incident.SetStatus(ctx, tx, inc.ID, 0, "identified", ""); err != nil {
			return err
		}
		_, err = incident.PostUpdate(ctx, tx, inc.ID, incident.UpdateInput{Audience: "internal", Text: "on it", NextIn: time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"incidents": false, "incident_roles": false, "timeline_entries": false}
	deadline := time.After(5 * time.Second)
	for missing := len(want); missing > 0; {
		select {
		case c := <-got:
			if seen, ok := want[c.Table]; ok && !seen && c.Incident == inc.ID {
				want[c.Table] = true
				missing--
			}
		case <-deadline:
			t.Fatalf("heard %v; want every table announced for incident %d", want, inc.ID)
		}
	}
}
