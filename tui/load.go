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

// part is a piece of the Snapshot that can be read on its own, so a change
// to one table reloads only what shows it.
type part uint8

const (
	partTimeline part = 1 << iota
	partMilestones
	partAccountability
	partFund // the fund and its drawdown
	// partIncident re-resolves the incident, and with it everything: its
	// time zone and identity shape every view.
	partIncident
	// partDuty is who commands the incident (incident_roles), read apart
	// so a handoff does not re-read the views.
	partDuty

	partAll = partTimeline | partMilestones | partAccountability | partFund | partIncident | partDuty
)

// snapshotMsg carries the result of one load. seq lets the root drop a
// result that an even newer load has already overtaken; parts says which
// fields of snap were read (the others are zero and must be kept).
type snapshotMsg struct {
	seq   int
	parts part
	snap  *Snapshot
	err   error
	// started is when a shared load began (zero: this console's own).
	started time.Time
}

// loadTimeout bounds one load so a hung server shows as an error banner
// instead of a console that silently never updates.
const loadTimeout = 15 * time.Second

// loadCmd reads parts of the snapshot off the UI goroutine. inc is the
// incident on screen; nil (nothing loaded yet) or partIncident reads all.
func loadCmd(ctx context.Context, conn *sqlx.DB, slug string, inc *incident.Incident, parts part, seq int, sh sharing) tea.Cmd {
	if inc == nil || parts&partIncident != 0 {
		parts = partAll
	}
	read := func(ctx context.Context) (*Snapshot, error) {
		snap, err := readParts(ctx, conn, slug, inc, parts)
		if err != nil && isConnectionError(err) && ctx.Err() == nil {
			// A pooled connection that died with a server restart fails
			// once; the pool then drops it, so one more try usually works.
			snap, err = readParts(ctx, conn, slug, inc, parts)
		}
		return snap, err
	}
	if sh.share == nil {
		return func() tea.Msg {
			snap, err := read(ctx)
			return snapshotMsg{seq: seq, parts: parts, snap: snap, err: err}
		}
	}
	// The person is part of the key: people never share a read.
	key := shareKey{as: sh.as, slug: slug, parts: parts}
	if inc != nil {
		key.incident = inc.ID
	}
	return func() tea.Msg {
		snap, started, err := sh.share.do(ctx, key, sh.need, read)
		return snapshotMsg{seq: seq, parts: parts, snap: snap, err: err, started: started}
	}
}

func readParts(ctx context.Context, conn *sqlx.DB, slug string, inc *incident.Incident, parts part) (*Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, loadTimeout)
	defer cancel()
	// One read-only repeatable-read transaction, so the views agree with
	// each other even while writers are busy.
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, db.MapError(err)
	}
	defer tx.Rollback()
	if parts == partAll {
		return LoadSnapshot(ctx, tx, slug)
	}
	s := &Snapshot{Incident: *inc}
	return s, loadParts(ctx, tx, s, parts)
}

// LoadSnapshot reads everything the console shows for the incident named by
// slug (the current incident when slug is empty). It is exported so other
// front ends (a web page, a report) can share exactly what the console sees.
func LoadSnapshot(ctx context.Context, q db.Querier, slug string) (*Snapshot, error) {
	inc, err := incident.Resolve(ctx, q, slug)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Incident: inc}
	if err := loadParts(ctx, q, s, partAll); err != nil {
		return nil, err
	}
	return s, nil
}

// loadParts fills the parts of s named by parts, for s.Incident.
func loadParts(ctx context.Context, q db.Querier, s *Snapshot, parts part) error {
	inc := s.Incident
	var err error
	if parts&partTimeline != 0 {
		if s.Timeline, err = incident.Timeline(ctx, q, inc.ID); err != nil {
			return fmt.Errorf("timeline: %w", err)
		}
		if s.EntryHistory, err = entryHistories(ctx, q, s.Timeline); err != nil { // history.go
			return fmt.Errorf("timeline history: %w", err)
		}
		// The cadence is the latest 'update' entry's promise: it changes
		// with the timeline, so it is read with it.
		if s.Cadence, err = incident.NextUpdate(ctx, q, inc.ID); err != nil {
			return fmt.Errorf("update cadence: %w", err)
		}
	}
	if parts&partMilestones != 0 {
		if s.Milestones, err = recovery.Milestones(ctx, q, inc.ID); err != nil {
			return fmt.Errorf("milestones: %w", err)
		}
		// One query for every milestone's history rather than one each:
		// live updates rerun this on every progress change.
		all, err := recovery.AllHistory(ctx, q, inc.ID)
		if err != nil {
			return fmt.Errorf("milestone history: %w", err)
		}
		s.History = all
	}
	if parts&partAccountability != 0 {
		if s.Accountability, err = incident.LoadAccountability(ctx, q, inc.ID); err != nil {
			return fmt.Errorf("accountability: %w", err)
		}
	}
	if parts&partDuty != 0 {
		if s.Commander, err = incident.Commander(ctx, q, inc.ID); err != nil {
			return fmt.Errorf("commander: %w", err)
		}
		if s.MaySteer, err = incident.MaySteer(ctx, q, inc.ID); err != nil {
			return fmt.Errorf("who may steer: %w", err)
		}
		// The login's, not the fund's: read with the duty roster, not on
		// every fund reload (a pay-run reloads the fund all the time).
		if s.MayReceive, err = compensation.MayReceive(ctx, q); err != nil {
			return fmt.Errorf("who may record receipts: %w", err)
		}
	}
	if parts&partFund != 0 {
		fund, err := compensation.LoadFund(ctx, q, inc.ID, inc.Slug)
		switch {
		case db.IsNotFound(err):
			s.Fund, s.Drawdown = nil, nil // an incident without a fund is normal
			return nil
		case err != nil:
			return fmt.Errorf("fund: %w", err)
		}
		s.Fund = &fund
		if s.Drawdown, err = compensation.Drawdown(ctx, q, inc.ID, inc.TimeZone, fund.PledgedFen); err != nil {
			return fmt.Errorf("fund drawdown: %w", err)
		}
	}
	return nil
}

// merge returns a new snapshot: old with the parts of fresh named by parts.
// The old snapshot is left alone (views may still hold it).
func merge(old, fresh *Snapshot, parts part) *Snapshot {
	if old == nil || parts == partAll {
		return fresh
	}
	s := *old
	if parts&partTimeline != 0 {
		s.Timeline, s.EntryHistory, s.Cadence = fresh.Timeline, fresh.EntryHistory, fresh.Cadence
	}
	if parts&partMilestones != 0 {
		s.Milestones, s.History = fresh.Milestones, fresh.History
	}
	if parts&partAccountability != 0 {
		s.Accountability = fresh.Accountability
	}
	if parts&partFund != 0 {
		s.Fund, s.Drawdown = fresh.Fund, fresh.Drawdown
	}
	if parts&partDuty != 0 {
		s.Commander, s.MaySteer, s.MayReceive = fresh.Commander, fresh.MaySteer, fresh.MayReceive
	}
	return &s
}
