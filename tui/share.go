package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// LoadShare lets consoles of one process that read as the same person
// share their loads (`warroom serve`: hundreds of sessions, one change
// feed, a pool of three connections). One change reaches every console at
// about the same moment and each would read the same parts again; with a
// LoadShare the first to ask reads them, and every console asking for the
// same parts of the same incident as the same person, needing nothing
// newer than when that read began, gets its result.
//
// Consoles reading as different people never share: a person's rows are
// what their role may read, and the key names the person.
type LoadShare struct {
	mu      sync.Mutex
	flights map[shareKey]*flight
	loads   atomic.Int64
}

// NewLoadShare is an empty LoadShare.
func NewLoadShare() *LoadShare { return &LoadShare{flights: map[shareKey]*flight{}} }

// Loads is how many loads ran through s (each shared by any number of
// consoles).
func (s *LoadShare) Loads() int64 { return s.loads.Load() }

// shareKey is what makes two loads the same read.
type shareKey struct {
	as       string // the person the loads read as
	slug     string // the incident asked for ("": the current one)
	incident int64  // the incident on screen (0: none yet)
	parts    part
}

// flight is one load: running until done is closed, then its result. The
// newest per key is kept, so a console that takes the change a moment
// after the load finished still gets it.
type flight struct {
	started time.Time
	done    chan struct{}
	snap    *Snapshot
	err     error
}

// sharing is one console's way into a LoadShare for one load: need is the
// newest change (when it was received) the load must include.
type sharing struct {
	share *LoadShare
	as    string
	need  time.Time
}

func (m Model) shared(need time.Time) sharing {
	if m.opts.Share == nil {
		return sharing{}
	}
	return sharing{share: m.opts.Share, as: m.opts.ShareAs, need: need}
}

// do returns a load of key that began no earlier than need: one running or
// finished, or one read now. The load runs without the asking console's
// cancellation (others may be waiting on it); its own timeout bounds it.
func (s *LoadShare) do(ctx context.Context, key shareKey, need time.Time,
	read func(context.Context) (*Snapshot, error)) (*Snapshot, time.Time, error) {
	s.mu.Lock()
	if f, ok := s.flights[key]; ok && !f.started.Before(need) {
		s.mu.Unlock()
		select {
		case <-f.done:
			return f.snap, f.started, f.err
		case <-ctx.Done():
			return nil, time.Time{}, ctx.Err()
		}
	}
	f := &flight{started: time.Now(), done: make(chan struct{})}
	s.sweep(f.started)
	s.flights[key] = f
	s.mu.Unlock()
	s.loads.Add(1)
	snap, err := read(context.WithoutCancel(ctx))
	if snap != nil {
		// Consoles apply changes to their snapshot without copying a
		// milestone's history when they append to it (apply.go): with
		// the arrays full, an append by one never lands in another's.
		for id, h := range snap.History {
			snap.History[id] = h[:len(h):len(h)]
		}
	}
	f.snap, f.err = snap, err
	if err != nil {
		s.mu.Lock()
		if s.flights[key] == f {
			delete(s.flights, key) // a failure is not kept for later consoles
		}
		s.mu.Unlock()
	}
	close(f.done)
	return snap, f.started, err
}

// keepFinished is how long a finished load stays for consoles that received
// a change before it began and ask late; after that a console reads anew.
const keepFinished = time.Minute

// sweep drops finished loads older than keepFinished, so a person who has
// logged out does not leave a snapshot behind for the life of the server.
// s.mu is held.
func (s *LoadShare) sweep(now time.Time) {
	for k, f := range s.flights {
		if now.Sub(f.started) < keepFinished {
			continue
		}
		select {
		case <-f.done:
			delete(s.flights, k)
		default: // still running: others may be waiting on it
		}
	}
}
