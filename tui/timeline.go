package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"warroom/glossary"
	"warroom/incident"
)

// Timeline column widths. The window column only appears on wide screens;
// the detail pane always shows both windows in full.
const (
	tlWhenW    = 17 // "2006-01-02 ~15:04" (approximate)
	tlKindW    = 9  // "rehearsal"
	tlStateW   = 7  // "planned"
	tlWindowW  = 30
	tlWindowAt = 110 // minimum width for the window column
	tlMinTitle = 16
	tlDetailH  = 6 // minimum detail pane height, rule included
)

// timelineKeys are the timeline's own keys; the list keys are shared.
// Role, Status and Severity steer the incident: offered only to logins
// that may (Snapshot.MaySteer).
var timelineKeys = struct {
	Add, Edit, Detail, Update, Role, Status, Severity, BodyDown, BodyUp key.Binding
}{
	Add:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
	Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
	Detail: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
	Update: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "post update")),
	Role:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "assign role")),
	// S and V as R: shifted, because they change the incident, not an entry.
	Status:   key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "status (resolve)")),
	Severity: key.NewBinding(key.WithKeys("V"), key.WithHelp("V", "severity")),
	// Offered only while the selected entry's body overflows the pane.
	BodyDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "scroll body down")),
	BodyUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "scroll body up")),
}

// tlEntry is an entry with its text already sanitised: sanitising is done
// once per load, not once per frame.
type tlEntry struct {
	e                         incident.Entry
	kind, title, body, author string
	when, state, window       string
	hist                      []incident.EntryVersion
}

type timelineView struct {
	st     *Styles
	loc    *time.Location
	list   list[tlEntry]
	detail bool // detail pane wanted (it still needs the height)

	incID     int64
	inc       incident.Incident // the incident's row: what S and V start from
	commander string
	maySteer  bool       // Snapshot.MaySteer: R, S and V are offered
	edit      *entryEdit // open form, nil when none
	quick     *quickForm // open role or update form, nil when none
	flash     string     // outcome of the last save, shown in the detail rule
	follow    int64      // entry to select once the next data arrives
	bodyFor   int64      // entry whose body is scrolled by bodyOff lines
	bodyOff   int

	width, height int
	drawCache
}

func newTimelineView(st *Styles) *timelineView {
	return &timelineView{st: st, loc: time.UTC, detail: true}
}

func (v *timelineView) Name() string { return "Timeline" }

// Parts: the timeline and the earlier versions of its entries.
func (v *timelineView) Parts() part { return partTimeline | partIncident | partDuty }

func (v *timelineView) SetData(s *Snapshot) {
	v.drop()
	keep := v.follow
	if te, ok := v.list.SelectedRow(); ok && keep == 0 {
		keep = te.e.ID
	}
	v.follow = 0
	v.loc = s.Incident.Location()
	v.incID, v.inc, v.commander, v.maySteer = s.Incident.ID, s.Incident, s.Commander, s.MaySteer
	entries := make([]tlEntry, len(s.Timeline))
	for i, e := range s.Timeline {
		te := tlEntry{
			e:      e,
			kind:   SanitizeLine(e.Kind),
			title:  SanitizeLine(e.Title),
			body:   strings.TrimSpace(Sanitize(e.Body)),
			author: SanitizeLine(e.Author),
			when:   whenText(e.At(), e.Precision, v.loc),
			state:  "actual",
		}
		if e.Planned() {
			te.state = "planned"
		}
		te.window = tlWindow(e, v.loc)
		te.hist = s.EntryHistory[e.ID]
		entries[i] = te
	}
	v.list.SetRows(entries,
		func(te *tlEntry) string { return te.when + " " + te.kind + " " + te.title + " " + te.body },
		func(te *tlEntry) bool { return te.e.ID == keep })
	v.refreshForm(s)
	v.layout()
}

// refreshForm rebases an open correction after ctrl+r, or warns that
// someone else has corrected the entry meanwhile.
func (v *timelineView) refreshForm(s *Snapshot) {
	e := v.edit
	if e == nil || e.adding {
		return
	}
	for _, ent := range s.Timeline {
		if ent.ID != e.id {
			continue
		}
		switch {
		case e.reloading:
			e.rebase(ent, v.loc)
		case ent.Version != e.version && !e.f.saving:
			e.f.note = "corrected by someone else at " + ent.UpdatedAt.In(v.loc).Format("15:04:05") +
				" since you opened it: saving will be refused; ctrl+r reloads and keeps your input"
		}
		return
	}
	if e.reloading {
		e.reloading = false
		e.f.msg = "the entry no longer exists"
	}
}

// tlWindow is the row's window column: the actual span, and the planned one
// beside it when it differs.
func tlWindow(e incident.Entry, loc *time.Location) string {
	act := spanText(e.ActualStart, e.ActualEnd, e.Precision, loc)
	plan := spanText(e.PlannedStart, e.PlannedEnd, e.Precision, loc)
	switch {
	case act != "" && plan != "" && plan != act:
		return act + " (plan " + plan + ")"
	case act != "":
		return act
	case plan != "":
		return "plan " + plan
	}
	return ""
}

func (v *timelineView) SetSize(w, h int) {
	v.drop()
	v.width, v.height = w, h
	v.layout()
	v.sizeForm()
}

// sizeForm fits the open form to the view's width.
func (v *timelineView) sizeForm() {
	if v.edit != nil {
		v.edit.f.SetWidth(v.width)
	}
	if v.quick != nil {
		v.quick.f.SetWidth(v.width)
	}
}

// layout gives the list the rows it needs, leaving the rest to the detail
// pane when there is room for one.
func (v *timelineView) layout() {
	v.list.SetHeight(v.listRows())
}

func (v *timelineView) chrome() int {
	n := 1 // column titles
	if v.list.Filtering() {
		n++
	}
	return n
}

func (v *timelineView) listRows() int {
	avail := v.height - v.chrome()
	if v.showDetail() {
		return max(min(v.list.Len(), avail-tlDetailH), 1)
	}
	return max(avail, 1)
}

func (v *timelineView) showDetail() bool {
	return v.detail && v.height-v.chrome() >= tlDetailH+3
}

func (v *timelineView) Update(msg tea.KeyPressMsg) tea.Cmd {
	v.drop()
	defer v.sizeForm() // a key may have opened one

	if v.edit != nil {
		return v.formKey(msg)
	}
	if v.quick != nil {
		cmd, closed := v.quick.key(msg)
		if closed {
			v.quick = nil
		}
		return cmd
	}
	wasFiltering := v.list.Filtering()
	handled := v.list.Update(msg)
	if handled {
		v.flash = ""
	}
	if !handled && !v.list.Capturing() {
		handled = true
		switch {
		case key.Matches(msg, timelineKeys.Detail):
			v.detail = !v.detail
			v.layout() // the list's height depends on the pane
		case key.Matches(msg, timelineKeys.Add):
			v.edit, v.flash = newEntryAdd(v.st, v.loc), ""
		case key.Matches(msg, timelineKeys.Edit):
			if te, ok := v.list.SelectedRow(); ok {
				v.edit, v.flash = newEntryEdit(v.st, te.e, v.loc), ""
			}
		case key.Matches(msg, timelineKeys.Update):
			v.quick, v.flash = newUpdateForm(v.st, v.incID), ""
		case key.Matches(msg, timelineKeys.Role) && v.maySteer:
			v.quick, v.flash = newRoleForm(v.st, v.incID, v.commander), ""
		case key.Matches(msg, timelineKeys.Status) && v.maySteer:
			v.quick, v.flash = newStatusForm(v.st, v.inc), ""
		case key.Matches(msg, timelineKeys.Severity) && v.maySteer:
			v.quick, v.flash = newSeverityForm(v.st, v.inc), ""
		case key.Matches(msg, timelineKeys.BodyDown, timelineKeys.BodyUp) && v.bodyOverflows():
			te, _ := v.list.SelectedRow()
			_, body, room := v.detailParts(te, v.detailHeight())
			step := max(room/2, 1)
			if key.Matches(msg, timelineKeys.BodyUp) {
				step = -step
			}
			v.bodyFor, v.bodyOff = te.e.ID, min(max(v.offsetFor(te)+step, 0), len(body)-(room-1))
		default:
			handled = false
		}
	}
	if handled {
		if wasFiltering != v.list.Filtering() || v.list.Filtering() {
			v.layout()
		}
	}
	return nil
}

// Paste goes to the open form, or else to the filter prompt.
func (v *timelineView) Paste(msg tea.PasteMsg) tea.Cmd {
	v.drop()
	if v.edit != nil {
		return v.edit.f.Paste(msg)
	}
	if v.quick != nil {
		return v.quick.f.Paste(msg)
	}
	if v.list.Paste(msg) {
		v.flash = ""
		v.layout()
	}
	return nil
}

// formKey passes a key to the open form and acts on what it asks for.
func (v *timelineView) formKey(msg tea.KeyPressMsg) tea.Cmd {
	e := v.edit
	act, cmd := e.f.Update(msg)
	switch act {
	case formSave:
		if !e.adding && !e.f.changed() {
			v.edit, v.flash = nil, "nothing changed, nothing saved"
			return nil
		}
		return e.save(v.incID, v.loc, time.Now())
	case formCancel:
		v.edit = nil
	case formReload:
		if !e.adding {
			e.reloading = true
			return e.f.askReload()
		}
	}
	return cmd
}

// Receive takes the answer to the open form's save.
func (v *timelineView) Receive(msg tea.Msg) tea.Cmd {
	if v.quick != nil {
		if ok, mine := v.quick.done(msg); mine {
			v.drop()
			if ok {
				v.flash, v.quick = v.quick.saved, nil
				return reloadCmd
			}
			return nil
		}
	}
	done, ok := msg.(writeDoneMsg)
	if !ok || v.edit == nil || done.tag != v.edit.tag {
		return nil
	}
	v.drop()
	if done.err != nil {
		v.edit.f.Fail(done.err, entryAliases)
		return nil
	}
	if v.edit.adding {
		v.follow, v.flash = *v.edit.created, "entry added"
	} else {
		v.flash = "correction saved; the earlier version is in the entry's history"
	}
	v.edit = nil
	return reloadCmd
}

// Unsaved is true while an open form holds typed input.
func (v *timelineView) Unsaved() bool {
	return v.edit != nil && v.edit.f.changed() || v.quick != nil && v.quick.f.changed()
}

func (v *timelineView) Capturing() bool { return v.list.Capturing() || v.edit != nil || v.quick != nil }

func (v *timelineView) ShortHelp() []key.Binding {
	switch {
	case v.edit != nil:
		return v.edit.f.ShortHelp()
	case v.quick != nil:
		return v.quick.f.ShortHelp()
	case v.list.Capturing():
		return v.list.ShortHelp()
	}
	// enter (detail), u, R, S and V are on the ? screen: the footer must
	// keep room for ? and q at 80 columns.
	return append(v.list.ShortHelp(), timelineKeys.Add, timelineKeys.Edit)
}

func (v *timelineView) FullHelp() [][]key.Binding {
	switch {
	case v.edit != nil:
		return v.edit.f.FullHelp()
	case v.quick != nil:
		return v.quick.f.FullHelp()
	case v.list.Capturing():
		return [][]key.Binding{v.list.FullHelp()}
	}
	k := timelineKeys
	own := []key.Binding{k.Add, k.Edit, k.Detail, k.Update}
	if v.maySteer {
		own = append(own, k.Role, k.Status, k.Severity)
	}
	if v.bodyOverflows() {
		own = append(own, k.BodyDown, k.BodyUp)
	}
	return [][]key.Binding{v.list.FullHelp(), own}
}

func (v *timelineView) Render() string { return v.draw(v.render) }

func (v *timelineView) columns() (titleW, windowW int) {
	// 2 for the cursor mark, one space between columns.
	fixed := 2 + tlWhenW + 1 + tlKindW + 1 + tlStateW + 1
	if v.width >= tlWindowAt {
		windowW = tlWindowW
		fixed += 1 + windowW
	}
	return max(v.width-fixed, tlMinTitle), windowW
}

func (v *timelineView) render() string {
	st, w := v.st, v.width
	if v.edit != nil {
		return strings.Join(padLines(v.edit.f.Render(w, v.height), v.height, w), "\n")
	}
	if v.quick != nil {
		return strings.Join(padLines(v.quick.f.Render(w, v.height), v.height, w), "\n")
	}
	lines := make([]string, 0, v.height)
	if fl := v.list.FilterLine(st, w); fl != "" {
		lines = append(lines, fl)
	}
	titleW, windowW := v.columns()
	head := []cell{
		{text: "WHEN", w: tlWhenW, style: st.Muted},
		{text: "KIND", w: tlKindW, style: st.Muted},
		{text: "STATE", w: tlStateW, style: st.Muted},
		{text: "TITLE", w: titleW, style: st.Muted},
	}
	if windowW > 0 {
		head = append(head, cell{text: "WINDOW", w: windowW, style: st.Muted})
	}
	lines = append(lines, fit(tableRow(st, head, false), w))

	lines = append(lines, v.list.table(st, w, [...]int{titleW, windowW}, "No timeline entries yet.", "No entries match the filter.", func(te *tlEntry, _ bool) []cell {
		stateStyle := st.Muted
		if te.state == "actual" {
			stateStyle = st.Header
		}
		cells := []cell{
			{text: te.when, w: tlWhenW, style: st.Header},
			{text: te.kind, w: tlKindW, style: st.KindStyle(te.e.Kind)},
			{text: te.state, w: tlStateW, style: stateStyle},
			{text: te.title, w: titleW, style: st.Header},
		}
		if windowW > 0 {
			cells = append(cells, cell{text: te.window, w: windowW, style: st.Muted})
		}
		return cells
	})...)

	if v.showDetail() {
		listEnd := v.chrome() + v.list.height
		if v.list.Len() == 0 {
			listEnd = v.chrome() + 1
		}
		lines = padLines(lines, listEnd, w)
		if te, ok := v.list.SelectedRow(); ok {
			lines = append(lines, v.detailPane(te, v.height-len(lines))...)
		}
	}
	return strings.Join(padLines(lines, v.height, w), "\n")
}

// detailPane is the selected entry in full: both windows with their
// durations and drift, who wrote it, and the body wrapped to the width. A
// body longer than the pane shows a window of it, scrolled with ctrl+d and
// ctrl+u, under a line saying which lines are shown.
func (v *timelineView) detailPane(te *tlEntry, h int) []string {
	out, body, room := v.detailParts(te, h)
	if len(body) <= room || room < 2 {
		return append(out, body[:min(room, len(body))]...)
	}
	off := min(v.offsetFor(te), len(body)-(room-1))
	shown := body[off : off+room-1]
	out = append(out, shown...)
	return append(out, fit(" "+v.st.Muted.Render(fmt.Sprintf("lines %s-%s of %s · ctrl+d/ctrl+u scroll",
		glossary.Count(off+1), glossary.Count(off+len(shown)), glossary.Count(len(body)))), v.width))
}

// offsetFor is the body scroll of te: a newly selected entry starts at its top.
func (v *timelineView) offsetFor(te *tlEntry) int {
	if te.e.ID != v.bodyFor {
		return 0
	}
	return v.bodyOff
}

// detailHeight is the height render gives the detail pane.
func (v *timelineView) detailHeight() int {
	top := v.chrome() + v.list.height
	if v.list.Len() == 0 {
		top = v.chrome() + 1
	}
	return v.height - top
}

// bodyOverflows is true when the selected entry's body does not fit its pane.
func (v *timelineView) bodyOverflows() bool {
	te, ok := v.list.SelectedRow()
	if !ok || !v.showDetail() || v.edit != nil || v.quick != nil {
		return false
	}
	_, body, room := v.detailParts(te, v.detailHeight())
	return room > 1 && len(body) > room
}

// detailParts are the pane's fixed lines, the body's wrapped lines and the
// rows left for the body.
func (v *timelineView) detailParts(te *tlEntry, h int) (out, body []string, room int) {
	st, w, e := v.st, v.width, te.e
	out = []string{rule(st, te.kind, w)}
	if v.flash != "" {
		out[0] = rule(st, te.kind+" · "+v.flash, w)
	}
	meta := te.when
	if te.author != "" {
		meta += " · by " + te.author
	}
	out = append(out, fit(" "+st.Bold.Render(te.title)+"  "+st.Muted.Render(meta), w))
	zone := e.At().In(v.loc).Format("MST")
	if e.PlannedStart != nil {
		out = append(out, fit(" "+st.Muted.Render("planned ")+v.window(e.PlannedStart, e.PlannedEnd, e.Precision, zone), w))
	}
	if e.ActualStart != nil {
		s := " " + st.Muted.Render("actual  ") + v.window(e.ActualStart, e.ActualEnd, e.Precision, zone)
		if e.PlannedStart != nil && e.Precision != "day" {
			d := "started " + drift(*e.PlannedStart, *e.ActualStart)
			if e.PlannedEnd != nil && e.ActualEnd != nil {
				d += ", ended " + drift(*e.PlannedEnd, *e.ActualEnd)
			}
			s += "  " + st.Warn.Render(d)
		}
		out = append(out, fit(s, w))
	}
	if n := len(te.hist); n > 0 && h-len(out) > 1 {
		// Corrections, newest first: the record is never silently rewritten.
		out = append(out, fit(" "+st.Warn.Render("corrected: ")+st.Muted.Render(plural(n, "earlier version")), w))
		for i := n - 1; i >= 0 && h-len(out) > 1; i-- {
			out = append(out, fit(versionLine(st, te.hist[i], v.loc), w))
		}
	}
	if te.body != "" {
		for _, l := range wrapText(te.body, w-2, math.MaxInt) {
			body = append(body, fit(" "+l, w))
		}
	}
	return out, body, max(h-len(out), 0)
}

// window is a full span "2020-03-02 02:05 - 2020-03-02 07:40 CST (5h 35m)".
func (v *timelineView) window(start, end *time.Time, precision, zone string) string {
	s := whenText(*start, precision, v.loc)
	if end != nil {
		s += " - " + whenText(*end, precision, v.loc)
	}
	if precision != "day" {
		s += " " + zone
	}
	if end != nil && precision != "day" {
		s += " (" + duration(end.Sub(*start)) + ")"
	}
	return s
}
