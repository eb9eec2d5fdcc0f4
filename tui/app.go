package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/jmoiron/sqlx"
)

// Options configure the console.
type Options struct {
	// IncidentSlug picks the incident; empty means the current one.
	IncidentSlug string
	// Now is the clock (tests pin it); nil means time.Now.
	Now func() time.Time
	// Theme overrides DefaultTheme.
	Theme *Theme
	// DSN is the connection string Run gives the live-update feed (its own
	// connection, as LISTEN needs one); empty means the PG* variables, as
	// for the pool.
	DSN string
	// Actor is who the console's writes are attributed to (history rows,
	// notifications); empty means the database login.
	Actor string
	// ReadOnly shows no write keys and refuses writes (readonly.go): a
	// viewer's session over SSH.
	ReadOnly bool
	// Share, when set, lets the consoles of this process that read as the
	// same person (ShareAs, required with Share) share their loads
	// (share.go): `warroom serve`, where one change would otherwise start
	// one load per session through a pool of three connections.
	Share   *LoadShare
	ShareAs string
}

// Minimum usable terminal; below it the console says so instead of drawing
// a layout that overlaps itself.
const (
	minWidth  = 80
	minHeight = 24
	footerH   = 1
)

// retryAfter is how soon a failed load is tried again on its own, so a
// database restart heals without anyone pressing a key.
const retryAfter = 5 * time.Second

// Model is the console's root: it owns the data, routes keys to the active
// view and composes header, view and footer. Views are pointers, so copies
// of Model share them; that is the usual Bubble Tea arrangement.
type Model struct {
	ctx  context.Context
	conn *sqlx.DB
	opts Options
	st   *Styles
	help *helpBar // a pointer: help.Model is kilobytes, and the model is copied on every message

	views    []view
	active   int
	showHelp bool

	snap    *Snapshot
	loadErr error
	loading bool
	pending part // parts to reload once the load in flight is done
	seq     int

	// Connection state (live.go): the feed lost its connection, or a load
	// failed for want of one; downSince is when the outage began.
	feedDown, queryDown bool
	downSince           time.Time
	activity            *activityLog
	// loadStarted is when the load in flight began (wall clock) and
	// covered, per part, when the last applied load of it began: a change
	// received before that is already on screen (live.go).
	loadStarted time.Time
	covered     [partBits]time.Time
	// applied are changes applied from their rows during the load in
	// flight, to apply again on its result (live.go).
	applied appliedChanges
	// need is the newest change the next reload must include, and
	// pendingNeed that of the pending parts (live.go, share.go).
	need, pendingNeed time.Time

	ticking bool
	now     time.Time
	// The day timer (clock.go) wakes the console at the incident's next
	// midnight, when action items go overdue with no data changing; nil
	// in a model built by New (tests drive the clock themselves).
	dayTimer func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	day      dayArm

	// quitArmed: ctrl+c was pressed while a form held typed input; a
	// second ctrl+c quits, any other key goes back to the form.
	quitArmed bool

	width, height int
	reads         *readGroups // read.go: the contexts of the views' reads
	header        *headerCache
	body          *bodyCache
	switcher      *switcher // switcher.go: the incident list on I, over the active view
}

type tickMsg time.Time

// retryMsg re-runs a failed load; a ReloadMsg would do, but keeping it
// apart lets a success in between cancel the retry.
type retryMsg struct{ seq int }

// New builds the console for conn. Nothing is read until the program runs
// Init.
func New(conn *sqlx.DB, opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	theme := DefaultTheme()
	if opts.Theme != nil {
		theme = *opts.Theme
	}
	st := newStyles(theme)
	m := Model{
		ctx:     context.Background(),
		conn:    conn,
		opts:    opts,
		st:      &st,
		help:    newHelpBar(&st),
		now:     opts.Now(),
		seq:     1,
		loading: true,
		header:  &headerCache{shared: opts.Theme == nil},
		reads:   &readGroups{},
		body:    &bodyCache{},

		activity: &activityLog{},
		switcher: &switcher{st: &st},
	}
	m.help.readOnly = opts.ReadOnly
	m.views = []view{
		newTimelineView(m.st),
		newRestoreView(m.st),
		newAccountabilityView(m.st, opts.Now),
		newFundView(m.st),
		newApprovalsView(m.st),
		newAuditView(m.st),
	}
	return m
}

// NewProgram is the console as a program, for callers that also need to
// Send it messages (the live-update bridge sends ReloadMsg). Loads stop
// when ctx ends.
func NewProgram(ctx context.Context, conn *sqlx.DB, opts Options, popts ...tea.ProgramOption) *tea.Program {
	m := New(conn, opts)
	m.ctx = ctx
	m.dayTimer = tickUntilDone(ctx)
	return tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, popts...)...)
}

// Run shows the console until the user quits or ctx ends; a cancelled ctx
// is a normal way out, not an error. Changes committed by anyone reach it
// through a feed on opts.DSN.
func Run(ctx context.Context, conn *sqlx.DB, opts Options) error {
	p := NewProgram(ctx, conn, opts)
	feed, err := Listen(opts.DSN, p.Send)
	if err != nil {
		return fmt.Errorf("live updates: %w", err)
	}
	defer feed.Close()
	_, err = p.Run()
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	return err
}

// Init starts the first load; New already counted it (seq 1, loading),
// because Init cannot change the model.
func (m Model) Init() tea.Cmd {
	return loadCmd(m.ctx, m.conn, m.opts.IncidentSlug, nil, partAll, m.seq, m.shared(time.Now()))
}

// load starts a full load now, overtaking any load in flight.
func (m *Model) load() tea.Cmd {
	m.loading = false
	return m.reload(partAll)
}

// Update handles msg, then tells the view on screen it is on screen (side
// views read only while they are; rendering must not be what says so).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd := m.update(msg)
	if mm, ok := nm.(Model); ok && !mm.showHelp && mm.snap != nil {
		if s, ok := mm.views[mm.active].(shower); ok {
			s.Shown()
		}
	}
	return nm, cmd
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		return m.paste(msg)
	case ReloadMsg:
		return m, m.reload(partAll)
	case liveMsg:
		nm, cmd := m.live(msg)
		var list tea.Cmd
		if m.switcher.open && switcherNeedsReload(msg) {
			list = listIncidents(m.ctx, m.conn)
		}
		return nm, tea.Batch(cmd, m.sideLive(msg), list) // approvals.go: views with reads of their own
	case incidentsMsg:
		m.switcher.setRows(msg)
		return m, nil
	case chosenMsg:
		// Everything is read again for the chosen incident; a load still
		// in flight for the old one is dropped by its sequence number.
		m.opts.IncidentSlug = msg.slug
		m.loading, m.pending = false, 0
		return m, m.reload(partAll)
	case writeRequestMsg: // writer.go
		return m, m.write(msg)
	case writeDoneMsg:
		return m, m.deliver(msg)
	case connTickMsg:
		if m.Connected() {
			return m, nil
		}
		m.now = m.opts.Now()
		return m, connTick()
	case readRequestMsg: // read.go: the views' own reads
		return m, m.read(msg)
	case viewMsg: // their answers and the views' timers
		return m, m.deliver(msg)
	case retryMsg:
		if msg.seq != m.seq || m.loading || m.loadErr == nil {
			return m, nil
		}
		return m, m.load()
	case snapshotMsg:
		nm, cmd := m.loaded(msg)
		return nm, tea.Batch(cmd, m.sideLoaded(msg))
	case dayTickMsg:
		return m.dayTick(msg)
	case tickMsg:
		m.now = m.opts.Now()
		m.tellTime()
		if m.snap == nil || !m.snap.Incident.Open() {
			m.ticking = false
			return m, nil
		}
		return m, tick()
	}
	return m, nil
}

// tick wakes the clock on the wall clock's second boundary, so the seconds
// in the header turn over together with the viewer's watch.
func tick() tea.Cmd {
	return tea.Every(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func (m Model) loaded(msg snapshotMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.seq {
		return m, nil // overtaken by a newer load
	}
	m.loading = false
	hadBanner := m.bannerH()
	var cmds []tea.Cmd
	if msg.err != nil {
		m.loadErr = msg.err
		seq, wait := m.seq, retryAfter
		if isConnectionError(msg.err) {
			// Shown as a lost connection, even if the feed has not noticed.
			wasUp := m.Connected()
			m.queryDown = true
			cmds = append(cmds, m.wentDown(wasUp))
			wait = connRetryAfter
		}
		// The retry is a full load: it covers whatever parts were asked for.
		m.pending = 0
		cmds = append(cmds, tea.Tick(wait, func(time.Time) tea.Msg { return retryMsg{seq: seq} }))
	} else {
		m.loadErr = nil
		m.queryDown = false
		if !msg.started.IsZero() {
			// A shared load began before this console asked for it (but
			// after every change it needed): what it holds is as of then.
			m.loadStarted = msg.started
		}
		m.snap = m.reapply(merge(m.snap, msg.snap, msg.parts), msg.parts)
		m.markCovered(msg.parts)
		m.handOut(msg.parts)
		m.now = m.opts.Now()
		if m.snap.Incident.Open() && !m.ticking {
			m.ticking = true
			cmds = append(cmds, tick())
		}
		m.tellTime()
		cmds = append(cmds, m.armDay())
	}
	if hadBanner != m.bannerH() {
		m.resize() // the banner line came or went
	}
	if m.pending != 0 {
		parts := m.pending
		m.pending = 0
		m.need, m.pendingNeed = m.pendingNeed, time.Time{}
		cmds = append(cmds, m.reload(parts))
	}
	return m, tea.Batch(cmds...)
}

// handOut gives the snapshot to the views that show any of changed (the
// parts just read or applied); the others keep their rows and drawing.
func (m Model) handOut(changed part) {
	for _, v := range m.views {
		if v.Parts()&changed != 0 {
			v.SetData(m.snap)
		}
	}
}

// focus is what takes the keys: the switcher while it is open, else the
// active view.
func (m Model) focus() view {
	if m.switcher.open {
		return m.switcher
	}
	return m.views[m.active]
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	v := m.focus()
	if key.Matches(msg, globalKeys.ForceQuit) {
		if u, ok := v.(unsavedInput); ok && u.Unsaved() && !m.quitArmed {
			m.quitArmed = true
			return m, nil
		}
		return m, tea.Quit
	}
	if m.quitArmed {
		m.quitArmed = false
		return m, nil // the key only answered the question: it types nothing
	}
	if m.snap != nil && !m.showHelp && v.Capturing() {
		return m, v.Update(msg)
	}
	switch {
	case key.Matches(msg, globalKeys.Quit):
		return m, tea.Quit
	case key.Matches(msg, globalKeys.Help):
		m.showHelp = !m.showHelp
		return m, nil
	case m.showHelp && msg.String() == "esc":
		m.showHelp = false
		return m, nil
	case key.Matches(msg, globalKeys.Next):
		m.active = (m.active + 1) % len(m.views)
		return m, nil
	case key.Matches(msg, globalKeys.Prev):
		m.active = (m.active + len(m.views) - 1) % len(m.views)
		return m, nil
	case key.Matches(msg, globalKeys.Reload):
		return m.Update(ReloadMsg{})
	case key.Matches(msg, switcherKeys.Open) && m.snap != nil && !m.showHelp:
		sw := m.switcher
		sw.open, sw.current, sw.now = true, m.snap.Incident.ID, m.now
		sw.declare, sw.zone = nil, m.snap.Incident.TimeZone
		sw.SetSize(m.width, m.bodyH())
		return m, listIncidents(m.ctx, m.conn)
	}
	for i, b := range globalKeys.Tabs {
		if key.Matches(msg, b) {
			m.active = i
			return m, nil
		}
	}
	if m.showHelp || m.snap == nil {
		return m, nil
	}
	if m.opts.ReadOnly && isWriteKey(v, msg) {
		return m, nil // readonly.go: not offered, so not taken
	}
	return m, v.Update(msg)
}

// paste hands a bracketed paste to the view taking text; with no input
// open there is nothing to type into, and it is dropped (a paste is text,
// never a command).
func (m Model) paste(msg tea.PasteMsg) (tea.Model, tea.Cmd) {
	if m.quitArmed {
		m.quitArmed = false
		return m, nil // as any key: it answers the ctrl+c question
	}
	v := m.focus()
	if m.snap == nil || m.showHelp || !v.Capturing() {
		return m, nil
	}
	return m, v.Paste(msg)
}

// bannerH is 1 while a load error or a lost connection is on screen.
func (m Model) bannerH() int {
	if m.loadErr != nil || !m.Connected() {
		return 1
	}
	return 0
}

func (m Model) bodyH() int { return m.height - headerHeight - m.bannerH() - activityH - footerH }

// resize hands every view the body area. Views that are not active still
// get it, so switching tabs never shows a frame laid out for another size.
func (m *Model) resize() {
	if m.width < minWidth || m.height < minHeight {
		return
	}
	for _, v := range m.views {
		v.SetSize(m.width, m.bodyH())
	}
	m.switcher.SetSize(m.width, m.bodyH())
}

// Active is the index of the view on screen (0 Timeline ... 3 Fund).
func (m Model) Active() int { return m.active }

// Snapshot is the data on screen (nil before the first load). Callers must
// not modify it; the bench uses it to see when a change has arrived.
func (m Model) Snapshot() *Snapshot { return m.snap }

func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "warroom"
	if m.snap != nil {
		v.WindowTitle = "warroom: " + SanitizeLine(m.snap.Incident.Title)
	}
	return v
}

func (m Model) render() string {
	w, h := m.width, m.height
	if w == 0 || h == 0 {
		return "" // no size yet: the first WindowSizeMsg is on its way
	}
	if w < minWidth || h < minHeight {
		msg := m.st.Warn.Render("Terminal too small") + "\n" +
			m.st.Muted.Render(fmt.Sprintf("%dx%d, need at least %dx%d", w, h, minWidth, minHeight))
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, msg)
	}
	hs := headerState{width: w, active: m.active, loading: m.loading, now: m.now.Truncate(time.Second)}
	if m.snap != nil {
		hs.inc = &m.snap.Incident
		hs.commander = m.snap.Commander
		hs.cadence = m.snap.Cadence.Label(m.now)
		left, due := m.snap.Cadence.Remaining(m.now)
		hs.overdue = due && left < 0
	}
	for i, v := range m.views {
		hs.names[i] = v.Name()
	}
	parts := []string{m.header.render(m.st, hs)}
	switch {
	case !m.Connected():
		parts = append(parts, m.disconnectedBanner())
	case m.loadErr != nil:
		parts = append(parts, m.banner())
	}
	bh := m.bodyH()
	switch {
	case m.showHelp:
		// The help screen is not a view: it takes the activity strip's line.
		parts = append(parts, m.help.full(m.views[m.active], w, bh+activityH))
	case m.snap == nil:
		parts = append(parts, m.placeholder(bh))
	case m.switcher.open:
		parts = append(parts, m.body.clip(m.switcher.Render(), w, bh))
	default:
		parts = append(parts, m.body.clip(m.views[m.active].Render(), w, bh))
	}
	if !m.showHelp {
		parts = append(parts, m.activity.render(m.st, m.snap, w))
	}
	if m.quitArmed {
		parts = append(parts, m.st.Warn.Render(fit(" ctrl+c again quits and loses what you typed · any other key goes back", w)))
	} else {
		parts = append(parts, m.help.short(m.focus(), w))
	}
	return strings.Join(parts, "\n")
}

func (m Model) banner() string {
	msg := " Could not load the incident: " + SanitizeLine(m.loadErr.Error())
	if m.snap != nil {
		msg += " (showing the last data read)"
	}
	msg += " - retrying; ctrl+r to retry now"
	return m.st.Banner.Render(fit(msg, m.width))
}

func (m Model) placeholder(h int) string {
	msg := "Loading…"
	if m.loadErr != nil {
		msg = "No data yet."
	}
	return strings.Join(padLines([]string{fit("", m.width), fit("  "+m.st.Muted.Render(msg), m.width)}, h, m.width), "\n")
}

// bodyCache keeps the last clipped view: views return the same cached
// string until something changes, so clipping runs once per change.
type bodyCache struct {
	in   string
	w, h int
	out  string
}

// clip makes a view's output exactly w x h, so a view that misjudges its
// size cannot push the footer off the screen or wrap lines.
func (c *bodyCache) clip(s string, w, h int) string {
	if s == c.in && w == c.w && h == c.h && c.out != "" {
		return c.out
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) != w {
			lines[i] = fit(l, w)
		}
	}
	c.in, c.w, c.h = s, w, h
	c.out = strings.Join(padLines(lines, h, w), "\n")
	return c.out
}
