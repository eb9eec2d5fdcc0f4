package tui

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"charm.land/lipgloss/v2"

	"warroom/glossary"
	"warroom/incident"
)

// headerHeight is the title line plus the tabs line.
const headerHeight = 2

// maxTabs is how many views the tabs line has room for.
const maxTabs = 8

// headerState is everything the header shows; equal states draw equal
// headers, which is what the cache keys on.
type headerState struct {
	width   int
	inc     *incident.Incident // nil until the first load
	now     time.Time          // truncated to the second: the clock's resolution
	active  int
	names   [maxTabs]string // "" past the last view
	loading bool
	// commander is who commands the incident ("" when nobody is named);
	// cadence is Cadence.Label at now, overdue when it is late.
	commander string
	cadence   string
	overdue   bool
}

type headerCache struct {
	key headerState
	out string
	ok  bool
	// shared: the console draws in the default theme, so its header may
	// come from (and go to) sharedHeaders.
	shared bool
}

func (c *headerCache) render(st *Styles, hs headerState) string {
	if c.ok && c.key == hs {
		return c.out
	}
	if !c.shared {
		c.key, c.out, c.ok = hs, renderHeader(st, hs), true
		return c.out
	}
	k := sharedHeaderKey(hs)
	out, ok := sharedHeaders.get(k)
	if !ok {
		out = renderHeader(st, hs)
		sharedHeaders.put(k, out)
	}
	c.key, c.out, c.ok = hs, out, true
	return c.out
}

// sharedHeaders are headers drawn in the default theme, shared by every
// console in the process. The clock changes every header once a second:
// with hundreds of consoles of one incident on one server (`warroom
// serve`), each second's header is drawn once instead of once per console.
var sharedHeaders = &headerLRU{m: map[headerKey]string{}}

// headerKey is headerState by value: the incident's fields the header
// shows instead of a pointer to one console's copy, times as instants.
type headerKey struct {
	hs          headerState // inc nil, now zero
	now         int64
	incID       int64
	title       string
	zone        string
	status      string
	severity    string
	started     int64
	resolved    int64
	hasInc      bool
	hasResolved bool
}

func sharedHeaderKey(hs headerState) headerKey {
	k := headerKey{hs: hs, now: hs.now.UnixNano()}
	k.hs.inc, k.hs.now = nil, time.Time{}
	if inc := hs.inc; inc != nil {
		k.hasInc = true
		k.incID, k.title, k.zone, k.status, k.severity = inc.ID, inc.Title, inc.TimeZone, inc.Status, inc.Severity
		k.started = inc.StartedAt.UnixNano()
		if inc.ResolvedAt != nil {
			k.hasResolved, k.resolved = true, inc.ResolvedAt.UnixNano()
		}
	}
	return k
}

// headerLRU holds the latest headers drawn; it is emptied when full (a few
// seconds of clocks for a few incidents and widths).
type headerLRU struct {
	mu sync.Mutex
	m  map[headerKey]string
}

const sharedHeadersMax = 256

func (c *headerLRU) get(k headerKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[k]
	return s, ok
}

func (c *headerLRU) put(k headerKey, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= sharedHeadersMax {
		clear(c.m)
	}
	c.m[k] = s
}

func renderHeader(st *Styles, hs headerState) string {
	w := hs.width
	var left, right string
	if hs.inc == nil {
		left = st.Title.Render("warroom")
		right = st.Muted.Render("loading…")
	} else {
		inc := hs.inc
		lead := severityStyle(st, inc.Severity).Render(strings.ToUpper(SanitizeLine(glossary.Severity(inc.Severity)))) + " " +
			incidentStatusStyle(st, inc.Status).Render(strings.ToUpper(SanitizeLine(glossary.IncidentStatus(inc.Status)))) + " " +
			dutyText(st, hs)
		left = lead + st.Title.Render(SanitizeLine(inc.Title))
		right = clockText(st, *inc, hs.now)
		if lipgloss.Width(lead)+lipgloss.Width(right)+2 > w {
			// Who commands and when to speak next matter more than the
			// wall time: narrow, the clock keeps T+ and the time of day
			// with its zone (every time on screen is in that zone, and
			// this is where the screen names it), then T+ alone.
			right = shortClockText(st, *inc, hs.now)
			if lipgloss.Width(lead)+lipgloss.Width(right)+2 > w {
				right = st.Bold.Render(incident.FormatElapsed(inc.Elapsed(hs.now)))
			}
		}
	}
	line1 := spread(left, right, w)

	status := ""
	if hs.loading && hs.inc != nil {
		status = st.Muted.Render("refreshing…")
	}
	tabs := renderTabs(st, hs, st.Tab, st.ActiveTab, "")
	if lipgloss.Width(tabs)+lipgloss.Width(status)+2 > w {
		// Narrow: one space between tabs instead of a cell of padding on
		// each side, so all six still fit 80 columns beside the status.
		tabs = renderTabs(st, hs, st.Tab.Padding(0), st.ActiveTab.Padding(0), " ")
	}
	line2 := spread(tabs, status, w)
	return line1 + "\n" + line2
}

// dutyText is who commands and when the next update is due, ahead of the
// title: a long title gives way before either does. An overdue update
// shows red.
func dutyText(st *Styles, hs headerState) string {
	var out string
	if hs.cadence != "" {
		style := st.Muted
		if hs.overdue {
			style = st.Banner
		}
		out += style.Render(hs.cadence) + " "
	}
	if hs.commander != "" {
		out += st.Muted.Render("cmdr ") + st.Bold.Render(SanitizeLine(hs.commander)) + st.Muted.Render(" ·") + " "
	}
	return out
}

func renderTabs(st *Styles, hs headerState, tab, active lipgloss.Style, gap string) string {
	var tabs strings.Builder
	for i, name := range hs.names {
		if name == "" {
			continue
		}
		if i > 0 {
			tabs.WriteString(gap)
		}
		label := strconv.Itoa(i+1) + " " + name
		if i == hs.active {
			tabs.WriteString(active.Render(label))
		} else {
			tabs.WriteString(tab.Render(label))
		}
	}
	return tabs.String()
}

// clockText is the war-room clock: time since the outage began, ticking
// while the incident is open, frozen at its total once resolved, with the
// wall time in the incident's own zone (not the viewer's).
func clockText(st *Styles, inc incident.Incident, now time.Time) string {
	loc := inc.Location()
	elapsed := st.Bold.Render(incident.FormatElapsed(inc.Elapsed(now)))
	if inc.ResolvedAt != nil {
		return elapsed + st.Muted.Render(" resolved "+inc.ResolvedAt.In(loc).Format("2006-01-02 15:04 MST"))
	}
	return elapsed + st.Muted.Render(" now "+now.In(loc).Format("2006-01-02 15:04:05 MST"))
}

// shortClockText is clockText without the date: "T+47m now 14:05 CST".
func shortClockText(st *Styles, inc incident.Incident, now time.Time) string {
	loc := inc.Location()
	elapsed := st.Bold.Render(incident.FormatElapsed(inc.Elapsed(now)))
	if inc.ResolvedAt != nil {
		return elapsed + st.Muted.Render(" resolved "+inc.ResolvedAt.In(loc).Format("01-02 15:04 MST"))
	}
	return elapsed + st.Muted.Render(" now "+now.In(loc).Format("15:04 MST"))
}

// spread puts left and right on one line of exactly w cells; the left part
// gives way when both do not fit, because the clock matters more than the
// end of a long title.
func spread(left, right string, w int) string {
	rw := lipgloss.Width(right)
	if rw >= w {
		return fit(right, w)
	}
	lw := w - rw - 1
	if right == "" {
		lw = w
	}
	out := fit(" "+left, lw)
	if right != "" {
		out += " " + right
	}
	return out
}

func severityStyle(st *Styles, sev string) lipgloss.Style {
	switch sev {
	case "sev1":
		return st.Banner
	case "sev2":
		return st.Bad
	case "sev3":
		return st.Warn
	}
	return st.Muted
}

func incidentStatusStyle(st *Styles, status string) lipgloss.Style {
	switch status {
	case "investigating", "identified":
		return st.Bad.Bold(true)
	case "monitoring":
		return st.Warn.Bold(true)
	case "resolved":
		return st.Good.Bold(true)
	}
	return st.Muted
}
