package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/incident"
)

// actionEdit is an open action item form: a new item under a measure, or
// a change of one (owner, due date, status; won't do needs a reason) saved
// against the version it was opened from, so a change someone else made
// meanwhile is refused, not overwritten.
type actionEdit struct {
	f         *form
	adding    bool
	measureID int64 // adding: the measure it joins (0: Follow-ups)
	id        int64
	version   int
	tag       string
	reloading bool
	created   *int64 // id of the item an add wrote, set by the write
}

const dueLayout = "2006-01-02"

func dueText(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format(dueLayout) // a date column: no zone to convert
}

// newActionAdd opens the form for a new item under the measure (0 and
// title "" : the incident's Follow-ups).
func newActionAdd(st *Styles, measureID int64, measure string) *actionEdit {
	f := newForm(st, "Add action item")
	if measure == "" {
		measure = incident.FollowUps
	}
	f.context = "under " + measure + "; due is a date, blank for none"
	f.addText("title", "Title", "", "what is to be done")
	f.addText("owner", "Owner", "", "team or person")
	f.addText("due", "Due", "", dueLayout)
	return &actionEdit{f: f.start(), adding: true, measureID: measureID, tag: nextTag("acc:add"), created: new(int64)}
}

// newActionEdit opens the form on an item as it is now (its text already
// sanitised).
func newActionEdit(st *Styles, it incident.ActionItem) *actionEdit {
	f := newForm(st, "Edit action item")
	f.context = "won't do needs a reason; due is a date, blank for none"
	f.addText("title", "Title", it.Title, "what is to be done")
	f.addText("owner", "Owner", it.Owner, "team or person")
	f.addText("due", "Due", dueText(it.Due), dueLayout)
	f.addChoice("status", "Status", incident.ActionStatuses, it.Status)
	f.addText("reason", "Reason", it.Reason, "why it won't be done")
	f.reload = true
	e := &actionEdit{f: f.start(), id: it.ID, version: it.Version, tag: nextTag("acc:set")}
	e.describe(it)
	return e
}

func (e *actionEdit) describe(it incident.ActionItem) {
	e.f.note = fmt.Sprintf("editing version %d, last changed by %s", it.Version, SanitizeLine(it.UpdatedBy))
}

// parseDue reads the due field: nil for blank.
func (e *actionEdit) parseDue() (*time.Time, bool) {
	s := strings.TrimSpace(e.f.Value("due"))
	if s == "" {
		return nil, true
	}
	d, err := time.Parse(dueLayout, s)
	if err != nil {
		e.f.SetFieldError("due", "a date such as 2026-12-31")
		return nil, false
	}
	return &d, true
}

// save checks the due date and returns the write; nil when a field is wrong.
func (e *actionEdit) save(incID int64) tea.Cmd {
	e.f.ClearErrors()
	due, ok := e.parseDue()
	if !ok {
		return nil
	}
	if e.adding {
		n := incident.NewActionItem{MeasureID: e.measureID, Title: e.f.Value("title"), Owner: e.f.Value("owner"), Due: due}
		e.f.saving = true
		created := e.created
		return requestWrite(e.tag, func(ctx context.Context, tx *sqlx.Tx) error {
			a, err := incident.AddActionItem(ctx, tx, incID, n)
			*created = a.ID // read once the answer arrives, on the UI goroutine
			return err
		})
	}
	// Only what was changed is sent: a title shown sanitised is not
	// written back as such.
	c := incident.ActionChange{ExpectVersion: e.version, Reason: e.f.Value("reason")}
	changed := func(name string) (string, bool) {
		fld := e.f.Field(name)
		return fld.Value(), fld.Value() != fld.orig
	}
	if s, ok := changed("title"); ok {
		c.Title = &s
	}
	if s, ok := changed("owner"); ok {
		c.Owner = &s
	}
	if _, ok := changed("due"); ok {
		c.Due, c.ClearDue = due, due == nil
	}
	if s, ok := changed("status"); ok {
		c.Status = &s
	}
	e.f.saving = true
	id := e.id
	return requestWrite(e.tag, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.SetActionItem(ctx, tx, incID, id, c)
		return err
	})
}

// rebase takes the item as it is now after a reload: untouched fields take
// the new values, typed ones are kept, the next save goes against the new
// version.
func (e *actionEdit) rebase(it incident.ActionItem) {
	e.reloading = false
	e.version = it.Version
	now := map[string]string{"title": it.Title, "owner": it.Owner, "due": dueText(it.Due), "status": it.Status, "reason": it.Reason}
	for _, fld := range e.f.fields {
		v, ok := now[fld.name]
		if !ok {
			continue
		}
		if fld.Value() == fld.orig {
			fld.SetValue(v)
		}
		fld.orig = v
	}
	e.f.ClearErrors()
	e.f.note = fmt.Sprintf("reloaded: now version %d, changed by %s; your input is kept - enter saves it", it.Version, SanitizeLine(it.UpdatedBy))
}
