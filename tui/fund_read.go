package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/recovery"
)

// The fund view's reads (read.go) and their answers.

// merchantPageQuery reads one page of the merchant list.
type merchantPageQuery struct {
	gen   int
	kind  pageKind
	inc   int64
	key   string
	dir   compensation.PageDir
	find  string
	limit int
}

type merchantPageMsg struct {
	q    merchantPageQuery
	rows []compensation.MerchantRow
	err  error
}

func (q merchantPageQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	if conn == nil {
		return merchantPageMsg{q: q, err: errNoConnection}
	}
	rows, err := compensation.MerchantsPage(ctx, conn, q.inc, q.key, q.dir, q.find, q.limit)
	return merchantPageMsg{q: q, rows: rows, err: err}
}

// merchantCountQuery counts the merchants matching the search.
type merchantCountQuery struct {
	gen  int
	inc  int64
	find string
}

type merchantCountMsg struct {
	gen int
	n   int64
	err error
}

func (q merchantCountQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	if conn == nil {
		return merchantCountMsg{gen: q.gen, err: errNoConnection}
	}
	n, err := compensation.MerchantCount(ctx, conn, q.inc, q.find)
	return merchantCountMsg{gen: q.gen, n: n, err: err}
}

// merchantQuery reads one merchant's statement.
type merchantQuery struct {
	seq int
	inc int64
	id  string
}

type merchantMsg struct {
	seq     int
	d       compensation.MerchantDetail
	restore []recovery.MerchantCount // its data per domain (restore counts)
	err     error
}

func (q merchantQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	if conn == nil {
		return merchantMsg{seq: q.seq, err: errNoConnection}
	}
	d, err := compensation.Merchant(ctx, conn, q.inc, q.id)
	if err != nil {
		return merchantMsg{seq: q.seq, err: err}
	}
	restore, err := recovery.MerchantRestore(ctx, conn, q.inc, q.id)
	return merchantMsg{seq: q.seq, d: d, restore: restore, err: err}
}

// claimsQuery reads the claims page.
type claimsQuery struct {
	seq int
	inc int64
}

type claimsMsg struct {
	seq    int
	stages []compensation.Stage
	proj   compensation.Projection
	err    error
}

func (q claimsQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	stages, proj, err := readClaims(ctx, conn, q.inc)
	return claimsMsg{seq: q.seq, stages: stages, proj: proj, err: err}
}

// searchDueMsg is the pause after typing in the merchant search.
type searchDueMsg struct {
	seq  int
	find string
}

// fundPollMsg is the open sub-page's check for stale rows.
type fundPollMsg struct{}

func (merchantPageMsg) forViews()  {}
func (merchantCountMsg) forViews() {}
func (merchantMsg) forViews()      {}
func (claimsMsg) forViews()        {}
func (searchDueMsg) forViews()     {}
func (fundPollMsg) forViews()      {}

// Receive takes the answers to the fund view's reads and its timers.
func (v *fundView) Receive(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(fundPollMsg); ok {
		return v.poll() // the check changes nothing on screen; the reads it starts will
	}
	v.drop()
	defer v.layout()
	switch msg := msg.(type) {
	case merchantPageMsg:
		return v.gotPage(msg)
	case merchantCountMsg:
		return v.gotCount(msg)
	case merchantMsg:
		return v.gotDetail(msg)
	case claimsMsg:
		return v.gotClaims(msg)
	case searchDueMsg:
		return v.searchDue(msg)
	case writeDoneMsg:
		return v.formDone(msg) // fund_forms.go
	}
	return nil
}
