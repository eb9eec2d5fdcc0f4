package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/incident"
	"warroom/recovery"
)

// milestoneEdit is an open milestone form: an update of one milestone
// (progress, status, note) or a new milestone (key, title, owner, planned
// window). An update saves against the version it was opened from, so a
// change someone else made meanwhile is refused, not overwritten.
type milestoneEdit struct {
	f       *form
	adding  bool
	id      int64
	key     string
	version int
	tag     string
	// reloading: ctrl+r asked for fresh data; the next snapshot rebases the
	// form on it.
	reloading bool
}

// formSeq numbers forms, so an answer to a closed form's save is not
// taken by the next form.
var formSeq atomic.Int64

func nextTag(kind string) string {
	return kind + ":" + strconv.FormatInt(formSeq.Add(1), 10)
}

// newMilestoneUpdate opens the update form on m as it is now.
func newMilestoneUpdate(st *Styles, m recovery.Milestone) *milestoneEdit {
	f := newForm(st, "Update milestone "+SanitizeLine(m.Key))
	f.context = SanitizeLine(m.Title)
	f.addText("progress", "Progress %", strconv.Itoa(m.Progress), "0-100")
	f.addChoice("status", "Status", recovery.Statuses, m.Status)
	f.addText("note", "Note", "", "what changed; required when blocked")
	f.onChange = func(f *form, field string) {
		// Done means 100%: say so in the form rather than refuse the save.
		if field == "status" && f.Value("status") == "done" {
			f.Field("progress").SetValue("100")
			f.Field("progress").err = ""
		}
	}
	f.reload = true
	e := &milestoneEdit{f: f.start(), id: m.ID, key: m.Key, version: m.Version, tag: nextTag("restore:set")}
	e.describeVersion(m)
	return e
}

// newMilestoneAdd opens the form for a new milestone at the end of the plan.
func newMilestoneAdd(st *Styles, loc *time.Location) *milestoneEdit {
	f := newForm(st, "Add milestone")
	f.context = "appended to the end of the plan; times in " + loc.String() + ", blank for none"
	f.addText("key", "Key", "", "short-name, e.g. billing-db")
	f.addText("title", "Title", "", "what is restored")
	f.addText("owner", "Owner", "", "team or person")
	f.addText("planned_start", "Planned start", "", "2006-01-02 15:04")
	f.addText("planned_end", "Planned end", "", "2006-01-02 15:04")
	return &milestoneEdit{f: f.start(), adding: true, tag: nextTag("restore:add")}
}

func (e *milestoneEdit) describeVersion(m recovery.Milestone) {
	e.f.note = fmt.Sprintf("editing version %d, last changed by %s", m.Version, SanitizeLine(m.UpdatedBy))
}

// save checks what the form can check itself (a number, a time) and
// returns the write; nil when a field is wrong (its error is on screen).
func (e *milestoneEdit) save(incID int64, loc *time.Location, now time.Time) tea.Cmd {
	e.f.ClearErrors()
	if e.adding {
		return e.saveAdd(incID, loc, now)
	}
	p, err := strconv.Atoi(strings.TrimSpace(e.f.Value("progress")))
	if err != nil {
		e.f.SetFieldError("progress", "a whole number from 0 to 100")
		return nil
	}
	status := e.f.Value("status")
	c := recovery.Change{Key: e.key, ExpectVersion: e.version, Progress: &p, Status: &status, Note: e.f.Value("note")}
	e.f.saving = true
	return requestWrite(e.tag, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := recovery.Set(ctx, tx, incID, c)
		return err
	})
}

func (e *milestoneEdit) saveAdd(incID int64, loc *time.Location, now time.Time) tea.Cmd {
	n := recovery.NewMilestone{Key: strings.TrimSpace(e.f.Value("key")), Title: e.f.Value("title"), Owner: e.f.Value("owner")}
	for _, fld := range []struct {
		name string
		dst  **time.Time
	}{{"planned_start", &n.PlannedStart}, {"planned_end", &n.PlannedEnd}} {
		s := strings.TrimSpace(e.f.Value(fld.name))
		if s == "" {
			continue // blank means none (ParseTime would read it as now)
		}
		t, _, err := incident.ParseTime(s, loc, now)
		if err != nil {
			e.f.SetFieldError(fld.name, err.Error())
			continue
		}
		*fld.dst = &t
	}
	if e.f.HasErrors() {
		return nil
	}
	e.f.saving = true
	return requestWrite(e.tag, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := recovery.Add(ctx, tx, incID, n)
		return err
	})
}

// rebase takes the milestone as it is now after a reload: fields the user
// has not touched take the new values, typed ones are kept, and the next
// save goes against the new version.
func (e *milestoneEdit) rebase(m recovery.Milestone, loc *time.Location) {
	e.reloading = false
	e.version = m.Version
	for _, fld := range e.f.fields {
		var now string
		switch fld.name {
		case "progress":
			now = strconv.Itoa(m.Progress)
		case "status":
			now = m.Status
		default:
			continue
		}
		if fld.Value() == fld.orig {
			fld.SetValue(now)
		}
		fld.orig = now
	}
	e.f.ClearErrors()
	e.f.note = fmt.Sprintf("reloaded: now version %d, changed by %s at %s; your input is kept - enter saves it",
		m.Version, SanitizeLine(m.UpdatedBy), m.UpdatedAt.In(loc).Format("01-02 15:04:05"))
}
