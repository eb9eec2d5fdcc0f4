package tui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/jmoiron/sqlx"

	"warroom/glossary"
	"warroom/recovery"
)

// Restore column widths; the note column appears from rsNoteAt cells.
const (
	rsStatusW   = 11 // "in progress"
	rsBarW      = 10
	rsProgressW = rsBarW + 5 // bar, space, "100%"
	rsWhenW     = 11         // "02-25 12:00"
	rsNoteAt    = 110
	rsMinTitle  = 16
	rsMinNote   = 20 // narrower, a note says nothing: the column is left out
	rsOverallW  = 30
	rsDetailH   = 6
	rsETAW      = 11  // "03-02 14:00"
	rsETAAt     = 100 // minimum width for the ETA column
)

// Bar glyphs. Block elements are ambiguous-width in East Asian terminal
// setups; these are the only two places to change if one draws them wide.
const (
	barFull  = "█"
	barEmpty = "░"
)

var restoreKeys = struct{ Edit, Add, MoveUp, MoveDown, Detail key.Binding }{
	Edit:     key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "update")),
	Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
	MoveUp:   key.NewBinding(key.WithKeys("K", "shift+k"), key.WithHelp("K", "move up")),
	MoveDown: key.NewBinding(key.WithKeys("J", "shift+j"), key.WithHelp("J", "move down")),
	Detail:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "detail")),
}

// moveHelp stands for K and J in the footer.
var moveHelp = key.NewBinding(key.WithKeys("K", "J"), key.WithHelp("K/J", "move"))

// rsMilestone is a milestone with its last update, text sanitised once.
type rsMilestone struct {
	m                   recovery.Milestone
	title, owner, label string
	upd                 *recovery.Update
	updWhen, updWho     string
	updNote             string
	hist                []recovery.Update
	eta, etaLong        string
}

type restoreView struct {
	st      *Styles
	loc     *time.Location
	overall int
	counts  string
	// widest title and owner, for the column widths
	titleMax, ownerMax int
	whenW              int // the UPDATED column: wider once an update is dated outside the incident's year
	list               list[rsMilestone]
	detail             bool

	incID      int64
	started    time.Time
	overallETA string
	edit       *milestoneEdit // open form, nil when none
	moveTag    string         // the reorder in flight
	flash      string         // outcome of the last action
	flashBad   bool
	follow     string // key of the milestone to select once the next data arrives

	width, height int
	drawCache
	rc rsCounts // the data counts (restore_counts.go)
}

func newRestoreView(st *Styles) *restoreView {
	return &restoreView{st: st, loc: time.UTC, detail: true}
}

func (v *restoreView) Name() string { return "Restore" }

// Parts: the milestones and their histories.
func (v *restoreView) Parts() part { return partMilestones | partIncident }

func (v *restoreView) SetData(s *Snapshot) {
	v.drop()
	keep := v.follow
	if r, ok := v.list.SelectedRow(); ok && keep == "" {
		keep = r.m.Key
	}
	v.follow = ""
	v.loc = s.Incident.Location()
	v.incID, v.started = s.Incident.ID, s.Incident.StartedAt
	rows := make([]rsMilestone, len(s.Milestones))
	v.titleMax, v.ownerMax, v.whenW = 0, 0, rsWhenW
	count := map[string]int{}
	for i, m := range s.Milestones {
		r := rsMilestone{
			m:     m,
			title: SanitizeLine(m.Title),
			owner: SanitizeLine(m.Owner),
			label: statusLabel(SanitizeLine(m.Status)),
		}
		if u, ok := s.LastUpdate(m.ID); ok {
			r.upd = &u
			r.updWhen = shortWhen(u.At.In(v.loc), s.Incident.StartedAt.In(v.loc))
			r.updWho = SanitizeLine(u.Author)
			r.updNote = SanitizeLine(u.Note)
		}
		r.hist = s.History[m.ID]
		r.eta, r.etaLong = etaText(recovery.Project(m, r.hist), v.loc, s.Incident.StartedAt)
		count[m.Status]++
		v.titleMax = max(v.titleMax, lipgloss.Width(r.title))
		v.ownerMax = max(v.ownerMax, lipgloss.Width(r.owner))
		v.whenW = max(v.whenW, lipgloss.Width(r.updWhen))
		rows[i] = r
	}
	v.overall = recovery.Overall(s.Milestones)
	_, v.overallETA = etaText(recovery.ProjectOverall(s.Milestones, s.History), v.loc, s.Incident.StartedAt)
	var parts []string
	for _, st := range recovery.Statuses {
		if count[st] > 0 {
			parts = append(parts, glossary.Count(count[st])+" "+statusLabel(st))
		}
	}
	v.counts = strings.Join(parts, " · ")
	v.list.SetRows(rows,
		func(r *rsMilestone) string {
			return r.title + " " + r.m.Key + " " + r.owner + " " + r.label + " " + r.updWho + " " + r.updNote
		},
		func(r *rsMilestone) bool { return r.m.Key == keep })
	v.refreshForm(s)
	v.layout()
}

// refreshForm tells an open update form about the milestone's new state:
// after ctrl+r it rebases on it; otherwise it warns that saving will be
// refused, without touching what the user typed.
func (v *restoreView) refreshForm(s *Snapshot) {
	e := v.edit
	if e == nil || e.adding {
		return
	}
	for _, m := range s.Milestones {
		if m.ID != e.id {
			continue
		}
		switch {
		case e.reloading:
			e.rebase(m, v.loc)
		case m.Version != e.version && !e.f.saving:
			e.f.note = "changed by " + SanitizeLine(m.UpdatedBy) + " at " + m.UpdatedAt.In(v.loc).Format("15:04:05") +
				" since you opened it: saving will be refused; ctrl+r reloads and keeps your input"
		}
		return
	}
	if e.reloading {
		e.reloading = false
		e.f.msg = "milestone " + SanitizeLine(e.key) + " no longer exists"
	}
}

// shortWhen drops the year while it is the incident's year and names it
// once it is not, so a late update never passes for one from the incident;
// the time of day is always there (an update made today needs it most).
func shortWhen(t, ref time.Time) string {
	if t.Year() == ref.Year() {
		return t.Format("01-02 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// statusLabel is a milestone status as people say it: "in_progress" ->
// "in progress" (glossary.MilestoneStatus).
func statusLabel(s string) string { return glossary.MilestoneStatus(s) }

func (v *restoreView) SetSize(w, h int) {
	v.drop()
	v.width, v.height = w, h
	v.layout()
	v.sizeForm()
}

// sizeForm fits the open form to the view's width.
func (v *restoreView) sizeForm() {
	if v.edit != nil {
		v.edit.f.SetWidth(v.width)
	}
}

// chrome is the overall line, a blank line, the column titles and the
// filter line when there is one.
func (v *restoreView) chrome() int {
	n := 3
	if v.list.Filtering() {
		n++
	}
	return n
}

func (v *restoreView) showDetail() bool {
	return v.detail && v.height-v.chrome() >= rsDetailH+3
}

func (v *restoreView) layout() {
	avail := v.height - v.chrome()
	if v.showDetail() {
		v.list.SetHeight(max(min(v.list.Len(), avail-rsDetailH), 1))
		return
	}
	v.list.SetHeight(max(avail, 1))
}

func (v *restoreView) Update(msg tea.KeyPressMsg) tea.Cmd {
	v.drop()
	defer v.sizeForm() // a key may have opened one

	if v.edit != nil {
		return v.formKey(msg)
	}
	if v.rc.show {
		v.countsKey(msg)
		return nil
	}
	handled := v.list.Update(msg)
	var cmd tea.Cmd
	if !handled && !v.list.Capturing() {
		handled = true
		switch {
		case key.Matches(msg, restoreKeys.Edit):
			if r, ok := v.list.SelectedRow(); ok {
				v.edit = newMilestoneUpdate(v.st, r.m)
			}
		case key.Matches(msg, restoreKeys.Add):
			v.edit = newMilestoneAdd(v.st, v.loc)
		case key.Matches(msg, restoreKeys.MoveUp):
			cmd = v.move(-1)
		case key.Matches(msg, restoreKeys.MoveDown):
			cmd = v.move(1)
		case key.Matches(msg, restoreKeys.Detail):
			v.detail = !v.detail
		case key.Matches(msg, rsCountsKeys.Toggle):
			v.rc.show = true
			cmd = v.refreshCounts()
		default:
			handled = false
		}
	}
	if handled {
		if v.edit != nil {
			v.flash = ""
		}
		v.layout()
	}
	return cmd
}

// Paste goes to the open form, or else to the filter prompt.
func (v *restoreView) Paste(msg tea.PasteMsg) tea.Cmd {
	v.drop()
	if v.edit != nil {
		return v.edit.f.Paste(msg)
	}
	if v.list.Paste(msg) {
		v.layout()
	}
	return nil
}

// formKey passes a key to the open form and acts on what it asks for.
func (v *restoreView) formKey(msg tea.KeyPressMsg) tea.Cmd {
	act, cmd := v.edit.f.Update(msg)
	switch act {
	case formSave:
		return v.edit.save(v.incID, v.loc, time.Now())
	case formCancel:
		v.edit = nil
	case formReload:
		if !v.edit.adding {
			v.edit.reloading = true
			return v.edit.f.askReload()
		}
	}
	return cmd
}

// move asks for the selected milestone to swap places with its neighbour,
// refused if it changed since it was read.
func (v *restoreView) move(delta int) tea.Cmd {
	r, ok := v.list.SelectedRow()
	if !ok {
		return nil
	}
	m, incID := r.m, v.incID
	v.moveTag = nextTag("restore:move")
	v.follow = m.Key
	return requestWrite(v.moveTag, func(ctx context.Context, tx *sqlx.Tx) error {
		return recovery.Move(ctx, tx, incID, m.Key, delta, m.Version)
	})
}

// Receive takes the answers to this view's writes.
func (v *restoreView) Receive(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(restoreCountsMsg); ok {
		return v.gotCounts(m)
	}
	done, ok := msg.(writeDoneMsg)
	if !ok {
		return nil
	}
	v.drop()
	switch {
	case v.edit != nil && done.tag == v.edit.tag:
		if done.err != nil {
			v.edit.f.Fail(done.err, nil)
			return nil
		}
		if v.edit.adding {
			v.follow = strings.TrimSpace(v.edit.f.Value("key"))
			v.flash = "added milestone " + v.follow
		} else {
			v.flash = "saved " + v.edit.key
		}
		v.flashBad = false
		v.edit = nil
		return reloadCmd
	case done.tag == v.moveTag:
		v.moveTag = ""
		if done.err != nil {
			v.flash, v.flashBad, v.follow = "not moved: "+SanitizeLine(done.err.Error()), true, ""
			return nil
		}
		v.flash, v.flashBad = "", false
		return reloadCmd
	}
	return nil
}

// Unsaved is true while an open form holds typed input.
func (v *restoreView) Unsaved() bool { return v.edit != nil && v.edit.f.changed() }

func (v *restoreView) Capturing() bool { return v.list.Capturing() || v.edit != nil }

// restoreFooterRoom is the width from which the footer also names c: the
// view's keys, c's and the global ones fit whole (TestRestoreFooterNamesCounts).
const restoreFooterRoom = 130

func (v *restoreView) ShortHelp() []key.Binding {
	switch {
	case v.edit != nil:
		return v.edit.f.ShortHelp()
	case v.list.Capturing():
		return v.list.ShortHelp()
	case v.rc.show:
		return []key.Binding{rsCountsKeys.Back}
	}
	// d (detail) is on the ? screen: the footer must keep room for ?. The
	// data counts, the view's other page, are named when there is room.
	b := append(v.list.ShortHelp(), restoreKeys.Edit, restoreKeys.Add, moveHelp)
	if v.width >= restoreFooterRoom {
		b = append(b, rsCountsKeys.Toggle)
	}
	return b
}

func (v *restoreView) FullHelp() [][]key.Binding {
	switch {
	case v.edit != nil:
		return v.edit.f.FullHelp()
	case v.list.Capturing():
		return [][]key.Binding{v.list.FullHelp()}
	case v.rc.show:
		return [][]key.Binding{{rsCountsKeys.Back, key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "back to milestones"))}}
	}
	k := restoreKeys
	return [][]key.Binding{v.list.FullHelp(), {k.Edit, k.Add, k.MoveUp, k.MoveDown, k.Detail, rsCountsKeys.Toggle}}
}

func (v *restoreView) Render() string { return v.draw(v.render) }

// progressBar is a hand-rolled bar: a string, so a frame costs nothing.
func progressBar(pct, w int) (filled, empty string) {
	pct = min(max(pct, 0), 100)
	n := pct * w / 100
	return strings.Repeat(barFull, n), strings.Repeat(barEmpty, w-n)
}

// columns sizes title and owner from the data, within limits, so short
// plans do not waste the width and long ones still leave room for notes.
func (v *restoreView) columns() (titleW, ownerW, noteW int) {
	ownerW = min(max(v.ownerMax, 5), 16)
	if v.width < 100 {
		ownerW = min(ownerW, 10)
	}
	fixed := 2 + 1 + rsStatusW + 1 + rsProgressW + 1 + ownerW + 1 + v.whenW
	if v.width >= rsETAAt {
		fixed += 1 + rsETAW
	}
	space := v.width - fixed
	// Titles first: the note column shows only when every title fits
	// whole beside a readable note (the detail pane has the note anyway).
	if titleW = max(v.titleMax, 9); v.width >= rsNoteAt && space-titleW-1 >= rsMinNote {
		return titleW, ownerW, space - titleW - 1
	}
	return max(space, rsMinTitle), ownerW, 0
}

func (v *restoreView) render() string {
	st, w := v.st, v.width
	if v.edit != nil {
		return strings.Join(padLines(v.edit.f.Render(w, v.height), v.height, w), "\n")
	}
	if v.rc.show {
		return v.renderCounts()
	}
	lines := make([]string, 0, v.height)

	barW := rsOverallW
	if w < rsETAAt {
		barW = 20
	}
	full, empty := progressBar(v.overall, barW)
	overall := " " + st.Section.Render("Overall") + "  " + st.Good.Render(full) + st.Muted.Render(empty) +
		" " + st.Bold.Render(fitRight(strconv.Itoa(v.overall)+"%", 4)) + "  " + st.Info.Render(v.overallETA) +
		"  " + st.Muted.Render(v.counts)
	flash := ""
	if v.flash != "" {
		fs := st.Good
		if v.flashBad {
			fs = st.Bad
		}
		flash = " " + fs.Render(v.flash)
	}
	lines = append(lines, fit(overall, w), fit(flash, w))
	if fl := v.list.FilterLine(st, w); fl != "" {
		lines = append(lines, fl)
	}

	titleW, ownerW, noteW := v.columns()
	head := []cell{
		{text: "MILESTONE", w: titleW, style: st.Muted},
		{text: "STATUS", w: rsStatusW, style: st.Muted},
		{text: "PROGRESS", w: rsProgressW, style: st.Muted},
		{text: "OWNER", w: ownerW, style: st.Muted},
		{text: "UPDATED", w: v.whenW, style: st.Muted},
	}
	if w >= rsETAAt {
		head = append(head, cell{text: "ETA", w: rsETAW, style: st.Muted})
	}
	if noteW > 0 {
		head = append(head, cell{text: "LAST NOTE", w: noteW, style: st.Muted})
	}
	lines = append(lines, fit(tableRow(st, head, false), w))

	cols := [...]int{titleW, ownerW, noteW, v.whenW}
	lines = append(lines, v.list.table(st, w, cols, "No restore milestones yet.", "No milestones match the filter.", func(r *rsMilestone, selected bool) []cell {
		statusSt := st.StatusStyle(r.m.Status)
		barF, barE := progressBar(r.m.Progress, rsBarW)
		pct := fitRight(strconv.Itoa(r.m.Progress)+"%", 4)
		fs, es, ps := statusSt, st.Muted, st.Bold
		if selected {
			bg := st.Theme.Selection
			fs, es, ps = fs.Background(bg).Bold(true), es.Background(bg), ps.Background(bg)
		}
		cells := []cell{
			{text: r.title, w: titleW, style: st.Header},
			{text: r.label, w: rsStatusW, style: statusSt},
			{text: fs.Render(barF) + es.Render(barE) + ps.Render(" "+pct), w: rsProgressW, raw: true},
			{text: r.owner, w: ownerW, style: st.Header},
			{text: r.updWhen, w: v.whenW, style: st.Muted},
		}
		if w >= rsETAAt {
			cells = append(cells, cell{text: r.eta, w: rsETAW, style: st.Info})
		}
		if noteW > 0 {
			note := r.updNote
			if r.updWho != "" && r.updWho != r.owner && note != "" {
				note = r.updWho + ": " + note
			}
			cells = append(cells, cell{text: note, w: noteW, style: st.Muted})
		}
		return cells
	})...)

	if v.showDetail() {
		end := v.chrome() + v.list.height
		if v.list.Len() == 0 {
			end = v.chrome() + 1
		}
		lines = padLines(lines, end, w)
		if r, ok := v.list.SelectedRow(); ok {
			lines = append(lines, v.detailPane(r, v.height-len(lines))...)
		}
	}
	return strings.Join(padLines(lines, v.height, w), "\n")
}

func (v *restoreView) detailPane(r *rsMilestone, h int) []string {
	st, w, m := v.st, v.width, r.m
	out := []string{rule(st, SanitizeLine(m.Key), w)}
	head := " " + st.Bold.Render(r.title) + "  " + st.StatusStyle(m.Status).Render(r.label) +
		st.Muted.Render(" · "+strconv.Itoa(m.Progress)+"%")
	if r.owner != "" {
		head += st.Muted.Render(" · owner " + r.owner)
	}
	out = append(out, fit(head, w))
	if m.PlannedStart != nil {
		out = append(out, fit(" "+st.Muted.Render("planned ")+v.window(m.PlannedStart, m.PlannedEnd), w))
	}
	if m.ActualStart != nil {
		s := " " + st.Muted.Render("actual  ") + v.window(m.ActualStart, m.ActualEnd)
		if m.PlannedEnd != nil && m.ActualEnd != nil {
			s += "  " + st.Warn.Render("finished "+drift(*m.PlannedEnd, *m.ActualEnd))
		}
		out = append(out, fit(s, w))
	}
	out = append(out, fit(" "+st.Info.Render(r.etaLong)+st.Muted.Render(etaBasis(len(r.hist))), w))
	return append(out, v.historyLines(r, h-len(out))...)
}

// etaBasis says what a projection rests on.
func etaBasis(n int) string {
	switch n {
	case 0:
		return " · no updates recorded"
	case 1:
		return " · 1 update recorded"
	}
	return " · " + glossary.Plural(n, "update", "updates") + " recorded"
}

// historyLines is the milestone's updates, newest first, in at most h
// lines: who, when, from -> to and the note, which wraps onto the next
// lines while there is room; the oldest give way to a count.
func (v *restoreView) historyLines(r *rsMilestone, h int) []string {
	st, w := v.st, v.width
	var out []string
	for i := len(r.hist) - 1; i >= 0; i-- {
		left := h - len(out)
		if left <= 0 || (left == 1 && i > 0) {
			if i >= 0 && left >= 1 {
				out = append(out, fit(" "+st.Muted.Render("… "+strconv.Itoa(i+1)+" earlier"), w))
			}
			break
		}
		u := r.hist[i]
		line := updateLine(st, u, v.loc, v.started)
		note := SanitizeLine(u.Note)
		if lipgloss.Width(line) <= w || note == "" || left < 3 {
			out = append(out, fit(line, w))
			continue
		}
		u.Note = ""
		out = append(out, fit(updateLine(st, u, v.loc, v.started), w))
		for _, l := range wrapText(note, w-4, min(2, left-2)) {
			out = append(out, fit("   "+st.Muted.Render(l), w))
		}
	}
	return out
}

func (v *restoreView) window(start, end *time.Time) string {
	s := start.In(v.loc).Format("2006-01-02 15:04")
	if end != nil {
		s += " - " + end.In(v.loc).Format("2006-01-02 15:04")
	}
	s += " " + start.In(v.loc).Format("MST")
	if end != nil {
		s += " (" + duration(end.Sub(*start)) + ")"
	}
	return s
}
