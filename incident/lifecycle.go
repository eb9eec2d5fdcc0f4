package incident

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"warroom/db"
	"warroom/glossary"
)

// Statuses an incident moves through, in the order responders use them.
var Statuses = []string{"investigating", "identified", "monitoring", "resolved"}

// Severities, most severe first.
var Severities = []string{"sev1", "sev2", "sev3", "sev4"}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// futureSlack is how far ahead of this clock a start may be: the database
// refuses more (warroom_declare_incident), a few minutes of clock skew less.
const futureSlack = 5 * time.Minute

// Declaration is what a person declaring an incident says. Zero values
// take defaults: StartedAt now, Zone UTC, Slug made from the title and date.
type Declaration struct {
	Title     string
	Severity  string
	Zone      string
	StartedAt time.Time
	Slug      string
	Summary   string
}

func (d Declaration) validate(now time.Time) error {
	title := strings.TrimSpace(d.Title)
	if title == "" {
		return db.Invalid("title", "must not be empty")
	}
	if n := utf8.RuneCountInString(title); n > MaxTitle {
		return db.Invalid("title", "%d characters; keep it under %d and put the rest in the summary", n, MaxTitle)
	}
	if !slices.Contains(Severities, d.Severity) {
		return db.Invalid("severity", "%q is not one of %s", d.Severity, strings.Join(Severities, ", "))
	}
	if d.Zone != "" {
		if _, err := time.LoadLocation(d.Zone); err != nil || d.Zone == "Local" {
			return db.Invalid("zone", "%q is not a time zone name such as Asia/Shanghai or UTC", d.Zone)
		}
	}
	if d.Slug != "" && !slugPattern.MatchString(d.Slug) {
		return db.Invalid("slug", "%q: use lower-case letters, digits and '-', starting with a letter or digit, up to 63", d.Slug)
	}
	if !d.StartedAt.IsZero() && d.StartedAt.After(now.Add(futureSlack)) {
		return db.Invalid("started_at", "%s is in the future", d.StartedAt.Format(time.RFC3339))
	}
	return nil
}

// Declare opens a new incident, investigating, with the transaction's
// actor as its commander and a "declared" timeline entry at its start.
// Engineers and commanders may; the database refuses everyone else.
func Declare(ctx context.Context, q db.Querier, d Declaration) (Incident, error) {
	if err := d.validate(time.Now()); err != nil {
		return Incident{}, err
	}
	var started *time.Time
	if !d.StartedAt.IsZero() {
		started = &d.StartedAt
	}
	var id int64
	err := q.GetContext(ctx, &id, `SELECT warroom_declare_incident($1, $2, $3, $4, $5, $6)`,
		strings.TrimSpace(d.Title), d.Severity, d.Zone, started, d.Slug, strings.TrimSpace(d.Summary))
	if err != nil {
		return Incident{}, fmt.Errorf("declare %q: %w", d.Title, db.MapError(err))
	}
	return byID(ctx, q, id)
}

func byID(ctx context.Context, q db.Querier, id int64) (Incident, error) {
	var inc Incident
	err := q.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return inc, fmt.Errorf("incident %d: %w", id, db.ErrNotFound)
		}
	}
	return inc, err
}

// current reads the incident and refuses an edit made against an older
// version (expectVersion 0: any).
func current(ctx context.Context, q db.Querier, id int64, expectVersion int) (Incident, error) {
	inc, err := byID(ctx, q, id)
	if err != nil {
		return inc, err
	}
	if expectVersion != 0 && inc.Version != expectVersion {
		return inc, &db.ConflictError{What: "incident " + inc.Slug, By: inc.UpdatedBy, At: inc.UpdatedAt}
	}
	return inc, nil
}

// SetStatus moves the incident to status and writes a "status" timeline
// entry with the note. Resolving sets resolved_at; leaving resolved clears
// it and needs a note. Only the incident's commander or a warroom
// commander may (the database decides). A change since expectVersion (0:
// any) is refused with a db.ConflictError.
func SetStatus(ctx context.Context, q db.Querier, incidentID int64, expectVersion int, status, note string) (Incident, error) {
	if !slices.Contains(Statuses, status) {
		return Incident{}, db.Invalid("status", "%q is not one of %s", status, strings.Join(glossary.IncidentStatuses.Words(), ", "))
	}
	cur, err := current(ctx, q, incidentID, expectVersion)
	if err != nil {
		return cur, err
	}
	// The state's own rules, told field by field, only to someone who may
	// steer: anyone else hears the database's refusal of their role, not
	// that a note is missing.
	may, err := MaySteer(ctx, q, incidentID)
	if err != nil {
		return cur, err
	}
	if may && cur.Status == status {
		return cur, db.Invalid("status", "incident %s is already %s", cur.Slug, glossary.IncidentStatus(status))
	}
	if may && cur.Status == "resolved" && strings.TrimSpace(note) == "" {
		return cur, db.Invalid("note", "reopening incident %s needs a note saying why", cur.Slug)
	}
	_, err = q.ExecContext(ctx, `SELECT warroom_set_incident_status($1, $2, $3, $4)`,
		incidentID, status, strings.TrimSpace(note), cur.Version)
	if err != nil {
		return cur, fmt.Errorf("incident %s: %w", cur.Slug, db.MapError(err))
	}
	return byID(ctx, q, incidentID)
}

// SetSeverity changes the incident's severity; the note saying why is
// required and goes on the timeline. Who may, and conflicts: as SetStatus.
func SetSeverity(ctx context.Context, q db.Querier, incidentID int64, expectVersion int, severity, note string) (Incident, error) {
	if !slices.Contains(Severities, severity) {
		return Incident{}, db.Invalid("severity", "%q is not one of %s", severity, strings.Join(glossary.Severities.Words(), ", "))
	}
	if strings.TrimSpace(note) == "" {
		return Incident{}, db.Invalid("note", "say why the severity changes")
	}
	cur, err := current(ctx, q, incidentID, expectVersion)
	if err != nil {
		return cur, err
	}
	may, err := MaySteer(ctx, q, incidentID)
	if err != nil {
		return cur, err
	}
	if may && cur.Severity == severity {
		return cur, db.Invalid("severity", "incident %s is already %s", cur.Slug, glossary.Severity(severity))
	}
	_, err = q.ExecContext(ctx, `SELECT warroom_set_incident_severity($1, $2, $3, $4)`,
		incidentID, severity, strings.TrimSpace(note), cur.Version)
	if err != nil {
		return cur, fmt.Errorf("incident %s: %w", cur.Slug, db.MapError(err))
	}
	return byID(ctx, q, incidentID)
}
