package tui

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lib/pq"

	"warroom/db"
	"warroom/incident"
)

// FeedWindow is how long the change feed gathers a burst before handing it
// to the console. The first change after a quiet spell goes at once (the
// feed batches on the leading edge), so this bounds the reload rate during
// bursts, not the latency of a lone change.
const FeedWindow = 50 * time.Millisecond

// connRetryAfter is how soon a load that failed for want of a connection is
// tried again: the server may be back within a second or two.
const connRetryAfter = time.Second

// liveMsg is one delivery from the change feed: a batch of changes, or news
// about the feed's connection.
type liveMsg db.Event

// connTickMsg redraws the "disconnected (12s)" banner once a second.
type connTickMsg struct{}

// Listen is the one bridge from the database to a console: a feed on its
// own connection to dsn whose deliveries go to send (a tea.Program's Send,
// which is safe from the feed's goroutine). Close the feed when the
// program ends.
func Listen(dsn string, send func(tea.Msg)) (*db.Feed, error) {
	return db.Listen(dsn, FeedWindow, func(ev db.Event) { send(liveMsg(ev)) })
}

// FeedMsg is ev as the console takes it, for a process that runs one feed
// for many consoles (`warroom serve`) and sends each delivery to every
// program itself instead of each console listening on its own connection.
func FeedMsg(ev db.Event) tea.Msg { return liveMsg(ev) }

// live applies one feed delivery to the root.
func (m Model) live(ev liveMsg) (tea.Model, tea.Cmd) {
	switch {
	case ev.Disconnected:
		wasUp := m.Connected()
		m.feedDown = true
		return m, m.wentDown(wasUp)
	case ev.Reconnected:
		// Notifications sent while the feed was away are lost: read it all.
		wasDown := !m.Connected()
		m.feedDown = false
		if wasDown != !m.Connected() {
			m.resize()
		}
		// ev.Since, when set on a reconnection, is when the feed was back:
		// a shared load begun after it holds everything lost (LoadShare).
		m.need = ev.Since
		return m, m.reload(partAll)
	}
	var parts, applied part
	var need time.Time // the newest change a reload must include (LoadShare)
	next := m.snap
	for _, c := range ev.Changes {
		p, mine := m.affects(c)
		if !mine {
			continue
		}
		strip := c
		strip.Row = nil // the strip names the change; the row stays out of its memory
		m.activity.add(strip)
		// A change whose notification carries its row is applied as it
		// is, without a query (apply.go); anything else is read again.
		if s, ok := applyChange(next, c); ok {
			if s != next {
				applied |= p
			}
			next = s
			if m.loading {
				m.applied = append(m.applied, c)
			}
			continue
		}
		if !m.isCovered(p, c.At) {
			parts |= p
			if c.At.After(need) {
				need = c.At
			}
		}
	}
	if next != m.snap {
		m.snap = next
		// A change applied from its row goes only to the views that show
		// its part: a view's SetData rebuilds all its rows and its next
		// frame, and with fifty consoles that work is what stands between
		// a commit and every screen.
		m.handOut(applied)
	}
	if parts == 0 {
		return m, nil
	}
	m.need = need
	return m, m.reload(parts)
}

// appliedChanges are the changes applied from their rows while a load was
// in flight. That load may have read the database before they committed,
// so they are applied again on top of its result (reapply); a load that
// starts later reads them itself.
type appliedChanges []db.Change

// reapply applies the changes applied while the load just finished was in
// flight again on s, its merged result, and forgets them. One that no
// longer applies (a timeline correction whose earlier versions s lacks)
// has its part read again.
func (m *Model) reapply(s *Snapshot, parts part) *Snapshot {
	for _, c := range m.applied {
		p := tableParts(c.Table)
		if c.At.Before(m.loadStarted) || p&parts == 0 {
			continue // already in s, or s kept the part that has it
		}
		if next, ok := applyChange(s, c); ok {
			s = next
		} else {
			m.pending |= p
		}
	}
	m.applied = nil
	return s
}

// affects says which parts of the snapshot c changes, and whether it
// concerns the incident on screen at all.
func (m Model) affects(c db.Change) (part, bool) {
	if m.snap == nil {
		return partAll, true // nothing shown yet: any load reads everything
	}
	if c.Incident != m.snap.Incident.ID {
		// Another incident may become the current one when no slug pins it.
		if c.Table == "incidents" && m.opts.IncidentSlug == "" {
			return partAll, false
		}
		return 0, false
	}
	return tableParts(c.Table), true
}

// tableParts maps a table to the parts of the snapshot it feeds. A table
// this console does not know (a newer schema) reloads everything: slower,
// never stale.
func tableParts(table string) part {
	switch table {
	case "incidents":
		return partIncident
	case "timeline_entries":
		return partTimeline // with the update cadence, read off the same entries
	case "incident_roles":
		return partDuty
	case "milestones", "milestone_updates":
		return partMilestones
	case "people", "findings", "remediation_measures", "action_items":
		return partAccountability
	case "funds", "contributors", "contributions", "claims", "payouts", "merchants",
		"margin_rates", "sales_imports", "merchant_imports", "plan_changes":
		return partFund
	case "approvals":
		return 0 // not in the snapshot: the approvals view re-reads its queue on any change
	}
	return partAll
}

// reload reads parts (or queues them while a load is in flight, so a burst
// never queues more than one more load).
//
// m.need, when set, is the newest change the load must include (when it
// was received): a load shared with other consoles (Options.Share) that
// began after it will do. Otherwise the load must begin now.
func (m *Model) reload(parts part) tea.Cmd {
	need := m.need
	m.need = time.Time{}
	if need.IsZero() {
		need = time.Now()
	}
	if m.loading {
		m.pending |= parts
		if need.After(m.pendingNeed) {
			m.pendingNeed = need
		}
		return nil
	}
	m.seq++
	m.loading = true
	m.loadStarted = time.Now()
	m.applied = nil // received before this load began: it reads them
	var inc *incident.Incident
	if m.snap != nil {
		inc = &m.snap.Incident
	}
	return loadCmd(m.ctx, m.conn, m.opts.IncidentSlug, inc, parts, m.seq, m.shared(need))
}

// partBits is the number of bits in part.
const partBits = 6

// markCovered notes that parts are now as fresh as the load just applied.
func (m *Model) markCovered(parts part) {
	for i := range partBits {
		if parts&(1<<i) != 0 {
			m.covered[i] = m.loadStarted
		}
	}
}

// isCovered reports whether a change to parts received at `at` is already
// on screen: a load of all of them began after it was received, and so
// after it was committed. One transaction's changes often reach the feed
// in two deliveries; the second would otherwise reload for nothing.
func (m Model) isCovered(parts part, at time.Time) bool {
	if at.IsZero() {
		return false
	}
	for i := range partBits {
		if parts&(1<<i) != 0 && !at.Before(m.covered[i]) {
			return false
		}
	}
	return true
}

// wentDown records the moment the console lost the database (once per
// outage) and starts the banner's clock.
func (m *Model) wentDown(wasUp bool) tea.Cmd {
	if !wasUp {
		return nil
	}
	m.downSince = m.opts.Now()
	m.now = m.downSince
	m.resize() // the banner line appears
	return connTick()
}

func connTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return connTickMsg{} })
}

// Connected reports whether the console is in touch with the database: its
// change feed is connected and its last load did not fail for want of a
// connection. Edit forms refuse to save while it is false (writeBlocked).
func (m Model) Connected() bool { return !m.feedDown && !m.queryDown }

// writeBlocked is the one place that says why a write is refused: nil while
// connected.
func (m Model) writeBlocked() error {
	if m.Connected() {
		return nil
	}
	// No "not saved:" here: each caller says what did not happen ("not
	// saved: ", "not approved: ", "not moved: ") before the reason.
	return fmt.Errorf("disconnected from the database for %s - retrying; try again once it is back",
		m.downFor())
}

// downFor is how long the console has been disconnected, to the second.
func (m Model) downFor() time.Duration {
	d := m.now.Sub(m.downSince).Truncate(time.Second)
	if d < 0 {
		return 0
	}
	return d
}

// disconnectedBanner is the banner while the database is away.
func (m Model) disconnectedBanner() string {
	msg := fmt.Sprintf(" Database disconnected - retrying (%s)", m.downFor())
	if m.snap != nil {
		msg += "; showing the last data read, edits are refused"
	}
	return m.st.Banner.Render(fit(msg, m.width))
}

// isConnectionError reports whether err means the database could not be
// reached (as opposed to refusing a query), so the console shows a lost
// connection rather than a bad query.
func isConnectionError(err error) bool {
	if err == nil {
		return false
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		c := pqErr.Code.Class()
		return c == "08" || c == "57" // connection exception, operator intervention (shutdown)
	}
	var ne net.Error
	return errors.Is(err, db.ErrConnectionFailure) || errors.Is(err, driver.ErrBadConn) ||
		errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
