package recovery

import (
	"sort"
	"time"
)

// ETA is a projected completion time, or the reason there is none.
type ETA struct {
	At     time.Time
	OK     bool
	Reason string // why there is no projection ("too little history")
}

// Reasons an ETA gives instead of a time, for the rules below.
const (
	// ReasonBlocked: a blocked milestone waits on something its rate of
	// progress says nothing about; it shows "blocked", never a time.
	ReasonBlocked = "blocked"
	// ReasonNoEstimate: the projection lies beyond Horizon, which only a
	// rate near zero produces; such a date is noise, not a plan.
	ReasonNoEstimate = "no estimate"
)

// Horizon is the furthest a projection may reach past its latest reading
// and still be shown as a time. A restore is planned in hours and days; a
// projection a month out says the work has all but stopped.
const Horizon = 30 * 24 * time.Hour

// recentPoints is how many of the latest progress readings the rate is
// taken over: enough to smooth one lucky jump, few enough to follow a change
// of pace.
const recentPoints = 4

type point struct {
	at       time.Time
	progress int
}

// projectPoints extrapolates the rate between the first and last of the
// most recent readings to 100%.
func projectPoints(pts []point) ETA {
	if len(pts) == 0 {
		return ETA{Reason: "no history yet"}
	}
	last := pts[len(pts)-1]
	if last.progress >= 100 {
		return ETA{At: last.at, OK: true, Reason: "done"}
	}
	if len(pts) > recentPoints {
		pts = pts[len(pts)-recentPoints:]
	}
	first := pts[0]
	if len(pts) < 2 || !last.at.After(first.at) {
		return ETA{Reason: "too little history to project"}
	}
	gained := last.progress - first.progress
	if gained <= 0 {
		return ETA{Reason: "no progress recently"}
	}
	span := last.at.Sub(first.at)
	// Compared as a float first: a near-zero rate must not overflow a Duration.
	remaining := float64(span) * float64(100-last.progress) / float64(gained)
	if remaining > float64(Horizon) {
		return ETA{Reason: ReasonNoEstimate}
	}
	return ETA{At: last.at.Add(time.Duration(remaining)), OK: true}
}

// Project is a milestone's ETA from its recent rate of progress.
func Project(m Milestone, history []Update) ETA {
	if m.Status == "done" {
		at := m.UpdatedAt
		if m.ActualEnd != nil {
			at = *m.ActualEnd
		}
		return ETA{At: at, OK: true, Reason: "done"}
	}
	if m.Status == "blocked" {
		return ETA{Reason: ReasonBlocked}
	}
	// Only the latest readings count: a long history costs no more.
	history = history[max(0, len(history)-recentPoints):]
	pts := make([]point, 0, len(history)+1)
	for _, u := range history {
		pts = append(pts, point{u.At, u.ToProgress})
	}
	// A change made without a history row (raw SQL) still counts.
	if len(pts) == 0 || pts[len(pts)-1].progress != m.Progress {
		pts = append(pts, point{m.UpdatedAt, m.Progress})
	}
	return projectPoints(pts)
}

// ProjectOverall is the whole restore's ETA: the overall progress (see
// Overall) after each of the latest updates of any milestone, projected
// like a single milestone's readings.
//
// Only the last recentPoints updates across all milestones count, and each
// of them is among its own milestone's last recentPoints, so just those
// tails are merged: the cost does not grow with the history (every console
// recomputes this on every update it receives). Each history must be in
// time order, as AllHistory and the console keep it.
func ProjectOverall(ms []Milestone, history map[int64][]Update) ETA {
	if len(ms) == 0 {
		return ETA{Reason: "no milestones"}
	}
	if Overall(ms) == 100 {
		return ETA{At: latestEnd(ms), OK: true, Reason: "done"}
	}
	type reading struct {
		u   Update
		m   int // index into ms
		pos int // index in its milestone's history
	}
	var recent []reading
	for i, m := range ms {
		h := history[m.ID]
		for k := max(0, len(h)-recentPoints); k < len(h); k++ {
			recent = append(recent, reading{h[k], i, k})
		}
	}
	// Stable, milestone by milestone: updates at the same instant keep the
	// order of the milestones and of each history.
	sort.SliceStable(recent, func(i, j int) bool { return recent[i].u.At.Before(recent[j].u.At) })
	recent = recent[max(0, len(recent)-recentPoints):]
	// Each milestone's progress just before the window: the update before
	// its first one in the window, or before the window its latest.
	progress := make([]int, len(ms))
	first := make([]int, len(ms))
	for i, m := range ms {
		first[i] = len(history[m.ID])
	}
	for _, r := range recent {
		first[r.m] = min(first[r.m], r.pos)
	}
	for i, m := range ms {
		if k := first[i]; k > 0 {
			progress[i] = history[m.ID][k-1].ToProgress
		}
	}
	pts := make([]point, 0, len(recent))
	for _, r := range recent {
		progress[r.m] = r.u.ToProgress
		sum := 0
		for _, p := range progress {
			sum += p
		}
		pts = append(pts, point{r.u.At, sum / len(ms)})
	}
	return projectPoints(pts)
}

func latestEnd(ms []Milestone) time.Time {
	var t time.Time
	for _, m := range ms {
		end := m.UpdatedAt
		if m.ActualEnd != nil {
			end = *m.ActualEnd
		}
		if end.After(t) {
			t = end
		}
	}
	return t
}
