package tui

import (
	"context"
	"strconv"
	"time"

	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/recovery"
)

// entryHistories reads the earlier versions of every corrected entry. Only
// entries past version 1 have any, and corrections are rare, so this is a
// query per corrected entry, not per entry.
func entryHistories(ctx context.Context, q db.Querier, entries []incident.Entry) (map[int64][]incident.EntryVersion, error) {
	out := map[int64][]incident.EntryVersion{}
	for _, e := range entries {
		if e.Version <= 1 {
			continue
		}
		h, err := incident.EntryHistory(ctx, q, e.ID)
		if err != nil {
			return nil, err
		}
		out[e.ID] = h
	}
	return out, nil
}

// updateLine is one milestone update as the detail pane shows it: when,
// who, from -> to and the note, all sanitised.
func updateLine(st *Styles, u recovery.Update, loc *time.Location, ref time.Time) string {
	to := statusLabel(SanitizeLine(u.ToStatus)) + " " + strconv.Itoa(u.ToProgress) + "%"
	change := to
	if u.FromStatus != nil && u.FromProgress != nil {
		from := statusLabel(SanitizeLine(*u.FromStatus)) + " " + strconv.Itoa(*u.FromProgress) + "%"
		if from != to {
			change = from + " -> " + to
		}
	}
	s := " " + st.Muted.Render(shortWhen(u.At.In(loc), ref.In(loc))) + " " + st.Bold.Render(SanitizeLine(u.Author)) +
		" " + st.StatusStyle(u.ToStatus).Render(change)
	if note := SanitizeLine(u.Note); note != "" {
		s += st.Muted.Render(" · ") + note
	}
	return s
}

// versionLine is one earlier version of a timeline entry: what it said and
// who replaced it when.
func versionLine(st *Styles, v incident.EntryVersion, loc *time.Location) string {
	s := " " + st.Muted.Render("v"+strconv.Itoa(v.Version)+" ")
	if v.At != nil {
		s += st.Muted.Render(v.At.In(loc).Format("01-02 15:04") + " ")
	}
	s += SanitizeLine(v.Kind) + " " + st.Bold.Render(SanitizeLine(v.Title))
	s += st.Muted.Render(" · replaced by " + SanitizeLine(v.ReplacedBy) + " " + v.ReplacedAt.In(loc).Format("01-02 15:04"))
	return s
}

// etaText says a projection in a column ("03-02 14:00", "done", "stalled")
// and in full for the detail pane.
func etaText(e recovery.ETA, loc *time.Location, ref time.Time) (short, long string) {
	switch {
	case e.OK && e.Reason == "done":
		return "done", "done " + shortWhen(e.At.In(loc), ref.In(loc))
	case e.OK:
		w := shortWhen(e.At.In(loc), ref.In(loc))
		return w, "ETA " + w
	case e.Reason == "no progress recently":
		return "stalled", "ETA: no progress recently"
	case e.Reason == "no history yet":
		return "no history", "ETA: no history yet"
	case e.Reason == recovery.ReasonBlocked:
		return "blocked", "no ETA while blocked"
	case e.Reason == recovery.ReasonNoEstimate:
		return "no estimate", "ETA: no estimate (at this rate, beyond " + duration(recovery.Horizon) + ")"
	}
	return "too little", "ETA: " + e.Reason
}

// plural is "1 earlier version", "2 earlier versions".
func plural(n int, what string) string {
	return glossary.Plural(n, what, what+"s")
}
