package tui

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/glossary"
)

// The audit view is the trail newest first, keyset-paged by chain position
// (access.Audit): it reads one page, asks for the next when the cursor
// nears the end of what it holds, and keeps only the columns it shows;
// before/after JSON is read for one entry when it is opened. New entries
// (every write anywhere) are read from the top and put above the rows held,
// keeping the selection. v walks the whole chain (access.Verify) in a
// command.

var auditKeys = struct{ Open, Close, Verify, Incident key.Binding }{
	Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "before/after")),
	Close:    key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc", "back to the list")),
	Verify:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify chain")),
	Incident: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "this incident/all")),
}

const (
	auVerifyTimeout = 5 * time.Minute
	auMaxPage       = 500
)

// auRow is one audit entry as the list shows it, sanitised once.
type auRow struct {
	seq                                   int64
	at                                    time.Time
	who, table, op, rows, inc, txt, short string
	incID                                 string // "#1": the slug (inc) does not fit narrow screens
}

// auDetail is one entry opened: its before/after text, wrapped on demand.
type auDetail struct {
	row     auRow
	head    []string // sanitised metadata lines
	body    string   // sanitised, pretty-printed before and after
	lines   []string // body wrapped to the width
	wrapW   int
	off     int
	loading bool
	err     error
}

type auditView struct {
	st      *Styles
	loc     *time.Location
	incID   int64
	incSlug string

	// The trail, newest first, paged towards the oldest (atEnd: the
	// oldest entry is held; fwd: an older page is on its way). Its height
	// is listRows; the view's own height shadows it, so it is set through
	// cursorWindow.
	list[auRow]
	onlyIncident bool
	loaded       bool
	err          error

	detail *auDetail

	verifying bool
	verified  *access.Verification
	verifyAt  time.Time
	verifyErr error

	side          sideState
	width, height int
	drawCache
}

func newAuditView(st *Styles) *auditView {
	v := &auditView{st: st, loc: time.UTC}
	v.forwardOnly = true
	v.side = newSideState(v.Name())
	return v
}

func (v *auditView) Name() string { return "Audit" }

// Parts: only the incident (its id and time zone): the trail is its own read.
func (v *auditView) Parts() part { return partIncident }

func (v *auditView) SetData(s *Snapshot) {
	v.drop()
	if v.loc != s.Incident.Location() || v.incID != s.Incident.ID {
		v.loc = s.Incident.Location()
		v.edit(func(r *auRow) {
			r.txt = r.at.In(v.loc).Format("2006-01-02 15:04:05")
			r.short = r.at.In(v.loc).Format("01-02 15:04:05")
		})
	}
	v.incID, v.incSlug = s.Incident.ID, SanitizeLine(s.Incident.Slug)
}

func (v *auditView) SetSize(w, h int) {
	v.drop()
	v.width, v.height = w, h
	v.clamp()
	v.layoutDetail()
}

// layoutDetail wraps the opened entry for the width and keeps its scroll
// inside it; whatever changes either calls it, so Render only draws.
func (v *auditView) layoutDetail() {
	d := v.detail
	if d == nil || d.loading || d.err != nil || v.width <= 0 {
		return
	}
	if d.wrapW != v.width-2 {
		d.lines, d.wrapW = wrapKeep(d.body, v.width-2), v.width-2
	}
	d.off = min(max(d.off, 0), max(len(d.lines)-v.bodyRows(), 0))
}

// listRows is the rows the list shows: the body less the status line and
// the column titles.
func (v *auditView) listRows() int { return max(v.height-2, 1) }

func (v *auditView) pageSize() int { return min(max(2*v.listRows(), 50), auMaxPage) }

func (v *auditView) filter(before int64, limit int) access.AuditFilter {
	f := access.AuditFilter{BeforeSeq: before, Limit: limit}
	if v.onlyIncident {
		f.IncidentID = v.incID
	}
	return f
}

func (v *auditView) Refresh() tea.Cmd { return v.side.refresh(v.readNewest) }

func (v *auditView) Shown() { v.side.Shown() }

func (v *auditView) tick() tea.Cmd { return v.side.onTick(v.readNewest, auditPollEvery) }

// readNewest reads the newest page; gotNewest puts what is new above the rows held.
func (v *auditView) readNewest() tea.Cmd {
	v.fetches++
	return requestRead(auditPageQuery{gen: v.gen, f: v.filter(0, v.pageSize())})
}

// readOlder asks for the page after the last row held.
func (v *auditView) readOlder() tea.Cmd {
	v.fetches++
	tail := v.rows[len(v.rows)-1].seq
	return requestRead(auditPageQuery{gen: v.gen, f: v.filter(tail, v.pageSize()), older: true})
}

// auditPageQuery reads one page of the trail: the newest, or the one
// older than f.BeforeSeq.
type auditPageQuery struct {
	gen   int
	f     access.AuditFilter
	older bool
}

type auditPageMsg struct {
	q   auditPageQuery
	es  []access.AuditEntry
	err error
}

func (q auditPageQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	es, err := auditPage(ctx, conn, q.f)
	return auditPageMsg{q: q, es: es, err: err}
}

// auditEntryQuery reads one entry whole (before and after).
type auditEntryQuery struct{ seq int64 }

type auditEntryMsg struct {
	seq int64
	e   access.AuditEntry
	err error
}

func (q auditEntryQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	es, err := auditPage(ctx, conn, access.AuditFilter{BeforeSeq: q.seq + 1, Limit: 1})
	if err == nil && (len(es) == 0 || es[0].Seq != q.seq) {
		err = fmt.Errorf("audit entry %d: %w", q.seq, db.ErrNotFound)
	}
	a := auditEntryMsg{seq: q.seq, err: err}
	if err == nil {
		a.e = es[0]
	}
	return a
}

// verifyQuery walks the whole chain.
type verifyQuery struct{}

type verifyMsg struct {
	res access.Verification
	err error
}

func (verifyQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	if conn == nil {
		return verifyMsg{err: errNoConnection}
	}
	res, err := access.Verify(ctx, conn)
	return verifyMsg{res: res, err: err}
}

func (auditPageMsg) forViews()  {}
func (auditEntryMsg) forViews() {}
func (verifyMsg) forViews()     {}

// Receive takes the answers to the view's reads and its timer.
func (v *auditView) Receive(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sideTickMsg: // the timer changes nothing on screen; the read it starts will
		if msg.view == v.side.view {
			return v.tick()
		}
		return nil
	}
	v.drop()
	switch msg := msg.(type) {
	case auditPageMsg:
		if msg.q.older {
			return v.gotOlder(msg.q.gen, msg.q.f.BeforeSeq, msg.es, msg.err, msg.q.f.Limit)
		}
		return v.gotNewest(msg.q.gen, msg.es, msg.err, msg.q.f.Limit)
	case auditEntryMsg:
		return v.gotEntry(msg)
	case verifyMsg:
		return v.gotVerify(msg)
	}
	return nil
}

func auditPage(ctx context.Context, conn *sqlx.DB, f access.AuditFilter) ([]access.AuditEntry, error) {
	if conn == nil {
		return nil, errNoConnection
	}
	return access.Audit(ctx, conn, f)
}

func (v *auditView) toRows(es []access.AuditEntry) []auRow {
	out := make([]auRow, len(es))
	for i, e := range es {
		who := SanitizeLine(e.Login)
		if e.Actor != e.Login {
			who += "/" + SanitizeLine(e.Actor)
		}
		inc, incID := "-", "-"
		if e.IncidentID != nil {
			incID = "#" + strconv.FormatInt(*e.IncidentID, 10)
			inc = incID
			if *e.IncidentID == v.incID && v.incSlug != "" {
				inc = v.incSlug
			}
		}
		out[i] = auRow{
			seq: e.Seq, at: e.At, who: who, table: SanitizeLine(e.Table), op: SanitizeLine(e.Op),
			rows: glossary.Count(e.Rows), inc: inc, incID: incID,
			txt:   e.At.In(v.loc).Format("2006-01-02 15:04:05"),
			short: e.At.In(v.loc).Format("01-02 15:04:05"),
		}
	}
	return out
}

func (v *auditView) gotNewest(gen int, es []access.AuditEntry, err error, limit int) tea.Cmd {
	if gen != v.gen {
		return nil
	}
	v.side.reading = false
	if err != nil {
		v.err = err
		return nil
	}
	v.err = nil
	rows := v.toRows(es)
	switch {
	case !v.loaded || len(v.rows) == 0 || (len(rows) == limit && rows[len(rows)-1].seq > v.rows[0].seq):
		// First read, or more is new than a page: start over at the top.
		v.loaded = true
		v.apply(pageFirst, rows, len(rows) == limit, -1, 0)
	default:
		n := 0
		for n < len(rows) && rows[n].seq > v.rows[0].seq {
			n++
		}
		if n == 0 {
			return nil
		}
		// The selected entry stays selected (the new rows push it
		// down); at the top, the cursor follows the newest instead.
		v.prepend(rows[:n])
	}
	v.clamp()
	return v.maybeOlder()
}

func (v *auditView) gotOlder(gen int, tail int64, es []access.AuditEntry, err error, limit int) tea.Cmd {
	if gen != v.gen {
		return nil
	}
	v.landed(pageNext)
	if len(v.rows) == 0 || v.rows[len(v.rows)-1].seq != tail {
		// The list started over at the top while this page was read: it
		// would leave a gap after the new tail. Read from the new tail.
		return v.maybeOlder()
	}
	if err != nil {
		v.err = err
		return nil
	}
	v.err = nil
	rows := v.toRows(es)
	last := v.rows[len(v.rows)-1].seq
	for len(rows) > 0 && rows[0].seq >= last {
		rows = rows[1:]
	}
	// The trail keeps every row it read (capRows 0): it has no page
	// before its first to read them back with.
	v.apply(pageNext, rows, len(es) == limit, -1, 0)
	return v.maybeOlder()
}

// maybeOlder reads the next page when the cursor is within a screen of the
// end of the rows held.
func (v *auditView) maybeOlder() tea.Cmd {
	v.cursorWindow.height = v.listRows()
	if next, _ := v.wants(v.listRows() + 1); next {
		return v.readOlder()
	}
	return nil
}

func (v *auditView) clamp() {
	v.cursorWindow.height = v.listRows()
	v.keepIn(len(v.rows))
}

func (v *auditView) Update(msg tea.KeyPressMsg) tea.Cmd {
	v.drop()
	if key.Matches(msg, auditKeys.Verify) {
		return v.verify()
	}
	if v.detail != nil {
		return v.detailKey(msg)
	}
	if s, ok := v.navKey(msg); ok {
		v.clamp()     // the window's height follows the view's
		v.navigate(s) // it never starts over: the trail is forwardOnly, and keeps its first rows
		return v.maybeOlder()
	}
	switch {
	case key.Matches(msg, auditKeys.Open):
		if v.cursor < len(v.rows) {
			return v.open(v.rows[v.cursor])
		}
		return nil
	case key.Matches(msg, auditKeys.Incident):
		v.onlyIncident = !v.onlyIncident
		v.restart()
		v.loaded, v.loading = false, false
		v.side.reading = false
		return v.side.start(v.readNewest)
	}
	return nil
}

// open reads the entry's before and after (the list keeps only its columns).
func (v *auditView) open(r auRow) tea.Cmd {
	v.detail = &auDetail{row: r, loading: true}
	return requestRead(auditEntryQuery{seq: r.seq})
}

func (v *auditView) gotEntry(a auditEntryMsg) tea.Cmd {
	d := v.detail
	if d == nil || d.row.seq != a.seq {
		return nil
	}
	d.loading, d.err = false, a.err
	if a.err == nil {
		d.head, d.body = auditHead(a.e, v.loc), auditBody(a.e)
		d.wrapW = 0
		v.layoutDetail()
	}
	return nil
}

func (v *auditView) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	d := v.detail
	page := max(v.bodyRows()-1, 1)
	switch {
	case key.Matches(msg, auditKeys.Close):
		v.detail = nil
	case key.Matches(msg, listKeys.Up):
		d.off--
	case key.Matches(msg, listKeys.Down):
		d.off++
	case key.Matches(msg, listKeys.PageUp):
		d.off -= page
	case key.Matches(msg, listKeys.PageDown):
		d.off += page
	case key.Matches(msg, listKeys.Top):
		d.off = 0
	case key.Matches(msg, listKeys.Bottom):
		d.off = len(d.lines)
	}
	v.layoutDetail()
	return nil
}

// verify walks the chain in a command; the answer replaces the status line.
func (v *auditView) verify() tea.Cmd {
	if v.verifying {
		return nil
	}
	v.verifying, v.verified, v.verifyErr = true, nil, nil
	return func() tea.Msg { return readRequestMsg{q: verifyQuery{}, timeout: auVerifyTimeout} }
}

func (v *auditView) gotVerify(a verifyMsg) tea.Cmd {
	v.verifying = false
	v.verifyAt = time.Now()
	if a.err != nil {
		v.verifyErr = a.err
		return nil
	}
	v.verified = &a.res
	return nil
}

// auditHead is the opened entry's metadata, one fact a line.
func auditHead(e access.AuditEntry, loc *time.Location) []string {
	who := SanitizeLine(e.Login)
	if e.Actor != e.Login {
		who = SanitizeLine(e.Actor) + " (session user " + who + ")"
	}
	inc := "none"
	if e.IncidentID != nil {
		inc = strconv.FormatInt(*e.IncidentID, 10)
	}
	return []string{
		fmt.Sprintf("%s %s of %s by %s", SanitizeLine(e.Op), plural(int(e.Rows), "row"), SanitizeLine(e.Table), who),
		fmt.Sprintf("at %s · transaction %d · incident %s · audit row %d",
			e.At.In(loc).Format("2006-01-02 15:04:05.000 MST"), e.TxID, inc, e.ID),
		"chain hash " + hex.EncodeToString(e.Hash),
	}
}

// auditBody is before and after, pretty-printed and sanitised: audit JSON
// holds whatever anyone typed, escape sequences included.
func auditBody(e access.AuditEntry) string {
	return "BEFORE\n" + prettyJSON(e.Before) + "\n\nAFTER\n" + prettyJSON(e.After)
}

func prettyJSON(raw access.JSON) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "(none)"
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return Sanitize(string(raw))
	}
	return Sanitize(b.String())
}

// wrapKeep hard-wraps each line at w cells, keeping its indentation (JSON
// nesting), unlike wordWrap.
func wrapKeep(s string, w int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if w <= 0 {
			break
		}
		out = append(out, strings.Split(ansi.Hardwrap(l, w, true), "\n")...)
	}
	return out
}

func (v *auditView) Capturing() bool { return false }

// Paste does nothing: the audit view takes no text.
func (v *auditView) Paste(tea.PasteMsg) tea.Cmd { return nil }

func (v *auditView) ShortHelp() []key.Binding {
	if v.detail != nil {
		return []key.Binding{listKeys.Down, listKeys.Up, auditKeys.Close, auditKeys.Verify}
	}
	return []key.Binding{listKeys.Down, listKeys.Up, auditKeys.Open, auditKeys.Verify}
}

// FullHelp has no filter: the view holds only part of the trail, and a
// filter over that part would mislead.
func (v *auditView) FullHelp() [][]key.Binding {
	k := auditKeys
	if v.detail != nil {
		return [][]key.Binding{listNavKeys(), {k.Close, k.Verify}}
	}
	return [][]key.Binding{listNavKeys(), {k.Open, k.Verify, k.Incident}}
}

func (v *auditView) Render() string { return v.draw(v.render) }

// statusLine is the verification's outcome, or what the list holds.
func (v *auditView) statusLine() string {
	st, w := v.st, v.width
	scope := "all incidents"
	if v.onlyIncident {
		scope = "this incident"
	}
	info := glossary.Count(len(v.rows)) + " loaded"
	switch {
	case v.fwd:
		info += ", reading older…"
	case v.atEnd:
		info += ", to the first"
	default:
		info += ", more below"
	}
	outcome := v.verifying || v.verified != nil || v.verifyErr != nil || v.err != nil
	if outcome {
		info = "" // the outcome matters more than the count; the scope stays
	} else {
		info = " · " + info
	}
	right := st.Muted.Render(scope + info)
	// Outcomes are cut to their room before styling, so no colour runs on.
	room := max(w-lipgloss.Width(right)-2, 1)
	var left string
	switch {
	case v.verifying:
		left = st.Muted.Render(fit("verifying the audit chain…", room))
	case v.verifyErr != nil:
		left = st.Bad.Render(fit("could not verify: "+SanitizeLine(v.verifyErr.Error()), room))
	case v.verified != nil && v.verified.Broken != nil:
		b := v.verified.Broken
		left = st.Banner.Render(fit(fmt.Sprintf("CHAIN BROKEN at #%d (audit row %d): %s", b.Seq, b.AuditID, SanitizeLine(b.Reason)), room))
	case v.verified != nil:
		msg := fmt.Sprintf("chain intact (%s) · head %d:%s… at %s", glossary.Plural(v.verified.Checked, "row", "rows"),
			v.verified.HeadSeq, shortHash(v.verified.HeadHash), v.verifyAt.In(v.loc).Format("15:04:05"))
		style := st.Good
		if n := v.newerThanVerified(); n > 0 {
			// A verification says nothing of what was chained after it.
			msg += fmt.Sprintf(" · %s since, not verified: v", plural(n, "newer row"))
			style = st.Warn
		}
		left = style.Render(fit(msg, room))
	case v.err != nil:
		left = st.Bad.Render(fit("could not read the audit trail: "+SanitizeLine(v.err.Error()), room))
	case !v.loaded:
		left = st.Muted.Render("Loading…")
	default:
		left = st.Bold.Render("Audit trail") + st.Muted.Render(" newest first")
	}
	return spread(left, right, w)
}

// newerThanVerified counts the loaded entries chained after the verified
// head (the list is newest first).
func (v *auditView) newerThanVerified() int {
	n := 0
	for n < len(v.rows) && v.rows[n].seq > v.verified.HeadSeq {
		n++
	}
	return n
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// Column widths: wide screens get full dates and wider names.
func (v *auditView) columns() (seqW, timeW, whoW, tableW, opW, rowsW, incW int) {
	seqW, timeW, whoW, tableW, opW, rowsW = 6, 14, 14, 19, 6, 6
	if v.width >= 110 {
		seqW, timeW, whoW, tableW, rowsW = 7, 19, 22, 24, 7
	}
	fixed := 2 + seqW + 1 + timeW + 1 + whoW + 1 + tableW + 1 + opW + 1 + rowsW + 1
	return seqW, timeW, whoW, tableW, opW, rowsW, max(v.width-fixed, 6)
}

func (v *auditView) render() string {
	st, w := v.st, v.width
	lines := make([]string, 0, v.height)
	lines = append(lines, v.statusLine())
	if v.detail != nil {
		lines = append(lines, v.renderDetail()...)
		return strings.Join(padLines(lines, v.height, w), "\n")
	}
	seqW, timeW, whoW, tableW, opW, rowsW, incW := v.columns()
	head := []cell{
		{text: "SEQ", w: seqW, style: st.Muted, right: true},
		{text: "TIME (" + time.Now().In(v.loc).Format("MST") + ")", w: timeW, style: st.Muted},
		{text: "LOGIN/ACTOR", w: whoW, style: st.Muted},
		{text: "TABLE", w: tableW, style: st.Muted},
		{text: "OP", w: opW, style: st.Muted},
		{text: "ROWS", w: rowsW, style: st.Muted, right: true},
		{text: map[bool]string{true: "INCIDENT", false: "INC"}[incW >= 8], w: incW, style: st.Muted},
	}
	lines = append(lines, fit(tableRow(st, head, false), w))
	if v.loaded && len(v.rows) == 0 {
		lines = append(lines, fit("  "+st.Muted.Render("No audit entries."), w))
	}
	lines = append(lines, v.table(st, w, [...]int{seqW, timeW, whoW, tableW, opW, rowsW, incW}, "", "", func(r *auRow, _ bool) []cell {
		t := r.short
		if timeW >= 19 {
			t = r.txt
		}
		inc := r.inc
		if len(inc) > incW {
			inc = r.incID
		}
		opStyle := st.Header
		if r.op == "DELETE" {
			opStyle = st.Bad
		}
		return []cell{
			{text: strconv.FormatInt(r.seq, 10), w: seqW, style: st.Muted, right: true},
			{text: t, w: timeW, style: st.Header},
			{text: r.who, w: whoW, style: st.Header},
			{text: r.table, w: tableW, style: st.Info},
			{text: r.op, w: opW, style: opStyle},
			{text: r.rows, w: rowsW, style: st.Header, right: true},
			{text: inc, w: incW, style: st.Muted},
		}
	})...)
	return strings.Join(padLines(lines, v.height, w), "\n")
}

// bodyRows is the scrolling part of an opened entry: the body less the
// status line, the rule, the metadata and the position line.
func (v *auditView) bodyRows() int { return max(v.height-6, 1) }

func (v *auditView) renderDetail() []string {
	st, w, d := v.st, v.width, v.detail
	out := []string{rule(st, fmt.Sprintf("audit #%d · %s %s", d.row.seq, d.row.table, d.row.op), w)}
	switch {
	case d.loading:
		return append(out, fit(" "+st.Muted.Render("Loading…"), w))
	case d.err != nil:
		return append(out, fit(" "+st.Bad.Render(SanitizeLine(d.err.Error())), w))
	}
	for _, h := range d.head {
		out = append(out, fit(" "+st.Muted.Render(h), w))
	}
	n := v.bodyRows()
	end := min(d.off+n, len(d.lines))
	for _, l := range d.lines[d.off:end] {
		s := l
		if l == "BEFORE" || l == "AFTER" {
			s = st.Section.Render(l)
		}
		out = append(out, fit(" "+s, w))
	}
	out = padLines(out, 1+len(d.head)+n, w)
	pos := fmt.Sprintf(" lines %d-%d of %d · j/k pgdn/pgup scroll · esc back", min(d.off+1, len(d.lines)), end, len(d.lines))
	return append(out, fit(st.Muted.Render(pos), w))
}
