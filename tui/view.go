// Package tui is the war-room console: one root model that routes keys and
// data to six views (timeline, restore, accountability, fund, approvals,
// audit). Views return strings; only the root returns a tea.View. Views
// never do I/O: the root loads the Snapshot, runs the reads a view asks for
// (read.go) and the writes (writer.go) in tea.Cmds, and hands each view the
// answers as typed messages.
package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"warroom/compensation"
	"warroom/incident"
	"warroom/recovery"
)

// Snapshot is everything the console shows for one incident, read in one go.
type Snapshot struct {
	Incident       incident.Incident
	Timeline       []incident.Entry
	Milestones     []recovery.Milestone
	Accountability incident.Accountability
	Fund           *compensation.Fund // nil when the incident has no fund
	Drawdown       []compensation.DrawdownPoint
	// Commander is who commands the incident now ("" when nobody is named;
	// partDuty); Cadence is when the next stakeholder update is due
	// (partTimeline).
	Commander string
	Cadence   incident.Cadence
	// MaySteer: the login may change the incident's status, severity and
	// roles (incident.MaySteer; partDuty, as it turns on the commander).
	// The console offers those keys only then; the database decides.
	MaySteer bool
	// MayReceive: the login may record money received (finance;
	// compensation.MayReceive, with partDuty): the Fund view offers r then.
	MayReceive bool

	// History is every update of every milestone, oldest first, by id.
	History map[int64][]recovery.Update
	// EntryHistory holds the earlier versions of corrected timeline entries
	// (those past version 1), oldest first, by entry id.
	EntryHistory map[int64][]incident.EntryVersion
}

// LastUpdate is a milestone's latest update, read off its history.
func (s *Snapshot) LastUpdate(milestoneID int64) (recovery.Update, bool) {
	h := s.History[milestoneID]
	if len(h) == 0 {
		return recovery.Update{}, false
	}
	return h[len(h)-1], true
}

// view is one tab of the console.
type view interface {
	// Name is the tab label ("Timeline").
	Name() string
	// Parts is what of the snapshot the view shows: the root hands it a
	// new snapshot (SetData) only when one of these parts changed, so a
	// change elsewhere leaves its rows and its cached drawing alone. Keep
	// it in step with what SetData reads.
	Parts() part
	// SetData hands the view a fresh snapshot; it keeps its cursor where it can.
	SetData(s *Snapshot)
	// SetSize is the area below the header and above the footer.
	SetSize(width, height int)
	// Update handles a key press meant for this view.
	Update(msg tea.KeyPressMsg) tea.Cmd
	// Paste takes a bracketed paste while the view captures text: it goes
	// to the input that has the focus (a form field, a prompt).
	Paste(msg tea.PasteMsg) tea.Cmd
	// Render draws exactly the visible part. It changes nothing (the view
	// keeps its last drawing in a drawCache, dropped by the calls above).
	Render() string
	// Capturing is true while the view takes raw text (its filter prompt is
	// open), so the root must not treat keys such as q or 1-4 as commands.
	Capturing() bool
	// ShortHelp and FullHelp describe the view's own keys for the help bar
	// and the ? screen.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// unsavedInput is a view that may hold typed input a quit would lose: the
// root asks before ctrl+c throws it away.
type unsavedInput interface {
	Unsaved() bool
}
