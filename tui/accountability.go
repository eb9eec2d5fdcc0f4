package tui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/glossary"
	"warroom/incident"
)

// Accountability is one scrolling page: people with their findings and
// pledges, then the remediation measures with their action items. The
// cursor walks entries (a person, a measure, an action item) while the page
// scrolls by lines, because a person's wrapped findings span many lines.

type accEntryKind int

const (
	accPerson accEntryKind = iota
	accMeasure
	accItem
)

// accEntry is one selectable, filterable thing on the page.
type accEntry struct {
	kind    accEntryKind
	person  int    // index into people (accPerson)
	measure int    // index into measures (accMeasure, accItem)
	item    int    // index into the measure's items (accItem)
	hay     string // what the filter searches
}

type accLineKind int

const (
	accLineBlank accLineKind = iota
	accLineHeading
	accLineColumns // column titles under a heading
	accLineEntry   // the first line of an entry: the selectable one
	accLineFinding
	accLineConsequence
	accLineSummary
	accLineDetail // the full text of a cut title
	accLineNote
)

// accLine is one screen line, kept unstyled so only visible lines pay for
// styling.
type accLine struct {
	kind  accLineKind
	entry int    // index into entries; -1 for lines that belong to none
	text  string // heading, wrapped finding or summary fragment
}

// accKeys write action items: a adds one (under the measure at the
// cursor, else Follow-ups), e edits the one at the cursor, x closes it
// (done).
var accKeys = struct{ Add, Edit, Close key.Binding }{
	Add:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add action")),
	Edit:  key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "edit action")),
	Close: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "close (done)")),
}

type accountabilityView struct {
	st *Styles

	incID  int64
	loc    *time.Location
	now    func() time.Time // the console's clock: what is overdue
	today  time.Time        // now() when the data arrived
	counts incident.ActionCounts

	edit     *actionEdit // open form, nil when none
	closeTag string      // the close in flight
	flash    string      // outcome of the last write
	flashBad bool
	follow   int64 // action item to select once the next data arrives

	people   []incident.Person  // sanitised copies
	measures []incident.Measure // sanitised copies
	list     list[accEntry]     // entry indexes (entryLine, accLine.entry) are into its Rows

	width, height int

	// Built from data, filter and width; rebuilt when any of them changes.
	lines     []accLine
	entryLine []int // entries index -> first line in lines, -1 when filtered out
	linesFor  string
	nameW     int
	nativeW   int
	pledgeW   int
	ownerW    int
	top       int // first visible line
	drawCache
}

func newAccountabilityView(st *Styles, now func() time.Time) *accountabilityView {
	if now == nil {
		now = time.Now
	}
	return &accountabilityView{st: st, loc: time.UTC, now: now}
}

func (v *accountabilityView) Name() string { return "Accountability" }

func (v *accountabilityView) Capturing() bool { return v.list.Capturing() || v.edit != nil }

// Unsaved is true while an open form holds typed input.
func (v *accountabilityView) Unsaved() bool { return v.edit != nil && v.edit.f.changed() }

func (v *accountabilityView) ShortHelp() []key.Binding {
	switch {
	case v.edit != nil:
		return v.edit.f.ShortHelp()
	case v.list.Capturing():
		return v.list.ShortHelp()
	}
	b := append(v.list.ShortHelp(), accKeys.Add)
	if _, ok := v.selectedItem(); ok {
		b = append(b, accKeys.Edit, accKeys.Close)
	}
	return b
}

func (v *accountabilityView) FullHelp() [][]key.Binding {
	switch {
	case v.edit != nil:
		return v.edit.f.FullHelp()
	case v.list.Capturing():
		return [][]key.Binding{v.list.FullHelp()}
	}
	b := []key.Binding{accKeys.Add}
	if _, ok := v.selectedItem(); ok {
		b = append(b, accKeys.Edit, accKeys.Close)
	}
	return [][]key.Binding{v.list.FullHelp(), b}
}

// selectedItem is the action item at the cursor, if the cursor is on one.
func (v *accountabilityView) selectedItem() (incident.ActionItem, bool) {
	e, ok := v.list.SelectedRow()
	if !ok || e.kind != accItem {
		return incident.ActionItem{}, false
	}
	return v.measures[e.measure].Items[e.item], true
}

// selectedMeasure is the measure the cursor is in (on it or one of its
// items): where a new item goes.
func (v *accountabilityView) selectedMeasure() (incident.Measure, bool) {
	e, ok := v.list.SelectedRow()
	if !ok || e.kind == accPerson {
		return incident.Measure{}, false
	}
	return v.measures[e.measure], true
}

func (v *accountabilityView) SetSize(width, height int) {
	v.drop()
	if v.edit != nil {
		v.edit.f.SetWidth(width)
	}
	if width == v.width && height == v.height {
		return
	}
	v.width, v.height = width, height
	v.lines = nil
	v.layout()
}

// listH is the rows the entries get: the body less the counts line and
// the filter line.
func (v *accountabilityView) listH() int {
	if v.list.Filtering() {
		return max(v.height-2, 0)
	}
	return max(v.height-1, 0)
}

// layout lays the entries out as lines and moves the window to the
// cursor. Whatever changes size, data, filter or cursor calls it, so
// Render only draws.
func (v *accountabilityView) layout() {
	if v.width <= 0 || v.height <= 0 {
		return
	}
	v.build()
	rows := v.listH()
	v.list.SetHeight(max(rows, 1))
	v.scrollToCursor(rows)
}

// Parts: the people and measures.
func (v *accountabilityView) Parts() part { return partAccountability | partIncident }

func (v *accountabilityView) SetData(s *Snapshot) {
	v.drop()
	keep := v.follow
	if it, ok := v.selectedItem(); ok && keep == 0 {
		keep = it.ID
	}
	v.follow = 0
	v.people, v.measures = nil, nil
	v.today = v.now()
	if s != nil {
		v.people = sanitizePeople(s.Accountability.People)
		v.measures = sanitizeMeasures(s.Accountability.Measures)
		v.incID, v.loc = s.Incident.ID, s.Incident.Location()
	}
	v.counts = incident.CountActions(v.measures, v.today, v.loc)
	var entries []accEntry
	for i, p := range v.people {
		entries = append(entries, accEntry{kind: accPerson, person: i, hay: personHaystack(p)})
	}
	for mi, m := range v.measures {
		// A measure matches when it or any of its items does, so a filter
		// that finds an item keeps the item's heading on screen.
		mtext := strconv.Itoa(m.Position) + ". " + m.Title + " " + m.Summary
		all := []string{mtext}
		for _, it := range m.Items {
			all = append(all, itemHaystack(it))
		}
		entries = append(entries, accEntry{kind: accMeasure, measure: mi, hay: strings.Join(all, " ")})
		for ii, it := range m.Items {
			entries = append(entries, accEntry{kind: accItem, measure: mi, item: ii, hay: mtext + " " + itemHaystack(it)})
		}
	}
	var follow func(e *accEntry) bool
	if keep != 0 {
		follow = func(e *accEntry) bool { return e.kind == accItem && v.measures[e.measure].Items[e.item].ID == keep }
	}
	v.list.SetRows(entries, func(e *accEntry) string { return e.hay }, follow)
	v.refreshForm()
	v.lines = nil
	v.layout()
}

// Clock (clock.go): on a new day in the incident's zone, items due
// yesterday are overdue; the counts and the marks are worked out again
// from the rows held, and the drawing dropped. Within the day it does
// nothing.
func (v *accountabilityView) Clock(now time.Time) {
	if v.loc == nil || sameDay(now, v.today, v.loc) {
		return
	}
	v.drop()
	v.today = now
	v.counts = incident.CountActions(v.measures, v.today, v.loc)
}

// sameDay reports whether a and b fall on the same date in loc.
func sameDay(a, b time.Time, loc *time.Location) bool {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	return ay == by && am == bm && ad == bd
}

// refreshForm rebases an open edit after ctrl+r, or warns that someone
// else changed the item since it was opened.
func (v *accountabilityView) refreshForm() {
	e := v.edit
	if e == nil || e.adding {
		return
	}
	for _, m := range v.measures {
		for _, it := range m.Items {
			if it.ID != e.id {
				continue
			}
			switch {
			case e.reloading:
				e.rebase(it)
			case it.Version != e.version && !e.f.saving:
				e.f.note = "changed by " + it.UpdatedBy + " since you opened it: saving will be refused; ctrl+r reloads and keeps your input"
			}
			return
		}
	}
	if e.reloading {
		e.reloading = false
		e.f.msg = "the action item no longer exists"
	}
}

func (v *accountabilityView) Update(msg tea.KeyPressMsg) tea.Cmd {
	if v.edit != nil {
		v.drop()
		return v.formKey(msg)
	}
	before := v.list.Filter()
	if !v.list.Update(msg) {
		if v.list.Capturing() {
			return nil
		}
		return v.writeKey(msg) // a key the view does not use keeps the drawing
	}
	v.drop()
	v.flash = ""
	if v.list.Filter() != before {
		v.lines = nil
		v.top = 0
	}
	if !v.list.Capturing() {
		switch {
		case key.Matches(msg, listKeys.Top):
			v.top = 0
		case key.Matches(msg, listKeys.Bottom):
			v.top = len(v.lines) // clamped by layout
		}
	}
	v.layout()
	return nil
}

// writeKey opens a form or closes the item at the cursor.
func (v *accountabilityView) writeKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, accKeys.Add):
		m, _ := v.selectedMeasure()
		v.edit = newActionAdd(v.st, m.ID, m.Title)
	case key.Matches(msg, accKeys.Edit):
		it, ok := v.selectedItem()
		if !ok {
			return nil
		}
		v.edit = newActionEdit(v.st, it)
	case key.Matches(msg, accKeys.Close):
		it, ok := v.selectedItem()
		if !ok {
			return nil
		}
		v.drop()
		if it.Status == "done" {
			v.flash, v.flashBad = "already done: "+it.Title, false
			return nil
		}
		v.closeTag, v.follow = nextTag("acc:close"), it.ID
		done, incID := "done", v.incID
		c := incident.ActionChange{ExpectVersion: it.Version, Status: &done}
		return requestWrite(v.closeTag, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := incident.SetActionItem(ctx, tx, incID, it.ID, c)
			return err
		})
	default:
		return nil
	}
	v.drop()
	v.flash = ""
	v.edit.f.SetWidth(v.width)
	return nil
}

// formKey passes a key to the open form and acts on what it asks for.
func (v *accountabilityView) formKey(msg tea.KeyPressMsg) tea.Cmd {
	e := v.edit
	switch act, cmd := e.f.Update(msg); {
	case act == formSave:
		return e.save(v.incID)
	case act == formCancel:
		v.edit = nil
		return nil
	case act == formReload && !e.adding: // an edit reads the item again
		e.reloading = true
		return e.f.askReload()
	default:
		return cmd
	}
}

// Receive takes the answers to this view's writes.
func (v *accountabilityView) Receive(msg tea.Msg) tea.Cmd {
	done, ok := msg.(writeDoneMsg)
	if !ok {
		return nil
	}
	switch {
	case v.edit != nil && done.tag == v.edit.tag:
		v.drop()
		if done.err != nil {
			v.edit.f.Fail(done.err, nil)
			return nil
		}
		if v.edit.adding {
			v.flash, v.follow = "added "+SanitizeLine(strings.TrimSpace(v.edit.f.Value("title"))), *v.edit.created
		} else {
			v.flash, v.follow = "saved "+SanitizeLine(strings.TrimSpace(v.edit.f.Value("title"))), v.edit.id
		}
		v.flashBad = false
		v.edit = nil
		return reloadCmd
	case done.tag != "" && done.tag == v.closeTag:
		v.drop()
		v.closeTag = ""
		if done.err != nil {
			v.flash, v.flashBad, v.follow = "not closed: "+SanitizeLine(done.err.Error()), true, 0
			return nil
		}
		v.flash, v.flashBad = "closed", false
		return reloadCmd
	}
	return nil
}

// Paste goes to the open form, or else to the filter prompt.
func (v *accountabilityView) Paste(msg tea.PasteMsg) tea.Cmd {
	v.drop()
	if v.edit != nil {
		return v.edit.f.Paste(msg)
	}
	before := v.list.Filter()
	if !v.list.Paste(msg) {
		return nil
	}
	if v.list.Filter() != before {
		v.lines = nil
		v.top = 0
	}
	v.layout()
	return nil
}

func (v *accountabilityView) Render() string { return v.draw(v.render) }

func (v *accountabilityView) render() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	if v.edit != nil {
		return strings.Join(padLines(v.edit.f.Render(v.width, v.height), v.height, v.width), "\n")
	}
	filterLine := v.list.FilterLine(v.st, v.width)

	sel := -1
	if e, ok := v.list.Selected(); ok {
		sel = e
	}
	body := v.height - btoi(filterLine != "") // the counts line and the rows
	out := make([]string, 0, v.height)
	if body > 0 {
		out = append(out, v.countsLine())
	}
	for i := v.top; i < len(v.lines) && len(out) < body; i++ {
		out = append(out, v.renderLine(v.lines[i], sel))
	}
	for len(out) < body {
		out = append(out, fit("", v.width))
	}
	if filterLine != "" {
		out = append(out, filterLine)
	}
	return strings.Join(out, "\n")
}

// countsLine is the view's header: the action items open, overdue and
// done, and the outcome of the last write.
func (v *accountabilityView) countsLine() string {
	st, c := v.st, v.counts
	overdue := st.Muted.Render(glossary.Count(c.Overdue) + " overdue")
	if c.Overdue > 0 {
		overdue = st.Bad.Render(glossary.Count(c.Overdue) + " overdue")
	}
	s := " " + st.Section.Render("Action items") + "  " + glossary.Count(c.Open) + " " + glossary.ActionStatus("open") + " · " + overdue + " · " +
		st.Good.Render(glossary.Count(c.Done)+" "+glossary.ActionStatus("done"))
	if c.WontDo > 0 {
		s += st.Muted.Render(" · " + glossary.Count(c.WontDo) + " " + glossary.ActionStatus("wont_do"))
	}
	if v.flash != "" {
		style := st.Muted
		if v.flashBad {
			style = st.Bad
		}
		s += "  " + style.Render(v.flash)
	}
	return fit(s, v.width)
}

// scrollToCursor moves the window so the selected entry is on screen,
// showing as much of its block (findings, summary) as fits.
func (v *accountabilityView) scrollToCursor(rows int) {
	maxTop := max(len(v.lines)-rows, 0)
	if e, ok := v.list.Selected(); ok && rows > 0 {
		start := v.entryLine[e]
		end := start
		for end+1 < len(v.lines) && v.lines[end+1].entry == e {
			end++
		}
		if start < v.top {
			v.top = start
			// Show the heading over the first entry of a section too.
			for v.top > 0 && v.lines[v.top-1].entry == -1 && v.lines[v.top-1].kind != accLineBlank {
				v.top--
			}
		}
		if end >= v.top+rows {
			v.top = min(end-rows+1, start)
		}
	}
	v.top = min(max(v.top, 0), maxTop)
}

// build lays the filtered entries out as lines for the current width.
func (v *accountabilityView) build() {
	// The selected action item shows its full title under it, so the
	// layout depends on the cursor too.
	sel, _ := v.list.Selected()
	sig := strconv.Itoa(v.width) + "\x00" + strconv.Itoa(sel) + "\x00" + v.list.Filter()
	if v.lines != nil && v.linesFor == sig {
		return
	}
	v.linesFor = sig
	v.lines = v.lines[:0]
	if v.lines == nil {
		v.lines = []accLine{}
	}
	v.entryLine = make([]int, len(v.list.rows))
	for i := range v.entryLine {
		v.entryLine[i] = -1
	}
	v.measureColumns()

	add := func(k accLineKind, entry int, text string) {
		v.lines = append(v.lines, accLine{kind: k, entry: entry, text: text})
	}
	wrapW := max(v.width-6, 10)
	seenPerson, seenMeasure := false, false
	for pos := 0; pos < v.list.Len(); pos++ {
		ei := v.list.Item(pos)
		e := v.list.rows[ei]
		switch e.kind {
		case accPerson:
			if !seenPerson {
				seenPerson = true
				add(accLineHeading, -1, "People: findings and personal pledges")
				add(accLineColumns, -1, "")
			}
			v.entryLine[ei] = len(v.lines)
			add(accLineEntry, ei, "")
			if p := v.people[e.person]; lipgloss.Width(p.Title) > v.personTitleW() {
				for _, l := range accWrap(p.Title, wrapW) {
					add(accLineDetail, ei, "    "+l)
				}
			}
			for _, f := range v.people[e.person].Findings {
				for i, l := range accWrap(f.Finding, wrapW) {
					if i == 0 {
						l = "- " + l
					} else {
						l = "  " + l
					}
					add(accLineFinding, ei, l)
				}
				if f.Consequence != "" {
					for _, l := range accWrap(f.Consequence, wrapW) {
						add(accLineConsequence, ei, "  "+l)
					}
				}
			}
		case accMeasure:
			if !seenMeasure {
				seenMeasure = true
				if seenPerson {
					add(accLineBlank, -1, "")
				}
				add(accLineHeading, -1, "Remediation measures")
			} else {
				add(accLineBlank, -1, "")
			}
			v.entryLine[ei] = len(v.lines)
			add(accLineEntry, ei, "")
			for _, l := range accWrap(v.measures[e.measure].Summary, wrapW) {
				add(accLineSummary, ei, l)
			}
		case accItem:
			v.entryLine[ei] = len(v.lines)
			add(accLineEntry, ei, "")
			it := v.measures[e.measure].Items[e.item]
			if ei == sel && lipgloss.Width(it.Title) > v.itemTitleW() {
				for _, l := range accWrap(it.Title, max(v.width-19, 10)) {
					add(accLineDetail, ei, strings.Repeat(" ", 17)+l)
				}
			}
			if ei == sel && it.Reason != "" {
				for _, l := range accWrap(glossary.ActionStatus("wont_do")+": "+it.Reason, max(v.width-19, 10)) {
					add(accLineDetail, ei, strings.Repeat(" ", 17)+l)
				}
			}
		}
	}
	if len(v.list.rows) == 0 {
		add(accLineNote, -1, "No accountability record for this incident.")
	} else if v.list.Len() == 0 {
		add(accLineNote, -1, "Nothing matches the filter.")
	}
}

// measureColumns sizes the columns from every row, not only the visible
// ones, so they do not shift while scrolling.
func (v *accountabilityView) measureColumns() {
	v.nameW, v.nativeW, v.pledgeW, v.ownerW = 4, 0, len("pledge"), len("owner")
	for _, p := range v.people {
		v.nameW = max(v.nameW, lipgloss.Width(p.Name))
		v.nativeW = max(v.nativeW, lipgloss.Width(p.NativeName))
		v.pledgeW = max(v.pledgeW, len(pledgeText(p.PledgedFen)))
	}
	for _, m := range v.measures {
		for _, it := range m.Items {
			v.ownerW = max(v.ownerW, lipgloss.Width(it.Owner))
		}
	}
	v.nameW = min(v.nameW, 20)
	v.nativeW = min(v.nativeW, 12)
	v.ownerW = min(v.ownerW, 16)
}

func (v *accountabilityView) renderLine(l accLine, sel int) string {
	w := v.width
	st := v.st
	switch l.kind {
	case accLineHeading:
		return st.Section.Render(fit(l.text, w))
	case accLineColumns:
		return st.Muted.Render(fit(v.personRow("NAME", "NATIVE", "TITLE", "PLEDGE"), w))
	case accLineFinding:
		return fit("    "+l.text, w)
	case accLineConsequence:
		return st.Warn.Render(fit("    "+l.text, w))
	case accLineSummary:
		return st.Muted.Render(fit("     "+l.text, w))
	case accLineDetail:
		return st.Info.Render(fit(l.text, w))
	case accLineNote:
		return st.Muted.Render(fit("  "+l.text, w))
	case accLineEntry:
		return v.renderEntry(l.entry, l.entry == sel)
	}
	return fit("", w)
}

func (v *accountabilityView) renderEntry(ei int, selected bool) string {
	w := v.width
	st := v.st
	e := v.list.rows[ei]
	var s string
	switch e.kind {
	case accPerson:
		p := v.people[e.person]
		s = v.personRow(p.Name, p.NativeName, p.Title, pledgeText(p.PledgedFen))
		if !selected {
			s = st.Bold.Render(fit(s, w))
		}
	case accMeasure:
		m := v.measures[e.measure]
		done := 0
		for _, it := range m.Items {
			if it.Status == "done" {
				done++
			}
		}
		count := strconv.Itoa(done) + "/" + strconv.Itoa(len(m.Items)) + " done"
		titleW := max(w-2-len(count)-1, 0)
		s = "  " + fit(strconv.Itoa(m.Position)+". "+m.Title, titleW) + " " + count
		if !selected {
			countStyle := st.Muted
			if len(m.Items) > 0 && done == len(m.Items) {
				countStyle = st.Good
			}
			s = st.Bold.Render("  "+fit(strconv.Itoa(m.Position)+". "+m.Title, titleW)) + " " + countStyle.Render(count)
		}
	case accItem:
		it := v.measures[e.measure].Items[e.item]
		due := "-"
		if it.Due != nil {
			due = it.Due.Format("2006-01-02") // a date column: no zone to convert
		}
		titleW := v.itemTitleW()
		label := glossary.ActionStatus(it.Status)
		overdue := it.Overdue(v.today, v.loc)
		if overdue {
			label = "overdue"
		}
		status := fit(label, 11)
		dueCol := fit(due, 10)
		switch {
		case selected:
		case overdue:
			status, dueCol = st.Bad.Render(status), st.Bad.Render(dueCol)
		default:
			status = st.StatusStyle(it.Status).Render(status)
		}
		s = "     " + status + " " + fit(it.Title, titleW) + " " + fit(it.Owner, v.ownerW) + " " + dueCol
	}
	if selected {
		return st.Selected.Render(fit(s, w))
	}
	return fit(s, w)
}

// personTitleW is what is left of the width for a person's title.
func (v *accountabilityView) personTitleW() int {
	w := v.width - 2 - v.nameW - 1 - v.pledgeW - 1
	if v.nativeW > 0 {
		w -= v.nativeW + 1
	}
	return max(w, 0)
}

// itemTitleW is what is left for an action item's title after the indent,
// status, owner and due columns.
func (v *accountabilityView) itemTitleW() int {
	return max(v.width-5-11-1-1-v.ownerW-1-10, 8)
}

// personRow lays out name, native name, title and pledge in fixed columns;
// fit pads by display width, so 孙涛勇 takes its six cells.
func (v *accountabilityView) personRow(name, native, title, pledge string) string {
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(fit(name, v.nameW))
	b.WriteByte(' ')
	if v.nativeW > 0 {
		b.WriteString(fit(native, v.nativeW))
		b.WriteByte(' ')
	}
	b.WriteString(fit(title, v.personTitleW()))
	b.WriteByte(' ')
	b.WriteString(fitRight(pledge, v.pledgeW))
	return b.String()
}

func pledgeText(fen int64) string {
	if fen == 0 {
		return "-"
	}
	return compensation.FormatFen(fen)
}

// accWrap wraps text to w cells; CJK text has no spaces, so long runs are
// broken anywhere.
func accWrap(s string, w int) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

func personHaystack(p incident.Person) string {
	parts := []string{p.Name, p.NativeName, p.Title}
	for _, f := range p.Findings {
		parts = append(parts, f.Finding, f.Consequence)
	}
	return strings.Join(parts, " ")
}

func itemHaystack(it incident.ActionItem) string {
	return it.Title + " " + it.Owner + " " + it.Status
}

// sanitizePeople copies the people with every database string made safe,
// once per snapshot rather than once per frame.
func sanitizePeople(in []incident.Person) []incident.Person {
	out := make([]incident.Person, len(in))
	for i, p := range in {
		p.Name, p.NativeName, p.Title = SanitizeLine(p.Name), SanitizeLine(p.NativeName), SanitizeLine(p.Title)
		fs := make([]incident.Finding, len(p.Findings))
		for j, f := range p.Findings {
			f.Finding, f.Consequence = SanitizeLine(f.Finding), SanitizeLine(f.Consequence)
			fs[j] = f
		}
		p.Findings = fs
		out[i] = p
	}
	return out
}

func sanitizeMeasures(in []incident.Measure) []incident.Measure {
	out := make([]incident.Measure, len(in))
	for i, m := range in {
		m.Title, m.Summary = SanitizeLine(m.Title), SanitizeLine(m.Summary)
		items := make([]incident.ActionItem, len(m.Items))
		for j, it := range m.Items {
			it.Title, it.Owner, it.Status = SanitizeLine(it.Title), SanitizeLine(it.Owner), SanitizeLine(it.Status)
			it.Reason, it.UpdatedBy = SanitizeLine(it.Reason), SanitizeLine(it.UpdatedBy)
			items[j] = it
		}
		m.Items = items
		out[i] = m
	}
	return out
}
