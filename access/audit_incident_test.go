package access_test

import (
	"context"
	"slices"
	"testing"

	"warroom/access"
)

// The per-incident filter finds the rows of tables that reach their
// incident through a parent (milestone_updates, contributions,
// action_items, timeline_entry_versions), and not another incident's.
func TestAuditIncidentFilterFindsChildTables(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.admin
	var other, measure, otherMeasure int64
	if err := a.Get(&other, `INSERT INTO incidents (slug, title, started_at) VALUES ('o', 'O', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	a.MustExec(`INSERT INTO milestone_updates (milestone_id, to_status, to_progress) VALUES ($1, 'planned', 5)`, f.milestone)
	a.MustExec(`INSERT INTO contributions (contributor_id, amount_fen, received_at, reference) VALUES ($1, 7, now(), 'audit')`, f.contributor)
	if err := a.Get(&measure, `INSERT INTO remediation_measures (incident_id, position, title) VALUES ($1, 1, 'm') RETURNING id`, f.incident); err != nil {
		t.Fatal(err)
	}
	if err := a.Get(&otherMeasure, `INSERT INTO remediation_measures (incident_id, position, title) VALUES ($1, 1, 'm') RETURNING id`, other); err != nil {
		t.Fatal(err)
	}
	a.MustExec(`INSERT INTO action_items (measure_id, position, title) VALUES ($1, 1, 'a')`, measure)
	a.MustExec(`INSERT INTO action_items (measure_id, position, title) VALUES ($1, 1, 'elsewhere')`, otherMeasure)
	a.MustExec(`UPDATE timeline_entries SET title = 'renamed' WHERE id = $1`, f.entry) // writes a version row

	tables := func(incident int64) []string {
		es, err := access.Audit(ctx, a, access.AuditFilter{IncidentID: incident, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			if !slices.Contains(out, e.Table) {
				out = append(out, e.Table)
			}
		}
		return out
	}
	mine := tables(f.incident)
	for _, want := range []string{"milestone_updates", "contributions", "action_items", "timeline_entry_versions"} {
		if !slices.Contains(mine, want) {
			t.Errorf("the incident's audit misses %s (has %v)", want, mine)
		}
	}
	var n int
	if err := a.Get(&n, `SELECT count(*) FROM audit_log WHERE table_name = 'action_items' AND incident_id = $1`, other); err != nil || n != 1 {
		t.Errorf("the other incident's action item: %d audit rows under it (%v), want 1", n, err)
	}
}
