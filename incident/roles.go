package incident

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"warroom/db"
	"warroom/glossary"
)

// DutyRoles are the roles every incident has a place for; any other word
// names a role too ("db-lead").
var DutyRoles = []string{"commander", "deputy", "scribe", "comms-lead"}

var rolePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)

// Duty is one person holding one role on an incident, from AssignedAt
// until EndedAt (nil: holds it now).
type Duty struct {
	ID         int64      `db:"id" json:"-"`
	IncidentID int64      `db:"incident_id" json:"-"`
	Role       string     `db:"role" json:"role"`
	Person     string     `db:"person" json:"person"`
	AssignedBy string     `db:"assigned_by" json:"assigned_by"`
	AssignedAt time.Time  `db:"assigned_at" json:"assigned_at"`
	EndedAt    *time.Time `db:"ended_at" json:"ended_at,omitempty"`
}

const dutyColumns = `id, incident_id, role, person, assigned_by, assigned_at, ended_at`

// AssignRole makes person the holder of role, ending the previous holder's
// turn, and writes a "role" timeline entry (a commander handoff names both
// people). Only the incident's commander or a warroom commander may.
func AssignRole(ctx context.Context, q db.Querier, incidentID int64, role, person string) (Duty, error) {
	var d Duty
	role = strings.ToLower(strings.TrimSpace(role))
	person = strings.TrimSpace(person)
	if !rolePattern.MatchString(role) {
		return d, db.Invalid("role", "%q: one word of lower-case letters, digits, '-' or '_' (%s...)", role, strings.Join(DutyRoles, ", "))
	}
	if person == "" {
		return d, db.Invalid("person", "name who holds the role")
	}
	if n := utf8.RuneCountInString(person); n > 100 {
		return d, db.Invalid("person", "%d characters; a name is at most 100", n)
	}
	var id int64
	if err := q.GetContext(ctx, &id, `SELECT warroom_assign_role($1, $2, $3)`, incidentID, role, person); err != nil {
		return d, fmt.Errorf("%s of incident %d: %w", glossary.DutyRole(role), incidentID, db.MapError(err))
	}
	err := q.GetContext(ctx, &d, `SELECT `+dutyColumns+` FROM incident_roles WHERE id = $1`, id)
	return d, db.MapError(err)
}

// OnDuty lists who holds each role now, commander first, then by role.
func OnDuty(ctx context.Context, q db.Querier, incidentID int64) ([]Duty, error) {
	var out []Duty
	err := q.SelectContext(ctx, &out, `SELECT `+dutyColumns+` FROM incident_roles
		WHERE incident_id = $1 AND ended_at IS NULL
		ORDER BY role <> 'commander', role`, incidentID)
	return out, db.MapError(err)
}

// Commander is who commands the incident now, "" when nobody is named
// (an incident loaded rather than declared).
func Commander(ctx context.Context, q db.Querier, incidentID int64) (string, error) {
	var who string
	err := q.GetContext(ctx, &who, `SELECT COALESCE(warroom_incident_commander($1), '')`, incidentID)
	return who, db.MapError(err)
}

// MaySteer reports whether the login may change the incident's status,
// severity and roles: a warroom commander, or an engineer who is its
// commander (the rule warroom_require_incident_command enforces; the
// database still decides each write). A front end asks so as to offer the
// keys only to those who may.
func MaySteer(ctx context.Context, q db.Querier, incidentID int64) (bool, error) {
	var may bool
	err := q.GetContext(ctx, &may, `SELECT warroom_has_role('commander')
		OR (warroom_has_role('engineer') AND COALESCE(warroom_incident_commander($1) = warroom_actor(), false))`, incidentID)
	return may, db.MapError(err)
}
