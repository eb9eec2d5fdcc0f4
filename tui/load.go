package tui

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/incident"
	"warroom/recovery"
)

// ReloadMsg makes the console read its snapshot again. The live-update
// bridge sends it with Program.Send when the database reports a change;
// bursts are coalesced into at most one load in flight plus one queued.
type ReloadMsg struct{}

// snapshotMsg carries the result of one load. seq lets the root drop a
// result that an even newer load has already overtaken.
type snapshotMsg struct {
	seq  int
	snap *Snapshot
	err  error
}

// loadTimeout bounds one load so a hung server shows as an error banner
// instead of a console that silently never updates.
const loadTimeout = 15 * time.Second

// loadCmd reads the snapshot off the UI goroutine.
func loadCmd(ctx context.Context, conn *sqlx.DB, slug string, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		// One read-only repeatable-read transaction, so the four views agree
		// with each other even while writers are busy.
		tx, err := conn.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return snapshotMsg{seq: seq, err: db.MapError(err)}
		}
		defer tx.Rollback()
		snap, err := LoadSnapshot(ctx, tx, slug)
		return snapshotMsg{seq: seq, snap: snap, err: err}
	}
}

// LoadSnapshot reads everything the console shows for the incident named by
// slug (the current incident when slug is empty). It is exported so other
// front ends (a web page, a report) can share exactly what the console sees.
func LoadSnapshot(ctx context.Context, q db.Querier, slug string) (*Snapshot, error) {
	inc, err := incident.Resolve(ctx, q, slug)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Incident: inc, LastUpdates: map[int64]recovery.Update{}}
	if s.Timeline, err = incident.Timeline(ctx, q, inc.ID); err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	if s.Milestones, err = recovery.Milestones(ctx, q, inc.ID); err != nil {
		return nil, fmt.Errorf("milestones: %w", err)
	}
	// One query per milestone: plans have a handful of milestones, and the
	// recovery package owns its SQL.
	for _, m := range s.Milestones {
		h, err := recovery.History(ctx, q, m.ID)
		if err != nil {
			return nil, fmt.Errorf("milestone %s history: %w", m.Key, err)
		}
		if len(h) > 0 {
			s.LastUpdates[m.ID] = h[len(h)-1]
		}
	}
	if s.Accountability, err = incident.LoadAccountability(ctx, q, inc.ID); err != nil {
		return nil, fmt.Errorf("accountability: %w", err)
	}
	fund, err := compensation.LoadFund(ctx, q, inc.ID, inc.Slug)
	switch {
	case db.IsNotFound(err):
		return s, nil // an incident without a fund is normal
	case err != nil:
		return nil, fmt.Errorf("fund: %w", err)
	}
	s.Fund = &fund
	if s.Drawdown, err = compensation.Drawdown(ctx, q, inc.ID, inc.TimeZone, fund.PledgedFen); err != nil {
		return nil, fmt.Errorf("fund drawdown: %w", err)
	}
	return s, nil
}
