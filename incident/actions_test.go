package incident_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/incident"
)

func TestActionItemsFromAddToWontDo(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Checkout down", Severity: "sev1", Zone: "Asia/Shanghai"})
	due := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	add := func(n incident.NewActionItem) (incident.ActionItem, error) {
		var a incident.ActionItem
		err := as(t, conn, "carol", func(tx *sqlx.Tx) error {
			var err error
			a, err = incident.AddActionItem(ctx, tx, inc.ID, n)
			return err
		})
		return a, err
	}
	set := func(id int64, c incident.ActionChange) (incident.ActionItem, error) {
		var a incident.ActionItem
		err := as(t, conn, "dan", func(tx *sqlx.Tx) error {
			var err error
			a, err = incident.SetActionItem(ctx, tx, inc.ID, id, c)
			return err
		})
		return a, err
	}
	a, err := add(incident.NewActionItem{Title: "Add a canary for payments", Owner: "SRE", Due: &due})
	if err != nil || a.Status != "open" || a.Owner != "SRE" || a.Due == nil || a.Due.Format(time.DateOnly) != "2026-03-10" ||
		a.UpdatedBy != "carol" || a.Version != 1 {
		t.Fatalf("added %+v, %v", a, err)
	}
	b, err := add(incident.NewActionItem{Title: "Alert on card declines"})
	if err != nil || b.MeasureID != a.MeasureID {
		t.Fatalf("second item joins the same Follow-ups measure: %+v, %v", b, err)
	}
	_, err = add(incident.NewActionItem{Title: " "})
	wantField(t, err, "title")
	if _, err := add(incident.NewActionItem{MeasureID: a.MeasureID + 1000, Title: "x"}); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("unknown measure: %v", err)
	}

	wont := "wont_do"
	_, err = set(b.ID, incident.ActionChange{Status: &wont})
	wantField(t, err, "reason")
	bad := "dropped"
	_, err = set(b.ID, incident.ActionChange{Status: &bad})
	wantField(t, err, "status")
	b2, err := set(b.ID, incident.ActionChange{ExpectVersion: b.Version, Status: &wont, Reason: "covered by the canary"})
	if err != nil || b2.Status != "wont_do" || b2.Reason != "covered by the canary" || b2.UpdatedBy != "dan" || b2.Version != 2 {
		t.Fatalf("won't do: %+v, %v", b2, err)
	}
	_, err = set(b.ID, incident.ActionChange{ExpectVersion: b.Version, Status: &wont, Reason: "again"})
	var ce *db.ConflictError
	if !errors.As(err, &ce) || ce.By != "dan" {
		t.Fatalf("stale save: %v", err)
	}
	// The reason is the database's rule too.
	_, err = conn.Exec(`UPDATE action_items SET reason = '' WHERE id = $1`, b.ID)
	dbtest.WantConstraint(t, err, "23514", "action_items_wont_do_reason")
	// Reopening clears the reason.
	open := "open"
	b3, err := set(b.ID, incident.ActionChange{Status: &open})
	if err != nil || b3.Reason != "" || b3.Status != "open" {
		t.Fatalf("reopened: %+v, %v", b3, err)
	}

	done := "done"
	if _, err := set(a.ID, incident.ActionChange{Status: &done}); err != nil {
		t.Fatal(err)
	}
	acc, err := incident.LoadAccountability(ctx, conn, inc.ID)
	if err != nil || len(acc.Measures) != 1 || acc.Measures[0].Title != incident.FollowUps || len(acc.Measures[0].Items) != 2 {
		t.Fatalf("accountability %+v, %v", acc, err)
	}
	counts := incident.CountActions(acc.Measures, due.Add(48*time.Hour), inc.Location())
	if counts != (incident.ActionCounts{Open: 1, Done: 1}) {
		t.Fatalf("counts %+v", counts)
	}
}

func TestOverdueIsByTheIncidentsCalendar(t *testing.T) {
	due := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	it := incident.ActionItem{Status: "in_progress", Due: &due}
	// 2026-03-10 20:00 UTC is already the 11th in Shanghai.
	now := time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC)
	if it.Overdue(now, time.UTC) || !it.Overdue(now, shanghai) {
		t.Fatal("due the 10th: not overdue on the 10th in UTC, overdue on the 11th in Shanghai")
	}
	ms := []incident.Measure{{Items: []incident.ActionItem{it, {Status: "done", Due: &due}, {Status: "wont_do", Due: &due, Reason: "r"}, {Status: "open"}}}}
	if got := incident.CountActions(ms, now, shanghai); got != (incident.ActionCounts{Open: 2, Overdue: 1, Done: 1, WontDo: 1}) {
		t.Fatalf("counts %+v", got)
	}
}

func TestFindingsPerPerson(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := declare(t, conn, "alice", incident.Declaration{Title: "Checkout down", Severity: "sev1"})
	for _, f := range [][3]string{{"Bob", "deployed without a canary", "training"}, {"Eve", "no rollback plan", ""}, {"Bob", "skipped review", ""}} {
		err := as(t, conn, "alice", func(tx *sqlx.Tx) error {
			_, err := incident.AddFinding(ctx, tx, inc.ID, f[0], f[1], f[2])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := as(t, conn, "alice", func(tx *sqlx.Tx) error {
		_, err := incident.AddFinding(ctx, tx, inc.ID, "Bob", " ", "")
		return err
	})
	wantField(t, err, "finding")
	acc, err := incident.LoadAccountability(ctx, conn, inc.ID)
	if err != nil || len(acc.People) != 2 || acc.People[0].Name != "Bob" || len(acc.People[0].Findings) != 2 ||
		acc.People[0].Findings[1].Finding != "skipped review" || acc.People[1].Findings[0].Finding != "no rollback plan" {
		t.Fatalf("accountability %+v, %v", acc.People, err)
	}
	m, err := incident.AddMeasure(ctx, conn, inc.ID, "Safer deploys", "")
	if err != nil || m.Position != 1 {
		t.Fatalf("measure %+v, %v", m, err)
	}
}
