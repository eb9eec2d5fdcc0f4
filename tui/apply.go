package tui

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"warroom/db"
	"warroom/incident"
	"warroom/recovery"
)

// Changes whose notification carries the row (migration 00008) are applied
// to the snapshot directly, without a query: with fifty consoles open, one
// commit would otherwise start fifty reloads at the same moment. Only the
// tables whose rows map one to one onto the snapshot are applied here;
// anything this cannot apply exactly as a reload would show it (no row, an
// unexpected row, a timeline correction whose earlier versions the snapshot
// does not hold) is left to the reload.

// applyChange returns a new snapshot: s with c applied (s itself is left
// alone: views may still hold it). ok is false when c must be read from the
// database instead. A row older than the one shown is ignored (ok, s
// unchanged), so applying a change twice, or after a load that already
// holds it, is harmless. Call it only on the newest snapshot, once: a new
// history row may be appended in the array s shares (applyUpdate).
func applyChange(s *Snapshot, c db.Change) (next *Snapshot, ok bool) {
	if s == nil || len(c.Row) == 0 || c.Incident != s.Incident.ID || c.ID == 0 {
		return nil, false
	}
	switch c.Table {
	case "milestones":
		r, ok := decodeRow[milestoneRow](c, milestoneRowKeys)
		if !ok || r.IncidentID != s.Incident.ID {
			return nil, false
		}
		return applyMilestone(s, c.Op, r), true
	case "milestone_updates":
		r, ok := decodeRow[updateRow](c, updateRowKeys)
		if !ok || r.MilestoneID == 0 {
			return nil, false
		}
		return applyUpdate(s, c.Op, r), true
	case "timeline_entries":
		r, ok := decodeRow[entryRow](c, entryRowKeys)
		// A stakeholder update moves the header's cadence, which its row
		// alone cannot say (a later void may bring back an earlier
		// promise): it is read again, with the cadence.
		if !ok || r.IncidentID != s.Incident.ID || r.Kind == "update" {
			return nil, false
		}
		return applyEntry(s, c, r)
	}
	return nil, false
}

// Rows as to_jsonb writes them: column names as keys. Every key listed
// must be present, so a renamed or dropped column (a newer schema) means a
// reload rather than a zero value on screen.
type milestoneRow struct {
	ID           int64      `json:"id"`
	IncidentID   int64      `json:"incident_id"`
	Key          string     `json:"key"`
	Title        string     `json:"title"`
	Owner        string     `json:"owner"`
	Status       string     `json:"status"`
	Progress     int        `json:"progress"`
	Position     int        `json:"position"`
	PlannedStart *time.Time `json:"planned_start"`
	PlannedEnd   *time.Time `json:"planned_end"`
	ActualStart  *time.Time `json:"actual_start"`
	ActualEnd    *time.Time `json:"actual_end"`
	UpdatedAt    time.Time  `json:"updated_at"`
	UpdatedBy    string     `json:"updated_by"`
	Version      int        `json:"version"`
	VoidedAt     *time.Time `json:"voided_at"`
}

var milestoneRowKeys = rowKeys("id", "incident_id", "key", "title", "owner", "status", "progress",
	"position", "planned_start", "planned_end", "actual_start", "actual_end", "updated_at",
	"updated_by", "version", "voided_at")

type updateRow struct {
	ID           int64     `json:"id"`
	MilestoneID  int64     `json:"milestone_id"`
	At           time.Time `json:"at"`
	Author       string    `json:"author"`
	FromStatus   *string   `json:"from_status"`
	ToStatus     string    `json:"to_status"`
	FromProgress *int      `json:"from_progress"`
	ToProgress   int       `json:"to_progress"`
	Note         string    `json:"note"`
}

var updateRowKeys = rowKeys("id", "milestone_id", "at", "author", "from_status", "to_status",
	"from_progress", "to_progress", "note")

type entryRow struct {
	ID           int64      `json:"id"`
	IncidentID   int64      `json:"incident_id"`
	Kind         string     `json:"kind"`
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	Precision    string     `json:"precision"`
	PlannedStart *time.Time `json:"planned_start"`
	PlannedEnd   *time.Time `json:"planned_end"`
	ActualStart  *time.Time `json:"actual_start"`
	ActualEnd    *time.Time `json:"actual_end"`
	Author       string     `json:"author"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int        `json:"version"`
	VoidedAt     *time.Time `json:"voided_at"`
}

var entryRowKeys = rowKeys("id", "incident_id", "kind", "title", "body", "precision",
	"planned_start", "planned_end", "actual_start", "actual_end", "author", "created_at",
	"updated_at", "version", "voided_at")

// row is a decoded row, naming itself for decodeRow's check.
type row interface {
	ident() (id int64, version int, versioned bool)
}

func (r milestoneRow) ident() (int64, int, bool) { return r.ID, r.Version, true }
func (r updateRow) ident() (int64, int, bool)    { return r.ID, 0, false }
func (r entryRow) ident() (int64, int, bool)     { return r.ID, r.Version, true }

// decodeRow decodes c.Row, checking that every key is there and that the
// row is the one c names, at the version c names. Anything odd (a
// timestamp Go cannot parse, such as "infinity") is a reason to reload,
// never an error. Every console does this for every change it receives,
// so the row is parsed once.
func decodeRow[R row](c db.Change, keys [][]byte) (r R, ok bool) {
	for _, k := range keys {
		// Inside a JSON string every quote is escaped, and a value is never
		// followed by a colon, so `"key":` can only be a key. These rows
		// have no JSON columns whose nested keys could match.
		if !bytes.Contains(c.Row, k) {
			return r, false
		}
	}
	if json.Unmarshal(c.Row, &r) != nil {
		return r, false
	}
	id, v, versioned := r.ident()
	return r, id == c.ID && (!versioned || v == c.Version)
}

// rowKeys are the needles decodeRow looks for: `"name":` per column.
func rowKeys(names ...string) [][]byte {
	out := make([][]byte, len(names))
	for i, n := range names {
		out[i] = []byte(strconv.Quote(n) + ":")
	}
	return out
}

// applyMilestone replaces, inserts or removes (deleted or voided) a
// milestone, keeping the plan's order (position, id).
func applyMilestone(s *Snapshot, op string, r milestoneRow) *Snapshot {
	i := slices.IndexFunc(s.Milestones, func(m recovery.Milestone) bool { return m.ID == r.ID })
	if op == "D" || r.VoidedAt != nil {
		if _, had := s.History[r.ID]; i < 0 && (op != "D" || !had) {
			return s // not shown
		}
		out := *s
		if i >= 0 {
			out.Milestones = slices.Delete(slices.Clone(s.Milestones), i, i+1)
		}
		if op == "D" {
			// Its updates went with it; a voided milestone's stay, as a load shows them.
			out.History = cloneMap(s.History)
			delete(out.History, r.ID)
		}
		return &out
	}
	if i >= 0 && s.Milestones[i].Version > r.Version {
		return s // older than what is shown
	}
	m := recovery.Milestone{
		ID: r.ID, IncidentID: r.IncidentID, Key: r.Key, Title: r.Title, Owner: r.Owner,
		Status: r.Status, Progress: r.Progress, Position: r.Position,
		PlannedStart: r.PlannedStart, PlannedEnd: r.PlannedEnd, ActualStart: r.ActualStart, ActualEnd: r.ActualEnd,
		UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy, Version: r.Version,
	}
	out := *s
	ms := slices.Clone(s.Milestones)
	if i >= 0 {
		ms[i] = m
	} else {
		ms = append(ms, m)
	}
	slices.SortStableFunc(ms, func(a, b recovery.Milestone) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
	})
	out.Milestones = ms
	return &out
}

// applyUpdate adds, replaces or removes one milestone update, keeping the
// history in order (at, id) and the milestone's last update in step.
func applyUpdate(s *Snapshot, op string, r updateRow) *Snapshot {
	h := s.History[r.MilestoneID]
	u := recovery.Update{
		ID: r.ID, MilestoneID: r.MilestoneID, At: r.At, Author: r.Author,
		FromStatus: r.FromStatus, ToStatus: r.ToStatus, FromProgress: r.FromProgress,
		ToProgress: r.ToProgress, Note: r.Note,
	}
	if n := len(h); op == "I" && (n == 0 || updateOrder(h[n-1], u) < 0) &&
		!slices.ContainsFunc(h, func(e recovery.Update) bool { return e.ID == u.ID }) {
		// The usual case, a new latest update: appended without copying the
		// history, which may share its array with s. That is safe because
		// a snapshot's successor is only ever made from the newest snapshot,
		// and anything still holding s reads only its own len(h) elements.
		// (An insert replayed after a load that already holds the row, since
		// moved by an update, must replace it: the slow path below.)
		return withHistory(s, r.MilestoneID, append(h, u))
	}
	i := slices.IndexFunc(h, func(u recovery.Update) bool { return u.ID == r.ID })
	h = slices.Clone(h)
	if op == "D" {
		if i < 0 {
			return s
		}
		h = slices.Delete(h, i, i+1)
	} else {
		if i >= 0 {
			h[i] = u
		} else {
			h = append(h, u)
		}
		slices.SortStableFunc(h, updateOrder)
	}
	return withHistory(s, r.MilestoneID, h)
}

// updateOrder is a milestone history's order: by time, then id.
func updateOrder(a, b recovery.Update) int {
	return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID))
}

// withHistory is s with milestone id's history replaced by h (removed
// when empty).
func withHistory(s *Snapshot, id int64, h []recovery.Update) *Snapshot {
	out := *s
	out.History = cloneMap(s.History)
	if out.History == nil {
		out.History = map[int64][]recovery.Update{}
	}
	if len(h) == 0 {
		delete(out.History, id)
	} else {
		out.History[id] = h
	}
	return &out
}

// applyEntry adds, replaces or removes (deleted or voided) a timeline
// entry, in timeline order (when, id). A correction (version n) keeps the
// shown version n-1 as an earlier version, exactly as the database's
// keep_version trigger did: same columns, replaced by the notification's
// actor at the new version's updated_at (both are the transaction's now()).
// That needs the snapshot to hold version n-1 and all versions before it;
// otherwise ok is false and the timeline is read again.
func applyEntry(s *Snapshot, c db.Change, r entryRow) (*Snapshot, bool) {
	i := slices.IndexFunc(s.Timeline, func(e incident.Entry) bool { return e.ID == r.ID })
	out := *s
	if c.Op == "D" || r.VoidedAt != nil {
		if _, had := s.EntryHistory[r.ID]; i < 0 && !had {
			return s, true // not shown
		}
		if i >= 0 {
			out.Timeline = slices.Delete(slices.Clone(s.Timeline), i, i+1)
		}
		if _, had := s.EntryHistory[r.ID]; had {
			out.EntryHistory = cloneMap(s.EntryHistory)
			delete(out.EntryHistory, r.ID)
		}
		return &out, true
	}
	var old *incident.Entry
	if i >= 0 {
		old = &s.Timeline[i]
		if old.Version > r.Version {
			return s, true // older than what is shown
		}
	}
	hist := s.EntryHistory[r.ID]
	switch {
	case old != nil && old.Version == r.Version:
		// The same version again (a load overtook it): history unchanged.
	case r.Version == 1:
		hist = nil
	case old != nil && old.Version == r.Version-1 && len(hist) == old.Version-1:
		hist = append(slices.Clone(hist), incident.EntryVersion{
			Version: old.Version, Kind: old.Kind, Title: old.Title, Body: old.Body,
			At: atOf(*old), Author: old.Author, UpdatedAt: old.UpdatedAt,
			ReplacedBy: c.By, ReplacedAt: r.UpdatedAt,
		})
	default:
		return nil, false // earlier versions this snapshot does not hold
	}
	e := incident.Entry{
		ID: r.ID, IncidentID: r.IncidentID, Kind: r.Kind, Title: r.Title, Body: r.Body,
		Precision: r.Precision, PlannedStart: r.PlannedStart, PlannedEnd: r.PlannedEnd,
		ActualStart: r.ActualStart, ActualEnd: r.ActualEnd, Author: r.Author,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
	}
	tl := slices.Clone(s.Timeline)
	if i >= 0 {
		tl[i] = e
	} else {
		tl = append(tl, e)
	}
	slices.SortStableFunc(tl, func(a, b incident.Entry) int {
		return cmp.Or(a.At().Compare(b.At()), cmp.Compare(a.ID, b.ID))
	})
	out.Timeline = tl
	if len(hist) > 0 || len(s.EntryHistory[r.ID]) > 0 {
		out.EntryHistory = cloneMap(s.EntryHistory)
		if out.EntryHistory == nil {
			out.EntryHistory = map[int64][]incident.EntryVersion{}
		}
		if len(hist) > 0 {
			out.EntryHistory[r.ID] = hist
		} else {
			delete(out.EntryHistory, r.ID)
		}
	}
	return &out, true
}

// atOf is COALESCE(actual_start, planned_start), as timeline_entry_versions
// are read.
func atOf(e incident.Entry) *time.Time {
	if e.ActualStart != nil {
		t := *e.ActualStart
		return &t
	}
	if e.PlannedStart != nil {
		t := *e.PlannedStart
		return &t
	}
	return nil
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
