package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

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
	rsOverallW  = 30
	rsDetailH   = 6
)

// Bar glyphs. Block elements are ambiguous-width in East Asian terminal
// setups; these are the only two places to change if one draws them wide.
const (
	barFull  = "█"
	barEmpty = "░"
)

var restoreKeys = struct{ Detail key.Binding }{
	Detail: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
}

// rsMilestone is a milestone with its last update, text sanitised once.
type rsMilestone struct {
	m                   recovery.Milestone
	title, owner, label string
	upd                 *recovery.Update
	updWhen, updWho     string
	updNote             string
}

type restoreView struct {
	st      *Styles
	loc     *time.Location
	rows    []rsMilestone
	overall int
	counts  string
	// widest title and owner, for the column widths
	titleMax, ownerMax int
	list               listState
	detail             bool

	width, height int
	cache         string
	cacheOK       bool
	renders       int
}

func newRestoreView(st *Styles) *restoreView {
	return &restoreView{st: st, loc: time.UTC, detail: true}
}

func (v *restoreView) Name() string { return "Restore" }

func (v *restoreView) SetData(s *Snapshot) {
	v.loc = s.Incident.Location()
	v.rows = make([]rsMilestone, len(s.Milestones))
	v.titleMax, v.ownerMax = 0, 0
	hay := make([]string, len(s.Milestones))
	count := map[string]int{}
	for i, m := range s.Milestones {
		r := rsMilestone{
			m:     m,
			title: SanitizeLine(m.Title),
			owner: SanitizeLine(m.Owner),
			label: statusLabel(SanitizeLine(m.Status)),
		}
		if u, ok := s.LastUpdates[m.ID]; ok {
			r.upd = &u
			r.updWhen = shortWhen(u.At.In(v.loc), s.Incident.StartedAt.In(v.loc))
			r.updWho = SanitizeLine(u.Author)
			r.updNote = SanitizeLine(u.Note)
		}
		count[m.Status]++
		v.titleMax = max(v.titleMax, lipgloss.Width(r.title))
		v.ownerMax = max(v.ownerMax, lipgloss.Width(r.owner))
		v.rows[i] = r
		hay[i] = r.title + " " + m.Key + " " + r.owner + " " + r.label + " " + r.updWho + " " + r.updNote
	}
	v.overall = recovery.Overall(s.Milestones)
	var parts []string
	for _, st := range recovery.Statuses {
		if count[st] > 0 {
			parts = append(parts, strconv.Itoa(count[st])+" "+statusLabel(st))
		}
	}
	v.counts = strings.Join(parts, " · ")
	v.list.SetItems(hay)
	v.layout()
	v.cacheOK = false
}

// shortWhen drops the year while it is the incident's year, and the time
// once it is not, so a late update never passes for one from the incident.
func shortWhen(t, ref time.Time) string {
	if t.Year() == ref.Year() {
		return t.Format("01-02 15:04")
	}
	return t.Format("2006-01-02")
}

// statusLabel is a status as people say it: "in_progress" -> "in progress".
func statusLabel(s string) string { return strings.ReplaceAll(s, "_", " ") }

func (v *restoreView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.layout()
	v.cacheOK = false
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
	handled := v.list.Update(msg)
	if !handled && !v.list.Capturing() && key.Matches(msg, restoreKeys.Detail) {
		v.detail = !v.detail
		handled = true
	}
	if handled {
		v.layout()
		v.cacheOK = false
	}
	return nil
}

func (v *restoreView) Capturing() bool { return v.list.Capturing() }

func (v *restoreView) ShortHelp() []key.Binding {
	return append(listShortHelp(), restoreKeys.Detail)
}

func (v *restoreView) FullHelp() [][]key.Binding {
	return [][]key.Binding{listFullHelp(), {restoreKeys.Detail}}
}

func (v *restoreView) Render() string {
	if v.cacheOK {
		return v.cache
	}
	v.renders++
	v.cache, v.cacheOK = v.render(), true
	return v.cache
}

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
	fixed := 2 + 1 + rsStatusW + 1 + rsProgressW + 1 + ownerW + 1 + rsWhenW
	space := v.width - fixed
	if v.width >= rsNoteAt {
		titleW = min(max(v.titleMax, 9), space/2)
		return titleW, ownerW, space - titleW - 1
	}
	return max(space, rsMinTitle), ownerW, 0
}

func (v *restoreView) render() string {
	st, w := v.st, v.width
	lines := make([]string, 0, v.height)

	full, empty := progressBar(v.overall, rsOverallW)
	overall := " " + st.Section.Render("Overall") + "  " + st.Good.Render(full) + st.Muted.Render(empty) +
		" " + st.Bold.Render(fitRight(strconv.Itoa(v.overall)+"%", 4)) + "   " + st.Muted.Render(v.counts)
	lines = append(lines, fit(overall, w), "")
	if fl := v.list.FilterLine(st, w); fl != "" {
		lines = append(lines, fl)
	}

	titleW, ownerW, noteW := v.columns()
	head := []cell{
		{text: "MILESTONE", w: titleW, style: st.Muted},
		{text: "STATUS", w: rsStatusW, style: st.Muted},
		{text: "PROGRESS", w: rsProgressW, style: st.Muted},
		{text: "OWNER", w: ownerW, style: st.Muted},
		{text: "UPDATED", w: rsWhenW, style: st.Muted},
	}
	if noteW > 0 {
		head = append(head, cell{text: "LAST NOTE", w: noteW, style: st.Muted})
	}
	lines = append(lines, fit(tableRow(st, head, false), w))

	switch {
	case len(v.rows) == 0:
		lines = append(lines, fit("  "+st.Muted.Render("No restore milestones yet."), w))
	case v.list.Len() == 0:
		lines = append(lines, fit("  "+st.Muted.Render("No milestones match the filter."), w))
	}
	from, to := v.list.Visible()
	for pos := from; pos < to; pos++ {
		r := &v.rows[v.list.Item(pos)]
		selected := pos == v.list.Cursor()
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
			{text: r.updWhen, w: rsWhenW, style: st.Muted},
		}
		if noteW > 0 {
			note := r.updNote
			if r.updWho != "" && r.updWho != r.owner && note != "" {
				note = r.updWho + ": " + note
			}
			cells = append(cells, cell{text: note, w: noteW, style: st.Muted})
		}
		row := tableRow(st, cells, selected)
		lines = append(lines, fit(row, w))
	}

	if v.showDetail() {
		end := v.chrome() + v.list.height
		if v.list.Len() == 0 {
			end = v.chrome() + 1
		}
		lines = padLines(lines, end, w)
		if i, ok := v.list.Selected(); ok {
			lines = append(lines, v.detailPane(&v.rows[i], v.height-len(lines))...)
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
	if r.upd != nil && h-len(out) > 0 {
		u := r.upd
		change := statusLabel(SanitizeLine(u.ToStatus)) + " " + strconv.Itoa(u.ToProgress) + "%"
		if u.FromStatus != nil && u.FromProgress != nil {
			change = statusLabel(SanitizeLine(*u.FromStatus)) + " " + strconv.Itoa(*u.FromProgress) + "% -> " + change
		}
		out = append(out, fit(" "+st.Muted.Render("last    ")+u.At.In(v.loc).Format("2006-01-02 15:04 MST")+
			st.Muted.Render(" by ")+r.updWho+st.Muted.Render(" · "+change), w))
		if room := h - len(out); room > 0 && r.updNote != "" {
			for _, l := range wrapText(r.updNote, w-2, room) {
				out = append(out, fit(" "+l, w))
			}
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
