package tui

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestLoadShareConcurrentAsks: consoles asking at once for the same read,
// needing nothing newer than a moment before, get one load between them
// and the same snapshot (run with -race: the flight is written before its
// done channel closes).
func TestLoadShareConcurrentAsks(t *testing.T) {
	s := NewLoadShare()
	key := shareKey{as: "alice", incident: 1, parts: partAll}
	need := time.Now()
	var reads sync.Map
	read := func(context.Context) (*Snapshot, error) {
		snap := &Snapshot{}
		reads.Store(snap, true)
		return snap, nil
	}
	const askers = 16
	got := make([]*Snapshot, askers)
	var wg sync.WaitGroup
	for i := range askers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snap, _, err := s.do(context.Background(), key, need, read)
			if err != nil {
				t.Error(err)
			}
			got[i] = snap
		}()
	}
	wg.Wait()
	if n := s.Loads(); n != 1 {
		t.Fatalf("%d askers ran %d loads, want 1", askers, n)
	}
	for i, snap := range got {
		if snap != got[0] {
			t.Fatalf("asker %d got another snapshot", i)
		}
	}
}

// TestLoadShareSweepsOldFinishedLoads: a finished load older than
// keepFinished is dropped when the next load starts (a person who logged
// out leaves nothing behind); a running one and a recent one stay.
func TestLoadShareSweepsOldFinishedLoads(t *testing.T) {
	s := NewLoadShare()
	now := time.Now()
	finished := func(started time.Time) *flight {
		f := &flight{started: started, done: make(chan struct{}), snap: &Snapshot{}}
		close(f.done)
		return f
	}
	old, recent := shareKey{as: "gone"}, shareKey{as: "here"}
	running := shareKey{as: "slow"}
	s.flights[old] = finished(now.Add(-2 * keepFinished))
	s.flights[recent] = finished(now.Add(-keepFinished / 2))
	s.flights[running] = &flight{started: now.Add(-2 * keepFinished), done: make(chan struct{})}
	s.sweep(now)
	if _, ok := s.flights[old]; ok {
		t.Error("an old finished load was kept")
	}
	for _, k := range []shareKey{recent, running} {
		if _, ok := s.flights[k]; !ok {
			t.Errorf("%s's load was dropped", k.as)
		}
	}
}
