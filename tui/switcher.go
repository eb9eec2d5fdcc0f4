package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
)

// switcherKeys are the incident switcher's keys; it is modal, so these and
// ctrl+c are all it answers.
var switcherKeys = struct{ Open, Switch, Close, Declare key.Binding }{
	Open:    key.NewBinding(key.WithKeys("I"), key.WithHelp("I", "incidents")),
	Switch:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "switch to it")),
	Close:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	Declare: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "declare new")),
}

// switcher lists every incident, newest first; enter puts the chosen one
// on the console. It is a view of its own, drawn over the active one
// while open, and re-reads its list whenever an incident or its
// commander changes, so an incident declared anywhere shows at once.
type switcher struct {
	st      *Styles
	open    bool
	list    list[incident.Summary]
	err     error
	current int64 // the incident on screen, marked in the list
	now     time.Time
	w, h    int
	// mayDeclare is false once the console knows its login may not
	// declare (a viewer, finance): the key is not offered. The database
	// decides either way; a refusal shows on the form.
	mayDeclare bool
	zone       string     // the incident on screen's zone: the form's default
	declare    *quickForm // the declare form, nil when closed
	declared   *string    // the slug the declare write returned
}

// incidentsMsg is the switcher's list, read off the UI goroutine.
type incidentsMsg struct {
	rows []incident.Summary
	err  error
	// mayDeclare: the login holds a role that may declare (or the
	// question could not be asked: the database still decides).
	mayDeclare bool
}

// chosenMsg asks the root to put an incident on the console.
type chosenMsg struct{ slug string }

func listIncidents(ctx context.Context, conn *sqlx.DB) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		rows, err := incident.List(ctx, conn)
		may := true
		var has bool
		if e := conn.GetContext(ctx, &has, `SELECT warroom_has_any_role(ARRAY['commander', 'engineer'])`); e == nil {
			may = has
		}
		return incidentsMsg{rows: rows, err: err, mayDeclare: may}
	}
}

// switcherNeedsReload says whether a feed delivery changes what the open
// switcher lists: any incident, or any incident's commander.
func switcherNeedsReload(ev liveMsg) bool {
	if ev.Reconnected {
		return true
	}
	for _, c := range ev.Changes {
		if c.Table == "incidents" || c.Table == "incident_roles" {
			return true
		}
	}
	return false
}

func (s *switcher) setRows(msg incidentsMsg) {
	s.err = msg.err
	s.mayDeclare = msg.mayDeclare
	if msg.err != nil {
		return
	}
	var keep int64
	if r, ok := s.list.SelectedRow(); ok {
		keep = r.ID
	} else {
		keep = s.current
	}
	s.list.SetRows(msg.rows, func(r *incident.Summary) string {
		return r.Slug + " " + r.Title + " " + r.Status + " " + r.Severity + " " + r.Commander
	}, func(r *incident.Summary) bool { return r.ID == keep })
}

func (s *switcher) Name() string      { return "Incidents" }
func (s *switcher) Parts() part       { return 0 }
func (s *switcher) SetData(*Snapshot) {}
func (s *switcher) Capturing() bool   { return true } // modal: q and the digits are not the console's here

// Paste types into the declare form when it is open.
func (s *switcher) Paste(msg tea.PasteMsg) tea.Cmd {
	if s.declare == nil {
		return nil
	}
	return s.declare.f.Paste(msg)
}

// Unsaved is true while the declare form holds typed input.
func (s *switcher) Unsaved() bool { return s.declare != nil && s.declare.f.changed() }

func (s *switcher) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.SetHeight(max(h-2, 1)) // the title and the column heads
	if s.declare != nil {
		s.declare.f.SetWidth(w)
	}
}

// Receive takes the answer to the declare form's write: on success the
// console goes to the new incident.
func (s *switcher) Receive(msg tea.Msg) tea.Cmd {
	if s.declare == nil {
		return nil
	}
	ok, mine := s.declare.done(msg)
	if !mine || !ok {
		return nil
	}
	s.declare = nil
	slug := *s.declared
	s.open = false
	return func() tea.Msg { return chosenMsg{slug: slug} }
}

func (s *switcher) Update(msg tea.KeyPressMsg) tea.Cmd {
	if s.declare != nil {
		cmd, closed := s.declare.key(msg)
		if closed {
			s.declare = nil
		}
		return cmd
	}
	switch {
	case key.Matches(msg, switcherKeys.Declare) && s.mayDeclare:
		s.declared = new(string)
		s.declare = newDeclareForm(s.st, s.zone, s.declared)
		s.declare.f.SetWidth(s.w)
		return nil
	case key.Matches(msg, switcherKeys.Close):
		s.open = false
		return nil
	case key.Matches(msg, switcherKeys.Switch):
		r, ok := s.list.SelectedRow()
		if !ok {
			return nil
		}
		s.open = false
		slug := r.Slug
		return func() tea.Msg { return chosenMsg{slug: slug} }
	case s.list.Len() > 1 && (key.Matches(msg, listKeys.Up) || key.Matches(msg, listKeys.Down)):
		s.list.Update(msg)
	}
	return nil
}

func (s *switcher) ShortHelp() []key.Binding {
	if s.declare != nil {
		return s.declare.f.ShortHelp()
	}
	b := []key.Binding{switcherKeys.Switch, switcherKeys.Close}
	if s.mayDeclare {
		b = append(b, switcherKeys.Declare)
	}
	if s.list.Len() > 1 {
		b = append(b, listKeys.Down, listKeys.Up)
	}
	return b
}

func (s *switcher) FullHelp() [][]key.Binding {
	if s.declare != nil {
		return s.declare.f.FullHelp()
	}
	return [][]key.Binding{s.ShortHelp()}
}

func (s *switcher) Render() string {
	st, w := s.st, s.w
	if s.declare != nil {
		return strings.Join(padLines(s.declare.f.Render(w, s.h), s.h, w), "\n")
	}
	how := " · enter switches, esc closes"
	if s.mayDeclare {
		how += ", n declares a new one"
	}
	lines := []string{fit(" "+st.Section.Render("Incidents")+st.Muted.Render(how), w)}
	if s.err != nil {
		lines = append(lines, fit(" "+st.Bad.Render(SanitizeLine(db.MapError(s.err).Error())), w))
	}
	titleW := max(w-2-(1+1+4+1+13+1+12+1+8+1), 10)
	heads := []cell{{text: "", w: 1}, {text: "SEV", w: 4}, {text: "STATUS", w: 13},
		{text: "COMMANDER", w: 12}, {text: "AGE", w: 8, right: true}, {text: "TITLE", w: titleW}}
	for i := range heads {
		heads[i].style = st.Muted
	}
	lines = append(lines, fit(tableRow(st, heads, false), w))
	cols := struct {
		titleW, current int64
		now             time.Time
	}{int64(titleW), s.current, s.now}
	lines = append(lines, s.list.table(st, w, cols, "no incidents", "", func(r *incident.Summary, selected bool) []cell {
		mark := " "
		if r.ID == s.current {
			mark = "*" // on screen now
		}
		return []cell{
			{text: mark, w: 1},
			{text: strings.ToUpper(SanitizeLine(glossary.Severity(r.Severity))), w: 4, style: severityStyle(st, r.Severity)},
			{text: SanitizeLine(glossary.IncidentStatus(r.Status)), w: 13, style: incidentStatusStyle(st, r.Status)},
			{text: SanitizeLine(r.Commander), w: 12},
			// Age is since the start, resolved or not: how old the incident is.
			{text: incident.FormatDuration(s.now.Sub(r.StartedAt)), w: 8, right: true},
			{text: SanitizeLine(r.Title), w: titleW},
		}
	})...)
	return strings.Join(padLines(lines, s.h, w), "\n")
}
