package tui

import (
	"context"
	"database/sql"
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
	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
)

// The approvals and audit views read tables the snapshot does not hold
// (the approval queue, the audit trail): their reads are their own, like
// the fund view's merchant list, and go through the root (read.go). The
// root also tells these views when data may have changed (sideRefresh):
// after every snapshot load and on every change the feed reports.

const (
	// sideTickEvery is how often a side view checks whether it is on
	// screen with stale data.
	sideTickEvery = time.Second
	// approvalsPollEvery: requests and decisions do not notify the feed
	// (approvals has no change trigger), so the queue on screen is re-read
	// this often as well as on every change.
	approvalsPollEvery = 5 * time.Second
	auditPollEvery     = 10 * time.Second
)

// readTx runs fn in a read-only transaction attributed to actor, so
// access.WhoAmI answers for the name the console acts as.
func readTx(ctx context.Context, conn *sqlx.DB, actor string, fn func(q db.Querier) error) error {
	if conn == nil {
		return errNoConnection
	}
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.MapError(err)
	}
	defer tx.Rollback()
	if err := db.SetActor(ctx, tx, actor); err != nil {
		return err
	}
	return fn(tx)
}

// sideView is a view with reads of its own.
type sideView interface {
	// Refresh says its data may have changed; it reads again now if it is
	// on screen, or once it is.
	Refresh() tea.Cmd
}

// sideRefresh tells every side view that data may have changed (the root
// calls it after a snapshot load and on feed deliveries).
func (m Model) sideRefresh() tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range m.views {
		if s, ok := v.(sideView); ok {
			cmds = append(cmds, s.Refresh())
		}
	}
	return tea.Batch(cmds...)
}

// sideLoaded is sideRefresh after a successful snapshot load.
func (m Model) sideLoaded(msg snapshotMsg) tea.Cmd {
	if msg.err != nil || msg.seq != m.seq {
		return nil
	}
	return m.sideRefresh()
}

// sideLive is sideRefresh for a feed delivery with changes: every change
// also wrote an audit row, and an approval carried out changes its tables.
func (m Model) sideLive(ev liveMsg) tea.Cmd {
	if len(ev.Changes) == 0 && !ev.Reconnected {
		return nil
	}
	return m.sideRefresh()
}

// sideState is the bookkeeping a side view shares: whether it was on
// screen since the last tick (the root says so, shown), whether its data is
// stale, and its timer.
type sideState struct {
	view                          string // the view's Name: its ticks are addressed to it
	seen, stale, ticking, reading bool
	last                          time.Time // when the last read started
	tick                          func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	now                           func() time.Time
}

// sideTickMsg is a side view's timer.
type sideTickMsg struct{ view string }

func (sideTickMsg) forViews() {}

// shower is a view that wants to know it is on screen (the root says so
// after every message while it is the active view).
type shower interface{ Shown() }

func (s *sideState) Shown() { s.seen = true }

func newSideState(view string) sideState { return sideState{view: view, tick: tea.Tick, now: time.Now} }

func (s *sideState) next() tea.Cmd {
	t := sideTickMsg{view: s.view}
	return s.tick(sideTickEvery, func(time.Time) tea.Msg { return t })
}

// refresh marks the data stale and reads now if the view is on screen.
func (s *sideState) refresh(read func() tea.Cmd) tea.Cmd {
	s.stale = true
	var cmds []tea.Cmd
	if !s.ticking && s.tick != nil {
		s.ticking = true
		cmds = append(cmds, s.next())
	}
	if (s.seen || s.last.IsZero()) && !s.reading {
		cmds = append(cmds, s.start(read))
	}
	return tea.Batch(cmds...)
}

func (s *sideState) start(read func() tea.Cmd) tea.Cmd {
	s.stale, s.reading, s.last = false, true, s.now()
	return read()
}

// onTick reads when the view is on screen and stale or due for a poll.
func (s *sideState) onTick(read func() tea.Cmd, poll time.Duration) tea.Cmd {
	seen := s.seen
	s.seen = false
	var cmd tea.Cmd
	if seen && !s.reading && (s.stale || s.now().Sub(s.last) >= poll) {
		cmd = s.start(read)
	}
	return tea.Batch(cmd, s.next())
}

// approvalsKeys are the approval queue's own keys.
var approvalsKeys = struct{ Approve, Reject, All, Yes key.Binding }{
	Approve: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "approve")),
	Reject:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reject")),
	All:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "decided too")),
	Yes:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm")),
}

var (
	apPromptDo     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "reject"))
	apPromptCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	apConfirmNo    = key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp(anyOtherKey, "cancel"))
)

// Approval queue column widths.
const (
	apIDW       = 5
	apOpW       = 16 // "payout_threshold"
	apByW       = 12
	apWhenW     = 11 // "01-02 15:04"
	apExpW      = 10
	apStateW    = 8
	apPayloadW  = 30
	apPayloadAt = 110 // minimum width for the payload column
	apMinReason = 10
	apDetailH   = 7
	apReasonMax = 500
)

// apRow is a request with its text sanitised once per read.
type apRow struct {
	a                                  access.Approval
	op, by, reason, payload, when, exp string
	decidedBy, note, result            string
	ids                                string // the payload as it is stored ("entry_id=16"), for the detail pane
}

type apPromptKind int

const (
	apConfirmApprove apPromptKind = iota + 1
	apRejectReason
)

// apPrompt is the open confirmation (approve) or reason prompt (reject).
type apPrompt struct {
	kind  apPromptKind
	id    int64
	what  string    // "#12 void entry"
	input lineInput // the reason (reject only)
	a     access.Approval
}

type approvalsView struct {
	st    *Styles
	loc   *time.Location
	incID int64
	now   func() time.Time

	list    list[apRow]
	showAll bool
	me      access.Me
	loaded  bool
	err     error
	gen     int

	prompt   *apPrompt
	busyTag  string // the decision in flight
	busyWhat string
	result   *json.RawMessage
	deciding access.Approval // the request in flight, for the outcome's words
	flash    string
	flashBad bool

	side          sideState
	width, height int
	drawCache
}

func newApprovalsView(st *Styles) *approvalsView {
	v := &approvalsView{st: st, loc: time.UTC, now: time.Now}
	v.side = newSideState(v.Name())
	return v
}

func (v *approvalsView) Name() string { return "Approvals" }

// Parts: only the incident: the queue is its own read.
func (v *approvalsView) Parts() part { return partIncident }

func (v *approvalsView) SetData(s *Snapshot) {
	v.drop()
	if v.incID != s.Incident.ID {
		v.side.stale = true
	}
	v.incID, v.loc = s.Incident.ID, s.Incident.Location()
}

func (v *approvalsView) SetSize(w, h int) {
	v.drop()
	v.width, v.height = w, h
	v.layout()
}

func (v *approvalsView) Refresh() tea.Cmd { return v.side.refresh(v.read) }

func (v *approvalsView) Shown() { v.side.Shown() }

func (v *approvalsView) tick() tea.Cmd { return v.side.onTick(v.read, approvalsPollEvery) }

// read asks for the queue (or every request, newest first) and who we are.
func (v *approvalsView) read() tea.Cmd {
	v.gen++
	return requestRead(approvalsQuery{gen: v.gen, inc: v.incID, all: v.showAll})
}

// approvalsQuery reads the queue and who the console acts as.
type approvalsQuery struct {
	gen int
	inc int64
	all bool
}

type approvalsMsg struct {
	gen int
	as  []access.Approval
	me  access.Me
	err error
}

func (approvalsMsg) forViews() {}

func (q approvalsQuery) run(ctx context.Context, conn *sqlx.DB, actor string) tea.Msg {
	var as []access.Approval
	var me access.Me
	err := readTx(ctx, conn, actor, func(tx db.Querier) error {
		var err error
		if q.all {
			as, err = access.Approvals(ctx, tx, q.inc, 200)
		} else {
			as, err = access.Pending(ctx, tx, q.inc)
		}
		if err != nil {
			return err
		}
		me, err = access.WhoAmI(ctx, tx)
		return err
	})
	return approvalsMsg{gen: q.gen, as: as, me: me, err: err}
}

func (v *approvalsView) got(gen int, as []access.Approval, me access.Me, err error) tea.Cmd {
	if gen != v.gen {
		return nil // a newer read is on its way
	}
	v.side.reading = false
	if err != nil {
		v.err = err
		return nil
	}
	v.err, v.loaded, v.me = nil, true, me
	v.me.Name = SanitizeLine(me.Name)
	keep := int64(0)
	if r, ok := v.list.SelectedRow(); ok {
		keep = r.a.ID
	}
	now := v.now()
	rows := make([]apRow, len(as))
	for i, a := range as {
		r := apRow{
			a:       a,
			op:      SanitizeLine(glossary.Operation(string(a.Op))),
			by:      SanitizeLine(a.RequestedBy),
			reason:  SanitizeLine(a.Reason),
			payload: SanitizeLine(access.Describe(a, v.loc)),
			ids:     payloadSummary(a.Payload),
			when:    a.RequestedAt.In(v.loc).Format("01-02 15:04"),
			note:    SanitizeLine(a.DecisionNote),
			result:  outcomeText(a),
		}
		if a.DecidedBy != nil {
			r.decidedBy = SanitizeLine(*a.DecidedBy)
		}
		r.exp = expiresIn(a, now)
		rows[i] = r
	}
	v.list.SetRows(rows,
		func(r *apRow) string {
			return strconv.FormatInt(r.a.ID, 10) + " " + r.op + " " + r.by + " " + r.reason + " " + r.payload + " " + r.a.State
		},
		func(r *apRow) bool { return r.a.ID == keep })
	v.layout()
	return nil
}

// outcomeText is what an approved request did, in words; nothing for
// requests not carried out.
func outcomeText(a access.Approval) string {
	if a.State != "approved" {
		return ""
	}
	return SanitizeLine(access.Outcome(a.Op, a.Payload, a.Result, a.Subject))
}

// expiresIn is "23h 59m", "expired", or the decision for decided requests.
func expiresIn(a access.Approval, now time.Time) string {
	switch {
	case a.State != "pending" && a.State != "expired":
		return "-"
	case a.State == "expired" || !a.ExpiresAt.After(now):
		return "expired"
	}
	return duration(a.ExpiresAt.Sub(now))
}

// payloadSummary is the payload as "key=value key=value", sanitised
// (payloads are typed by whoever requests).
func payloadSummary(raw access.JSON) string {
	return SanitizeLine(access.PayloadKeyValues(raw))
}

func (v *approvalsView) layout() {
	v.list.SetHeight(v.listRows())
}

func (v *approvalsView) chrome() int {
	n := 2 // status line, column titles
	if v.list.Filtering() {
		n++
	}
	return n
}

func (v *approvalsView) showDetail() bool { return v.height-v.chrome() >= apDetailH+3 }

func (v *approvalsView) listRows() int {
	avail := v.height - v.chrome()
	if v.showDetail() {
		return max(min(max(v.list.Len(), 1), avail-apDetailH), 1)
	}
	return max(avail, 1)
}

func (v *approvalsView) Update(msg tea.KeyPressMsg) tea.Cmd {
	v.drop()
	if v.prompt != nil {
		return v.promptKey(msg)
	}
	wasFiltering := v.list.Filtering()
	if v.list.Update(msg) {
		v.flash = ""
		if wasFiltering != v.list.Filtering() || v.list.Filtering() {
			v.layout()
		}
		return nil
	}
	switch {
	case key.Matches(msg, approvalsKeys.All):
		v.showAll = !v.showAll
		v.side.reading = false
		return v.side.start(v.read)
	case key.Matches(msg, approvalsKeys.Approve), key.Matches(msg, approvalsKeys.Reject):
		r, ok := v.list.SelectedRow()
		if !ok {
			return nil
		}
		if v.busyTag != "" {
			v.flash, v.flashBad = "wait: "+v.busyWhat+" is still on its way", true
			return nil
		}
		if r.a.State != "pending" {
			v.flash, v.flashBad = fmt.Sprintf("#%d is %s: only pending requests can be decided", r.a.ID, glossary.ApprovalState(r.a.State)), true
			return nil
		}
		p := &apPrompt{kind: apConfirmApprove, id: r.a.ID, a: r.a, what: "#" + strconv.FormatInt(r.a.ID, 10) + " " + r.op}
		if r.payload != "" {
			p.what += ": " + r.payload
		}
		if key.Matches(msg, approvalsKeys.Reject) {
			p.kind = apRejectReason
			p.input = newLineInput(apReasonMax)
			p.input.Open("")
		}
		v.prompt, v.flash = p, ""
	}
	return nil
}

// promptKey handles a key while the confirmation or the reason prompt is open.
func (v *approvalsView) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	p := v.prompt
	if p.kind == apConfirmApprove {
		v.prompt = nil
		if !key.Matches(msg, approvalsKeys.Yes) {
			v.flash, v.flashBad = "not approved", false
			return nil
		}
		return v.decide(p)
	}
	switch msg.String() {
	case "esc":
		v.prompt, v.flash, v.flashBad = nil, "not rejected", false
	case "enter":
		v.prompt = nil
		return v.decide(p)
	default:
		p.input.Update(msg)
	}
	return nil
}

// Paste types a bracketed paste into the open reason prompt.
func (v *approvalsView) Paste(msg tea.PasteMsg) tea.Cmd {
	v.drop()
	switch {
	case v.prompt != nil && v.prompt.kind == apRejectReason:
		v.prompt.input.Update(msg)
	case v.prompt == nil && v.list.Paste(msg):
		v.layout()
	default:
		return nil
	}
	return nil
}

// decide sends the approval or rejection to the root as a write.
func (v *approvalsView) decide(p *apPrompt) tea.Cmd {
	id, note := p.id, strings.TrimSpace(p.input.Value())
	res := new(json.RawMessage)
	v.result, v.deciding = res, p.a
	if p.kind == apConfirmApprove {
		v.busyTag, v.busyWhat = nextTag("approvals:approve"), "approving "+p.what
		return requestWrite(v.busyTag, func(ctx context.Context, tx *sqlx.Tx) error {
			out, err := compensation.ApproveRequest(ctx, tx, id, note)
			*res = out
			return err
		})
	}
	v.busyTag, v.busyWhat = nextTag("approvals:reject"), "rejecting "+p.what
	return requestWrite(v.busyTag, func(ctx context.Context, tx *sqlx.Tx) error {
		return access.Reject(ctx, tx, id, note)
	})
}

// Receive takes the answers to its reads, its timer and the answer to a
// decision.
func (v *approvalsView) Receive(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case approvalsMsg:
		v.drop()
		return v.got(msg.gen, msg.as, msg.me, msg.err)
	case sideTickMsg: // the timer changes nothing on screen; the read it starts will
		if msg.view == v.side.view {
			return v.tick()
		}
		return nil
	}
	done, ok := msg.(writeDoneMsg)
	if !ok || done.tag == "" || done.tag != v.busyTag {
		return nil
	}
	v.drop()
	what := v.busyWhat
	approve := strings.HasPrefix(done.tag, "approvals:approve")
	v.busyTag, v.busyWhat = "", ""
	if done.err != nil {
		verb := "not rejected: "
		if approve {
			verb = "not approved: "
		}
		v.flash, v.flashBad = verb+SanitizeLine(done.err.Error()), true
		return v.side.start(v.read)
	}
	v.flashBad = false
	if approve {
		v.flash = "approved and carried out: #" + strconv.FormatInt(v.deciding.ID, 10) + " " +
			SanitizeLine(glossary.Operation(string(v.deciding.Op)))
		// What changed, in words: "timeline entry 16 voided", not the
		// executor's ids ("entry_id=16 → entry_id=16").
		v.flash += ": " + SanitizeLine(access.Outcome(v.deciding.Op, v.deciding.Payload, *v.result, v.deciding.Subject))
	} else {
		v.flash = "rejected: " + strings.TrimPrefix(what, "rejecting ")
	}
	v.side.reading = false
	return tea.Batch(v.side.start(v.read), reloadCmd)
}

// Unsaved is true while a typed rejection reason is open.
func (v *approvalsView) Unsaved() bool { return v.prompt != nil && v.prompt.input.Value() != "" }

func (v *approvalsView) Capturing() bool { return v.list.Capturing() || v.prompt != nil }

func (v *approvalsView) ShortHelp() []key.Binding {
	switch {
	case v.prompt != nil && v.prompt.kind == apConfirmApprove:
		return []key.Binding{approvalsKeys.Yes, apConfirmNo}
	case v.prompt != nil:
		return []key.Binding{apPromptDo, apPromptCancel}
	case v.list.Capturing():
		return v.list.ShortHelp()
	}
	return append(v.list.ShortHelp(), approvalsKeys.Approve, approvalsKeys.Reject)
}

func (v *approvalsView) FullHelp() [][]key.Binding {
	if v.prompt != nil || v.list.Capturing() {
		return [][]key.Binding{v.ShortHelp()}
	}
	k := approvalsKeys
	return [][]key.Binding{v.list.FullHelp(), {k.Approve, k.Reject, k.All}}
}

func (v *approvalsView) Render() string { return v.draw(v.render) }

func (v *approvalsView) columns() (reasonW, payloadW int) {
	fixed := 2 + apIDW + 1 + apOpW + 1 + apByW + 1 + apWhenW + 1 + apExpW + 1
	if v.showAll {
		fixed += apStateW + 1
	}
	if v.width >= apPayloadAt {
		payloadW = apPayloadW
		fixed += payloadW + 1
	}
	return max(v.width-fixed, apMinReason), payloadW
}

func (v *approvalsView) statusLine() string {
	st, w := v.st, v.width
	switch {
	case v.prompt != nil && v.prompt.kind == apConfirmApprove:
		// The request's description gives way first: the key to press
		// must stay on screen at any width.
		const keys = "  y approves · any other key cancels"
		const head, tail = "Approve ", " and carry it out?"
		room := w - 1 - lipgloss.Width(head+tail+keys)
		return fit(" "+st.Warn.Render(head+ansi.Truncate(v.prompt.what, max(room, 1), ellipsis)+tail)+st.Muted.Render(keys), w)
	case v.prompt != nil:
		// The typed text comes first: the payload is in the detail pane.
		head := fmt.Sprintf("Reject #%d", v.prompt.id)
		return fit(" "+st.Warn.Render(head)+st.Muted.Render(" reason (optional): ")+
			v.prompt.input.View(st)+st.Muted.Render(" enter rejects · esc cancels"), w)
	case v.busyTag != "":
		return " " + st.Muted.Render(fit(v.busyWhat+"…", w-1))
	case v.flash != "" && v.flashBad:
		return " " + st.Bad.Render(fit(v.flash, w-1)) // cut before styling: no colour runs on
	case v.flash != "":
		return " " + st.Good.Render(fit(v.flash, w-1))
	case v.err != nil:
		return " " + st.Bad.Render(fit("could not read the approvals: "+SanitizeLine(v.err.Error()), w-1))
	case !v.loaded:
		return fit(" "+st.Muted.Render("Loading…"), w)
	}
	what := plural(len(v.list.Rows()), "pending request")
	if v.showAll {
		what = plural(len(v.list.Rows()), "request") + " (latest 200, every state)"
	}
	you := ""
	if v.me.Name != "" {
		you = " · you: " + v.me.Name
		if len(v.me.Roles) > 0 {
			you += " (" + strings.Join(v.me.Roles, ", ") + ")"
		} else {
			you += " (no role: you cannot approve)"
		}
	}
	return fit(" "+st.Bold.Render(what)+st.Muted.Render(you), w)
}

func (v *approvalsView) render() string {
	st, w := v.st, v.width
	lines := make([]string, 0, v.height)
	lines = append(lines, v.statusLine())
	if fl := v.list.FilterLine(st, w); fl != "" {
		lines = append(lines, fl)
	}
	reasonW, payloadW := v.columns()
	head := []cell{
		{text: "ID", w: apIDW, style: st.Muted, right: true},
		{text: "OPERATION", w: apOpW, style: st.Muted},
		{text: "REQUESTED BY", w: apByW, style: st.Muted},
		{text: "WHEN", w: apWhenW, style: st.Muted},
		{text: "EXPIRES IN", w: apExpW, style: st.Muted},
	}
	if v.showAll {
		head = append(head, cell{text: "STATE", w: apStateW, style: st.Muted})
	}
	head = append(head, cell{text: "REASON", w: reasonW, style: st.Muted})
	if payloadW > 0 {
		head = append(head, cell{text: "WHAT", w: payloadW, style: st.Muted})
	}
	lines = append(lines, fit(tableRow(st, head, false), w))
	none := ""
	switch {
	case v.loaded && v.showAll:
		none = "No requests yet."
	case v.loaded:
		none = "No pending requests: nothing waits for a second authorisation."
	}
	cols := [...]int{reasonW, payloadW, btoi(v.showAll)}
	lines = append(lines, v.list.table(st, w, cols, none, "No requests match the filter.", func(r *apRow, _ bool) []cell {
		expStyle := st.Header
		if r.exp == "expired" {
			expStyle = st.Bad
		}
		cells := []cell{
			{text: strconv.FormatInt(r.a.ID, 10), w: apIDW, style: st.Header, right: true},
			{text: r.op, w: apOpW, style: st.Warn},
			{text: r.by, w: apByW, style: st.Header},
			{text: r.when, w: apWhenW, style: st.Muted},
			{text: r.exp, w: apExpW, style: expStyle},
		}
		if v.showAll {
			cells = append(cells, cell{text: glossary.ApprovalState(r.a.State), w: apStateW, style: approvalStateStyle(st, r.a.State)})
		}
		cells = append(cells, cell{text: r.reason, w: reasonW, style: st.Header})
		if payloadW > 0 {
			cells = append(cells, cell{text: r.payload, w: payloadW, style: st.Muted})
		}
		return cells
	})...)
	if v.showDetail() {
		listEnd := v.chrome() + v.list.height
		lines = padLines(lines, listEnd, w)
		if r, ok := v.list.SelectedRow(); ok {
			lines = append(lines, v.detailPane(r, v.height-len(lines))...)
		}
	}
	return strings.Join(padLines(lines, v.height, w), "\n")
}

func approvalStateStyle(st *Styles, state string) lipgloss.Style {
	switch state {
	case "approved":
		return st.Good
	case "rejected", "expired":
		return st.Bad
	}
	return st.Warn
}

// detailPane is the selected request in full.
func (v *approvalsView) detailPane(r *apRow, h int) []string {
	st, w, a := v.st, v.width, r.a
	out := []string{rule(st, fmt.Sprintf("request #%d · %s", a.ID, r.op), w)}
	zone := a.RequestedAt.In(v.loc).Format("MST")
	meta := "requested by " + r.by + " at " + a.RequestedAt.In(v.loc).Format("2006-01-02 15:04") + " " + zone +
		" · expires " + a.ExpiresAt.In(v.loc).Format("2006-01-02 15:04")
	if r.by == v.me.Name && a.State == "pending" {
		meta += " · yours: someone else approves; x withdraws"
	}
	out = append(out, fit(" "+st.Muted.Render(meta), w))
	// What the request asks is wrapped, not cut: the approve prompt's one
	// line gives it up first at narrow widths, so this is where it is read.
	for i, l := range wrapText(r.payload, w-6, 3) {
		label := "     "
		if i == 0 {
			label = "asks "
		}
		out = append(out, fit(" "+st.Muted.Render(label)+l, w))
	}
	if r.ids != "" {
		out = append(out, fit(" "+st.Muted.Render("payload ")+r.ids, w))
	}
	if a.State != "pending" {
		s := " " + approvalStateStyle(st, a.State).Render(glossary.ApprovalState(a.State))
		if r.decidedBy != "" {
			s += st.Muted.Render(" by ") + r.decidedBy
		}
		if a.DecidedAt != nil {
			s += st.Muted.Render(" at " + a.DecidedAt.In(v.loc).Format("2006-01-02 15:04"))
		}
		if r.note != "" {
			s += st.Muted.Render(" · ") + r.note
		}
		if r.result != "" {
			s += st.Muted.Render(" · result ") + r.result
		}
		out = append(out, fit(s, w))
	}
	if room := h - len(out); room > 0 && r.reason != "" {
		for _, l := range wrapText(r.reason, w-2, room) {
			out = append(out, fit(" "+l, w))
		}
	}
	return out
}
