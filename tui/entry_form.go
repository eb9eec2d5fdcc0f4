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

// Entry states as the form offers them.
const (
	stateHappened = "happened"
	statePlanned  = "planned"
)

// entryEdit is an open timeline entry form: a new entry, or a correction of
// one saved against the version it was opened from. The database keeps the
// version a correction replaces (incident.EntryHistory).
type entryEdit struct {
	f         *form
	adding    bool
	id        int64
	version   int
	tag       string
	reloading bool
	created   *int64 // id of the entry an add wrote, set by the write
}

// entryFields are the form's values for e in the incident's zone.
func entryFields(e incident.Entry, loc *time.Location) map[string]string {
	state, at, end := stateHappened, e.ActualStart, e.ActualEnd
	if e.Planned() {
		state, at, end = statePlanned, e.PlannedStart, e.PlannedEnd
	}
	return map[string]string{
		"kind": e.Kind, "state": state, "title": e.Title, "body": e.Body,
		"at": formTime(at, e.Precision, loc), "end": formTime(end, e.Precision, loc),
	}
}

// formTime writes a time so that ParseTime reads back exactly the same
// instant: seconds only when there are some, the date alone for day
// precision.
func formTime(t *time.Time, precision string, loc *time.Location) string {
	if t == nil {
		return ""
	}
	l := t.In(loc)
	switch {
	case precision == "day":
		return l.Format("2006-01-02")
	case l.Second() != 0 || l.Nanosecond() != 0:
		return l.Format("2006-01-02 15:04:05")
	}
	return l.Format("2006-01-02 15:04")
}

func buildEntryForm(st *Styles, title string, loc *time.Location, vals map[string]string) *form {
	f := newForm(st, title)
	f.context = "times in " + loc.String() + ": now, 2006-01-02 15:04, 2006-01-02 or RFC 3339; alt+enter for a new line in the body"
	f.addChoice("kind", "Kind", incident.Kinds, vals["kind"])
	f.addText("at", "Time", vals["at"], "now")
	f.addText("end", "End", vals["end"], "optional")
	f.addChoice("state", "State", []string{stateHappened, statePlanned}, vals["state"])
	f.addText("title", "Title", vals["title"], "one line")
	f.addArea("body", "Body", vals["body"])
	return f.start()
}

func newEntryAdd(st *Styles, loc *time.Location) *entryEdit {
	vals := map[string]string{"kind": "note", "at": "now", "state": stateHappened}
	f := buildEntryForm(st, "Add timeline entry", loc, vals)
	return &entryEdit{f: f, adding: true, tag: nextTag("timeline:add"), created: new(int64)}
}

func newEntryEdit(st *Styles, e incident.Entry, loc *time.Location) *entryEdit {
	f := buildEntryForm(st, "Correct timeline entry", loc, entryFields(e, loc))
	f.context = fmt.Sprintf("version %d by %s; the current text stays in the entry's history", e.Version, SanitizeLine(e.Author))
	// Database text in an input must not carry escapes either.
	for _, name := range []string{"title", "body"} {
		fld := f.Field(name)
		fld.SetValue(Sanitize(fld.Value()))
		fld.orig = fld.Value()
	}
	f.reload = true
	return &entryEdit{f: f, id: e.ID, version: e.Version, tag: nextTag("timeline:edit")}
}

// save parses what the form can (the times) and returns the write; nil
// when a field is wrong.
func (e *entryEdit) save(incID int64, loc *time.Location, now time.Time) tea.Cmd {
	f := e.f
	f.ClearErrors()
	in := incident.EntryInput{
		Kind: f.Value("kind"), Title: f.Value("title"), Body: f.Value("body"),
		Planned: f.Value("state") == statePlanned,
	}
	at, prec, err := incident.ParseTime(f.Value("at"), loc, now)
	if err != nil {
		f.SetFieldError("at", err.Error())
	}
	in.At, in.Precision = at, prec
	if s := strings.TrimSpace(f.Value("end")); s != "" {
		end, _, err := incident.ParseTime(s, loc, now)
		if err != nil {
			f.SetFieldError("end", err.Error())
		}
		in.End = &end
	}
	if strings.TrimSpace(in.Title) == "" {
		f.SetFieldError("title", "must not be empty")
	}
	if f.HasErrors() {
		return nil
	}
	f.saving = true
	if e.adding {
		created := e.created
		return requestWrite(e.tag, func(ctx context.Context, tx *sqlx.Tx) error {
			ent, err := incident.AddEntry(ctx, tx, incID, in)
			*created = ent.ID
			return err
		})
	}
	id, version := e.id, e.version
	return requestWrite(e.tag, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.EditEntry(ctx, tx, id, version, in)
		return err
	})
}

// entryAliases maps the domain's field names to the form's.
var entryAliases = map[string]string{"precision": "at"}

// rebase takes the entry as it is now: untouched fields follow it, typed
// ones are kept, and the next save goes against the new version.
func (e *entryEdit) rebase(ent incident.Entry, loc *time.Location) {
	e.reloading = false
	e.version = ent.Version
	vals := entryFields(ent, loc)
	vals["title"], vals["body"] = Sanitize(vals["title"]), Sanitize(vals["body"])
	for _, fld := range e.f.fields {
		if fld.Value() == fld.orig {
			fld.SetValue(vals[fld.name])
		}
		fld.orig = vals[fld.name]
	}
	e.f.ClearErrors()
	e.f.note = fmt.Sprintf("reloaded: now version %d (%s); your input is kept - enter saves it",
		ent.Version, ent.UpdatedAt.In(loc).Format("01-02 15:04:05"))
}
