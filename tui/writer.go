package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/db"
)

// Writes leave the views as messages: a view asks for one with
// writeRequestMsg, the root runs it in a tea.Cmd inside db.Write
// (attributed to Options.Actor), and hands the answer back to every view as
// writeDoneMsg. Views never touch the connection, and the root can refuse a
// write in one place (while disconnected, say).

// writeRequestMsg asks the root to run fn in one transaction. tag names the
// asker and its form ("restore:set:3"), so only that form takes the answer.
type writeRequestMsg struct {
	tag string
	fn  func(ctx context.Context, tx *sqlx.Tx) error
}

// writeDoneMsg is the answer: err is nil when the transaction committed.
type writeDoneMsg struct {
	tag string
	err error
}

// receiver is a view that takes messages other than key presses (the
// answers to its writes).
type receiver interface {
	Receive(msg tea.Msg) tea.Cmd
}

// writeTimeout bounds one write so a hung server gives the form an error
// instead of a save that never ends.
const writeTimeout = 15 * time.Second

// requestWrite is the command a view returns to ask for a write.
func requestWrite(tag string, fn func(ctx context.Context, tx *sqlx.Tx) error) tea.Cmd {
	return func() tea.Msg { return writeRequestMsg{tag: tag, fn: fn} }
}

// reloadCmd asks the root to read the snapshot again after a save.
func reloadCmd() tea.Msg { return ReloadMsg{} }

// write runs a requested write off the UI goroutine.
func (m Model) write(req writeRequestMsg) tea.Cmd {
	if m.opts.ReadOnly {
		return func() tea.Msg { return writeDoneMsg{tag: req.tag, err: errReadOnly} }
	}
	if err := m.writeBlocked(); err != nil { // live.go: refused while disconnected
		return func() tea.Msg { return writeDoneMsg{tag: req.tag, err: err} }
	}
	ctx, conn, actor := m.ctx, m.conn, m.opts.Actor
	loc := time.UTC
	if m.snap != nil {
		loc = m.snap.Incident.Location()
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, writeTimeout)
		defer cancel()
		err := db.Write(ctx, conn, actor, func(tx *sqlx.Tx) error { return req.fn(ctx, tx) })
		db.ConflictIn(err, loc) // as every time on screen
		return writeDoneMsg{tag: req.tag, err: err}
	}
}

// deliver hands a message to every view that takes messages.
func (m Model) deliver(msg tea.Msg) tea.Cmd {
	cmds := []tea.Cmd{m.switcher.Receive(msg)}
	for _, v := range m.views {
		if r, ok := v.(receiver); ok {
			cmds = append(cmds, r.Receive(msg))
		}
	}
	return tea.Batch(cmds...)
}
