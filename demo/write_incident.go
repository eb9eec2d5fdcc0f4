package demo

import (
	"context"
	"errors"
	"fmt"

	"warroom/db"
)

// demoAuthor signs rows whose data names no author, instead of whoever
// happens to run the load (the columns default to session_user).
const demoAuthor = "warroom demo"

// insertIncident writes the incident row, refusing when its slug exists.
// The check up front gives the clear error; the unique index still
// catches a concurrent load that slips in between.
func insertIncident(ctx context.Context, q db.Querier, inc incidentData) (int64, error) {
	var exists bool
	if err := q.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM incidents WHERE slug = $1)`, inc.Slug); err != nil {
		return 0, db.MapError(err)
	}
	if exists {
		return 0, fmt.Errorf("%w: %s", ErrAlreadyLoaded, inc.Slug)
	}
	var id int64
	err := q.GetContext(ctx, &id, `
		INSERT INTO incidents (slug, title, summary, time_zone, status, severity, started_at, resolved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		inc.Slug, inc.Title, inc.Summary, inc.TimeZone, inc.Status, inc.Severity, inc.StartedAt, inc.ResolvedAt)
	if err != nil {
		err = db.MapError(err)
		if errors.Is(err, db.ErrUniqueViolation) {
			return 0, fmt.Errorf("%w: %s: %w", ErrAlreadyLoaded, inc.Slug, err)
		}
		return 0, fmt.Errorf("incident: %w", err)
	}
	return id, nil
}

func insertTimeline(ctx context.Context, q db.Querier, incidentID int64, d dataSet, s *Summary) error {
	for _, e := range d.Timeline {
		_, err := q.ExecContext(ctx, `
			INSERT INTO timeline_entries (incident_id, kind, title, body, precision,
			    planned_start, planned_end, actual_start, actual_end, author)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			incidentID, e.Kind, e.Title, e.Body, or(e.Precision, "minute"),
			e.PlannedStart, e.PlannedEnd, e.ActualStart, e.ActualEnd, or(e.Author, demoAuthor))
		if err != nil {
			return fmt.Errorf("timeline entry %q: %w", e.Title, db.MapError(err))
		}
		s.Entries++
	}
	return nil
}

// insertMilestones writes each milestone with the state of its last update,
// then the updates themselves, each recording the step it moved from.
func insertMilestones(ctx context.Context, q db.Querier, incidentID int64, d dataSet, s *Summary) error {
	for pos, m := range d.Milestones {
		last := m.Updates[len(m.Updates)-1]
		var id int64
		err := q.GetContext(ctx, &id, `
			INSERT INTO milestones (incident_id, key, title, owner, status, progress, position,
			    planned_start, planned_end, actual_start, actual_end, updated_at, updated_by, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			incidentID, m.Key, m.Title, m.Owner, last.Status, last.Progress, pos+1,
			m.PlannedStart, m.PlannedEnd, m.ActualStart, m.ActualEnd,
			last.At, or(last.Author, demoAuthor), len(m.Updates))
		if err != nil {
			return fmt.Errorf("milestone %q: %w", m.Key, db.MapError(err))
		}
		s.Milestones++
		var fromStatus *string
		var fromProgress *int
		for _, u := range m.Updates {
			_, err := q.ExecContext(ctx, `
				INSERT INTO milestone_updates (milestone_id, at, author, from_status, to_status,
				    from_progress, to_progress, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				id, u.At, or(u.Author, demoAuthor), fromStatus, u.Status, fromProgress, u.Progress, u.Note)
			if err != nil {
				return fmt.Errorf("milestone %q update at %s: %w", m.Key, u.At, db.MapError(err))
			}
			s.Updates++
			status, progress := u.Status, u.Progress
			fromStatus, fromProgress = &status, &progress
		}
	}
	return nil
}

// insertAccountability writes people and findings in the statement's
// order (finding positions run across the whole incident), then the
// remediation measures and their action items.
func insertAccountability(ctx context.Context, q db.Querier, incidentID int64, d dataSet, s *Summary) error {
	findingPos := 0
	for _, p := range d.People {
		var personID int64
		err := q.GetContext(ctx, &personID, `
			INSERT INTO people (incident_id, name, native_name, title)
			VALUES ($1, $2, $3, $4) RETURNING id`,
			incidentID, p.Name, p.NativeName, p.Title)
		if err != nil {
			return fmt.Errorf("person %q: %w", p.Name, db.MapError(err))
		}
		s.People++
		for _, f := range p.Findings {
			findingPos++
			_, err := q.ExecContext(ctx, `
				INSERT INTO findings (incident_id, person_id, position, finding, consequence)
				VALUES ($1, $2, $3, $4, $5)`,
				incidentID, personID, findingPos, f.Finding, f.Consequence)
			if err != nil {
				return fmt.Errorf("finding for %q: %w", p.Name, db.MapError(err))
			}
			s.Findings++
		}
	}
	for mPos, m := range d.Measures {
		var measureID int64
		err := q.GetContext(ctx, &measureID, `
			INSERT INTO remediation_measures (incident_id, position, title, summary)
			VALUES ($1, $2, $3, $4) RETURNING id`,
			incidentID, mPos+1, m.Title, m.Summary)
		if err != nil {
			return fmt.Errorf("measure %q: %w", m.Title, db.MapError(err))
		}
		s.Measures++
		for iPos, it := range m.Items {
			var due *string
			if it.Due != "" {
				due = &it.Due
			}
			_, err := q.ExecContext(ctx, `
				INSERT INTO action_items (measure_id, position, title, owner, status, due)
				VALUES ($1, $2, $3, $4, $5, $6::date)`,
				measureID, iPos+1, it.Title, it.Owner, or(it.Status, "open"), due)
			if err != nil {
				return fmt.Errorf("action item %q: %w", it.Title, db.MapError(err))
			}
			s.ActionItems++
		}
	}
	return nil
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
