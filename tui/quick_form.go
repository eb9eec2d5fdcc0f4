package tui

import (
	"context"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/glossary"
	"warroom/incident"
)

// quickForm is a form whose save is one write with no version to rebase
// on: declaring an incident, assigning a role, posting an update, adding
// an action item. check reads the fields and returns the write, or nil
// after putting an error beside the field that is wrong.
type quickForm struct {
	f     *form
	tag   string
	check func(f *form) func(ctx context.Context, tx *sqlx.Tx) error
	// saved is what the owner says once the write committed.
	saved string
}

// key passes a key to the form: the write to run, or closed when the form
// is done with (cancelled).
func (q *quickForm) key(msg tea.KeyPressMsg) (cmd tea.Cmd, closed bool) {
	act, cmd := q.f.Update(msg)
	switch act {
	case formSave:
		q.f.ClearErrors()
		fn := q.check(q.f)
		if fn == nil || q.f.HasErrors() {
			return nil, false
		}
		q.f.saving = true
		return requestWrite(q.tag, fn), false
	case formCancel:
		return nil, true
	}
	return cmd, false
}

// done takes the answer to the form's write: true when it committed (the
// owner closes the form); a refusal stays on the form, input kept.
func (q *quickForm) done(msg tea.Msg) (ok, mine bool) {
	d, isDone := msg.(writeDoneMsg)
	if !isDone || d.tag != q.tag {
		return false, false
	}
	if d.err != nil {
		q.f.Fail(d.err, nil)
		return false, true
	}
	return true, true
}

// newDeclareForm is the switcher's form for a new incident: the declarer
// becomes its commander (warroom_declare_incident). slug receives the new
// incident's slug when the write commits.
func newDeclareForm(st *Styles, zone string, slug *string) *quickForm {
	f := newForm(st, "Declare an incident")
	f.context = "you become its commander; it starts now, investigating"
	f.addText("title", "Title", "", "what is broken, e.g. Checkout down")
	f.addChoice("severity", "Severity", incident.Severities, "sev2")
	f.addText("zone", "Zone", zone, "Asia/Shanghai, UTC")
	f.addText("summary", "Summary", "", "optional: what is known")
	return &quickForm{f: f.start(), tag: nextTag("switcher:declare"), saved: "declared",
		check: func(f *form) func(ctx context.Context, tx *sqlx.Tx) error {
			d := incident.Declaration{Title: f.Value("title"), Severity: f.Value("severity"),
				Zone: strings.TrimSpace(f.Value("zone")), Summary: f.Value("summary")}
			return func(ctx context.Context, tx *sqlx.Tx) error {
				inc, err := incident.Declare(ctx, tx, d)
				if err == nil {
					*slug = inc.Slug // read after the answer arrives, on the UI goroutine
				}
				return err
			}
		}}
}

// newRoleForm assigns a role on the incident: a commander handoff ends the
// old commander's turn and names both on the timeline.
func newRoleForm(st *Styles, incID int64, commander string) *quickForm {
	f := newForm(st, "Assign a role")
	f.context = "commander now: " + SanitizeLine(commander) + "; a new holder replaces the current one"
	if commander == "" {
		f.context = "nobody commands it yet; a new holder replaces the current one"
	}
	roles := append(append([]string(nil), incident.DutyRoles...), "other")
	f.addChoice("role", "Role", roles, "commander")
	f.addText("other", "Other role", "", "only for other: one word, e.g. db-lead")
	f.addText("person", "Person", "", "who holds it, e.g. bob")
	return &quickForm{f: f.start(), tag: nextTag("timeline:role"), saved: "role assigned",
		check: func(f *form) func(ctx context.Context, tx *sqlx.Tx) error {
			role := f.Value("role")
			if role == "other" {
				role = strings.TrimSpace(f.Value("other"))
				if role == "" {
					f.SetFieldError("other", "name the role")
					return nil
				}
			}
			person := f.Value("person")
			return func(ctx context.Context, tx *sqlx.Tx) error {
				_, err := incident.AssignRole(ctx, tx, incID, role, person)
				return err
			}
		}}
}

// newUpdateForm posts a stakeholder update; next-in sets the cadence the
// header counts down.
func newUpdateForm(st *Styles, incID int64) *quickForm {
	f := newForm(st, "Post a stakeholder update")
	f.context = "next in: when the next update is due (30m, 1h; blank for no promise)"
	f.addChoice("audience", "Audience", incident.Audiences, "internal")
	f.addArea("text", "Text", "")
	f.addText("next_in", "Next in", "30m", "30m, 1h, blank for none")
	return &quickForm{f: f.start(), tag: nextTag("timeline:update"), saved: "update posted",
		check: func(f *form) func(ctx context.Context, tx *sqlx.Tx) error {
			in := incident.UpdateInput{Audience: f.Value("audience"), Text: f.Value("text")}
			if s := strings.TrimSpace(f.Value("next_in")); s != "" {
				d, err := time.ParseDuration(s)
				if err != nil {
					f.SetFieldError("next_in", "a duration such as 30m or 1h")
					return nil
				}
				in.NextIn = d
			}
			return func(ctx context.Context, tx *sqlx.Tx) error {
				_, err := incident.PostUpdate(ctx, tx, incID, in)
				return err
			}
		}}
}

// newStatusForm moves the incident to another status: resolving stops its
// clock, reopening a resolved one needs a note (incident.SetStatus, which
// the CLI's `warroom incident status` runs too). The choice starts on the
// next status in order. A change made since the form opened is refused as
// a conflict.
func newStatusForm(st *Styles, inc incident.Incident) *quickForm {
	f := newForm(st, "Change the incident's status")
	f.context = "now " + SanitizeLine(glossary.IncidentStatus(inc.Status)) + "; resolving stops the clock"
	if inc.Status == "resolved" {
		f.context = "now " + SanitizeLine(glossary.IncidentStatus(inc.Status)) + "; reopening needs a note saying why"
	}
	next := incident.Statuses[0]
	if i := slices.Index(incident.Statuses, inc.Status); i >= 0 && i+1 < len(incident.Statuses) {
		next = incident.Statuses[i+1]
	}
	f.addChoice("status", "Status", incident.Statuses, next).word = glossary.IncidentStatus
	f.addText("note", "Note", "", "what changed; required to reopen")
	id, version := inc.ID, inc.Version
	q := &quickForm{f: f.start(), tag: nextTag("timeline:status")}
	q.check = func(f *form) func(ctx context.Context, tx *sqlx.Tx) error {
		status, note := f.Value("status"), f.Value("note")
		q.saved = "status now " + glossary.IncidentStatus(status)
		return func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := incident.SetStatus(ctx, tx, id, version, status, note)
			return err
		}
	}
	return q
}

// newSeverityForm changes the incident's severity; the note saying why is
// required and goes on the timeline (incident.SetSeverity, as `warroom
// incident severity`).
func newSeverityForm(st *Styles, inc incident.Incident) *quickForm {
	f := newForm(st, "Change the incident's severity")
	f.context = "now " + SanitizeLine(glossary.Severity(inc.Severity)) + "; say why in the note, it goes on the timeline"
	f.addChoice("severity", "Severity", incident.Severities, inc.Severity).word = glossary.Severity
	f.addText("note", "Note", "", "why it changes (required)")
	id, version := inc.ID, inc.Version
	q := &quickForm{f: f.start(), tag: nextTag("timeline:severity")}
	q.check = func(f *form) func(ctx context.Context, tx *sqlx.Tx) error {
		sev, note := f.Value("severity"), f.Value("note")
		if strings.TrimSpace(note) == "" {
			f.SetFieldError("note", "say why the severity changes")
			return nil
		}
		q.saved = "severity now " + glossary.Severity(sev)
		return func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := incident.SetSeverity(ctx, tx, id, version, sev, note)
			return err
		}
	}
	return q
}
