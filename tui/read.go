package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"
)

// Reads the snapshot does not hold (the fund's claims page, merchant list
// and statement, the approval queue, the audit trail) leave the views as
// messages, like writes: a view returns requestRead with a query, a value
// saying what to read; the root runs it on its connection with the
// program's context in a tea.Cmd, and hands the typed answer the query
// returns to every view's Receive. Messages carry data, never code that
// touches a view, and views never hold the connection.

// query is one read: run performs it and returns the typed answer. It runs
// off the UI goroutine; conn is nil when the console has no connection.
type query interface {
	run(ctx context.Context, conn *sqlx.DB, actor string) tea.Msg
}

// readRequestMsg asks the root to run q. Queries in a group carry a
// generation: one of a newer generation cancels those of older ones still
// on their way (the merchant list starting over, say).
type readRequestMsg struct {
	q       query
	timeout time.Duration // 0: readTimeout
	group   string
	gen     int
}

// viewMsg marks the answers (and the views' own timers) the root hands to
// the views' Receive.
type viewMsg interface{ forViews() }

const readTimeout = 15 * time.Second

// requestRead is the command a view returns to ask for a read.
func requestRead(q query) tea.Cmd {
	return func() tea.Msg { return readRequestMsg{q: q} }
}

// requestReadIn is requestRead within a group at generation gen.
func requestReadIn(group string, gen int, q query) tea.Cmd {
	return func() tea.Msg { return readRequestMsg{q: q, group: group, gen: gen} }
}

// readGroups holds, per group, the context of the newest generation.
type readGroups struct {
	m map[string]*readGroup
}

type readGroup struct {
	gen    int
	ctx    context.Context
	cancel context.CancelFunc
}

// ctx is the context for a query of group at gen under parent.
func (r *readGroups) ctx(parent context.Context, group string, gen int) context.Context {
	if group == "" {
		return parent
	}
	if r.m == nil {
		r.m = map[string]*readGroup{}
	}
	g := r.m[group]
	if g == nil || gen > g.gen {
		if g != nil {
			g.cancel()
		}
		ctx, cancel := context.WithCancel(parent)
		g = &readGroup{gen: gen, ctx: ctx, cancel: cancel}
		r.m[group] = g
	}
	if gen < g.gen {
		ctx, cancel := context.WithCancel(parent)
		cancel() // overtaken before it started
		return ctx
	}
	return g.ctx
}

// read runs a requested read off the UI goroutine.
func (m Model) read(req readRequestMsg) tea.Cmd {
	ctx := m.reads.ctx(m.ctx, req.group, req.gen)
	conn, actor := m.conn, m.opts.Actor
	d := req.timeout
	if d == 0 {
		d = readTimeout
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return req.q.run(ctx, conn, actor)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

const errNoConnection = errString("no database connection")

// cancelled is true for the error of a read an newer one overtook.
func cancelled(err error) bool { return errors.Is(err, context.Canceled) }
