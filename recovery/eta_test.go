package recovery

import (
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
