package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Some marks turn on the time alone: an action item goes overdue when the
// incident's calendar passes its due date, and the header's "next update
// in 3m" turns into "update overdue 1m" when the promised time passes,
// with no data changing. The header reads the root's clock on every draw
// (the second tick moves it while the incident is open); views with such
// marks are told the time (clocked) on every tick and at each of the
// incident's midnights (the day timer, which also runs once the incident
// is resolved and the second tick has stopped). Telling the time does no
// I/O: a view works its marks out again from the rows it holds.

// clocked is a view whose marks turn on the time alone. Clock must be
// cheap when nothing turns (it runs every second while the incident is
// open) and must drop the view's drawing when something does.
type clocked interface{ Clock(now time.Time) }

// tellTime gives every clocked view the root's clock.
func (m Model) tellTime() {
	for _, v := range m.views {
		if c, ok := v.(clocked); ok {
			c.Clock(m.now)
		}
	}
}

// dayArm is the day timer in flight: gen tells a timer armed for another
// zone (another incident now on screen) from the current one.
type dayArm struct {
	armed bool
	zone  string
	gen   int
}

// dayTickMsg is the day timer firing.
type dayTickMsg struct{ gen int }

// armDay sets the day timer for the next midnight in the zone of the
// incident on screen, unless one is already set for that zone.
func (m *Model) armDay() tea.Cmd {
	if m.dayTimer == nil || m.snap == nil {
		return nil
	}
	zone := m.snap.Incident.TimeZone
	if m.day.armed && m.day.zone == zone {
		return nil
	}
	m.day.gen++
	m.day.armed, m.day.zone = true, zone
	gen := m.day.gen
	return m.dayTimer(untilNextDay(m.opts.Now(), m.snap.Incident.Location()),
		func(time.Time) tea.Msg { return dayTickMsg{gen: gen} })
}

// dayTick tells the views the time and sets the timer for the day after.
func (m Model) dayTick(msg dayTickMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.day.gen {
		return m, nil // armed for a zone no longer on screen
	}
	m.now = m.opts.Now()
	m.tellTime()
	m.day.armed = false
	return m, m.armDay()
}

// tickUntilDone is tea.Tick that also gives up when ctx ends: a day timer
// is armed for up to 24 hours, and tea.Tick's goroutine (holding the
// program and its snapshot) would outlive an SSH session by that long.
func tickUntilDone(ctx context.Context) func(time.Duration, func(time.Time) tea.Msg) tea.Cmd {
	return func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case now := <-t.C:
				return fn(now)
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// untilNextDay is how long from now until just after the next midnight in
// loc: a second late rather than early, so the clock read on waking is
// already in the new day.
func untilNextDay(now time.Time, loc *time.Location) time.Duration {
	t := now.In(loc)
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	return next.Sub(now) + time.Second
}
