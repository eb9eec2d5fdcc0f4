package recovery

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

var t0 = time.Date(2020, 2, 25, 0, 0, 0, 0, time.UTC)

func upd(id int64, hours int, progress int) Update {
	return Update{MilestoneID: id, At: t0.Add(time.Duration(hours) * time.Hour), ToProgress: progress}
}

func TestProjectFromRecentRate(t *testing.T) {
	m := Milestone{ID: 1, Status: "in_progress", Progress: 50, UpdatedAt: t0.Add(10 * time.Hour)}
	// 10% at 0h, 50% at 10h: 4%/h, so 50% more takes 12.5h.
	eta := Project(m, []Update{upd(1, 0, 10), upd(1, 10, 50)})
	if !eta.OK || !eta.At.Equal(t0.Add(22*time.Hour+30*time.Minute)) {
		t.Fatalf("eta %+v", eta)
	}
	// Only the last readings count: an early burst does not make it optimistic.
	m.Progress, m.UpdatedAt = 60, t0.Add(40*time.Hour)
	eta = Project(m, []Update{upd(1, 0, 0), upd(1, 1, 40), upd(1, 10, 45), upd(1, 20, 50), upd(1, 30, 55), upd(1, 40, 60)})
	// Last four: 45@10h .. 60@40h = 0.5%/h, 40% left = 80h after 40h.
	if !eta.OK || !eta.At.Equal(t0.Add(120*time.Hour)) {
		t.Fatalf("recent-rate eta %+v", eta)
	}
}

func TestProjectSaysWhyNot(t *testing.T) {
	m := Milestone{ID: 1, Status: "in_progress", Progress: 20, UpdatedAt: t0}
	if eta := Project(m, []Update{upd(1, 0, 20)}); eta.OK || eta.Reason != "too little history to project" {
		t.Fatalf("one reading: %+v", eta)
	}
	m.UpdatedAt = t0.Add(5 * time.Hour)
	if eta := Project(m, []Update{upd(1, 0, 20), upd(1, 5, 20)}); eta.OK || eta.Reason != "no progress recently" {
		t.Fatalf("stalled: %+v", eta)
	}
	end := t0.Add(3 * time.Hour)
	done := Milestone{Status: "done", Progress: 100, ActualEnd: &end}
	if eta := Project(done, nil); !eta.OK || !eta.At.Equal(end) || eta.Reason != "done" {
		t.Fatalf("done: %+v", eta)
	}
}

func TestProjectOverallReplaysAllMilestones(t *testing.T) {
	ms := []Milestone{{ID: 1, Progress: 100, Status: "done"}, {ID: 2, Progress: 50, Status: "in_progress"}}
	hist := map[int64][]Update{
		1: {upd(1, 0, 50), upd(1, 10, 100)},
		2: {upd(2, 20, 50)},
	}
	// Overall readings: 25@0h, 50@10h, 75@20h -> last 3 all within 4: 25..75 over 20h = 2.5%/h, 25% left = 10h.
	eta := ProjectOverall(ms, hist)
	if !eta.OK || !eta.At.Equal(t0.Add(30*time.Hour)) {
		t.Fatalf("overall %+v", eta)
	}
	if eta := ProjectOverall(nil, nil); eta.OK {
		t.Fatal("no milestones cannot be projected")
	}
}

// replayAll is ProjectOverall as first written: every update of every
// milestone replayed in time order. The windowed version must agree.
func replayAll(ms []Milestone, history map[int64][]Update) ETA {
	if Overall(ms) == 100 {
		return ETA{At: latestEnd(ms), OK: true, Reason: "done"}
	}
	progress := make(map[int64]int, len(ms))
	var all []Update
	for _, m := range ms {
		progress[m.ID] = 0
		all = append(all, history[m.ID]...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.Before(all[j].At) })
	var pts []point
	for _, u := range all {
		progress[u.MilestoneID] = u.ToProgress
		sum := 0
		for _, p := range progress {
			sum += p
		}
		pts = append(pts, point{u.At, sum / len(ms)})
	}
	return projectPoints(pts)
}

func TestProjectOverallMatchesFullReplay(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		ms := make([]Milestone, 1+rng.IntN(5))
		hist := map[int64][]Update{}
		for i := range ms {
			ms[i] = Milestone{ID: int64(i + 1), Status: "in_progress"}
			n := rng.IntN(9)
			hour, p := 0, 0
			for range n {
				hour += rng.IntN(3) // repeated instants on purpose
				p = min(100, p+rng.IntN(30))
				hist[ms[i].ID] = append(hist[ms[i].ID], upd(ms[i].ID, hour, p))
			}
			ms[i].Progress = p
		}
		want, got := replayAll(ms, hist), ProjectOverall(ms, hist)
		if want != got {
			t.Fatalf("trial %d: windowed %+v, full replay %+v\nmilestones %+v\nhistory %+v", trial, got, want, ms, hist)
		}
	}
}

func TestProjectIgnoresOldHistory(t *testing.T) {
	m := Milestone{ID: 1, Status: "in_progress", Progress: 60, UpdatedAt: t0.Add(40 * time.Hour)}
	recent := []Update{upd(1, 10, 45), upd(1, 20, 50), upd(1, 30, 55), upd(1, 40, 60)}
	long := append([]Update{upd(1, 0, 0), upd(1, 1, 40), upd(1, 2, 41)}, recent...)
	if a, b := Project(m, recent), Project(m, long); a != b || !a.OK {
		t.Fatalf("recent only %+v, with older readings %+v", a, b)
	}
}

func TestBlockedMilestoneHasNoETA(t *testing.T) {
	// A steady rate that would project a time if the milestone were running.
	hist := []Update{upd(1, 0, 10), upd(1, 10, 50)}
	m := Milestone{ID: 1, Status: "blocked", Progress: 50, UpdatedAt: t0.Add(10 * time.Hour)}
	if eta := Project(m, hist); eta.OK || eta.Reason != ReasonBlocked {
		t.Fatalf("blocked: %+v, want no ETA with reason %q", eta, ReasonBlocked)
	}
	m.Status = "in_progress"
	if eta := Project(m, hist); !eta.OK {
		t.Fatalf("the same history in progress projects: %+v", eta)
	}
}

func TestETABeyondHorizonIsNoEstimate(t *testing.T) {
	// 1% in 10h with 89% left: 890h, past the 30-day horizon (720h).
	m := Milestone{ID: 1, Status: "in_progress", Progress: 11, UpdatedAt: t0.Add(10 * time.Hour)}
	if eta := Project(m, []Update{upd(1, 0, 10), upd(1, 10, 11)}); eta.OK || eta.Reason != ReasonNoEstimate {
		t.Fatalf("crawling: %+v, want %q", eta, ReasonNoEstimate)
	}
	// 1% in 5h with 89% left: 445h, inside the horizon.
	m.UpdatedAt = t0.Add(5 * time.Hour)
	if eta := Project(m, []Update{upd(1, 0, 10), upd(1, 5, 11)}); !eta.OK || !eta.At.Equal(t0.Add(450*time.Hour)) {
		t.Fatalf("slow but sane: %+v", eta)
	}
	// The whole restore follows the same rule: 1% over 100h for the plan.
	ms := []Milestone{{ID: 1, Status: "in_progress", Progress: 11}}
	if eta := ProjectOverall(ms, map[int64][]Update{1: {upd(1, 0, 10), upd(1, 100, 11)}}); eta.OK || eta.Reason != ReasonNoEstimate {
		t.Fatalf("overall crawling: %+v", eta)
	}
	// A rate so small a Duration would overflow still says no estimate.
	slow := []point{{t0, 0}, {t0.Add(200 * 365 * 24 * time.Hour), 1}}
	if eta := projectPoints(slow); eta.OK || eta.Reason != ReasonNoEstimate {
		t.Fatalf("overflowing rate: %+v", eta)
	}
}
