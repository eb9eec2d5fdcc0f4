package pgserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Restartable is a throwaway cluster that tests can stop and start again on
// the same port, to see what clients do while their server is gone and after
// it returns. StartThrowaway's server cannot do that: its stop also removes
// the data.
type Restartable struct {
	s       *Server
	mu      sync.Mutex
	proc    *childServer // nil while stopped
	cleanup func()
	closed  bool
}

// restartableSettings are throwawaySettings with synchronous_commit on:
// Stop is an immediate shutdown, which loses commits still waiting in the
// WAL buffers. With fsync off a commit is still only a write to the OS.
var restartableSettings = []string{
	"fsync=off",
	"full_page_writes=off",
	"max_connections=200",
}

// StartRestartable starts a private cluster in a fresh temporary directory.
// Close removes it.
func StartRestartable(ctx context.Context) (*Restartable, error) {
	sweepThrowaways()
	dir, err := os.MkdirTemp("", throwawayPrefix)
	if err != nil {
		return nil, err
	}
	l, err := lockFile(ctx, filepath.Join(dir, "lock"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	r := &Restartable{cleanup: func() { os.RemoveAll(dir); l.unlock() }}
	if r.s, err = New(dir); err != nil {
		r.cleanup()
		return nil, err
	}
	r.s.settings, r.s.noSync, r.s.tcp = restartableSettings, true, true
	if r.s.acct != nil {
		if err := os.Chmod(dir, 0o755); err != nil {
			r.cleanup()
			return nil, err
		}
	}
	if err := r.s.initdb(ctx); err != nil {
		r.cleanup()
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err == nil {
			r.proc, err = r.s.runChild(ctx, port)
		}
		if err == nil {
			r.s.Port = port
			return r, nil
		}
		if attempt > 0 || ctx.Err() != nil {
			r.cleanup()
			return nil, err
		}
	}
}

// URL is the connection URL of database on this server; it stays valid
// across Stop and Start.
func (r *Restartable) URL(database string) string { return r.s.URL(database) }

// Stop shuts the server down at once (immediate shutdown: clients see their
// connections drop, as when a server crashes) and keeps its data.
func (r *Restartable) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil {
		r.proc.stop()
		r.proc = nil
	}
}

// Start starts a stopped server again on the port it had.
func (r *Restartable) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return fmt.Errorf("pgserver: restartable server already closed")
	}
	if r.proc != nil {
		return nil
	}
	proc, err := r.s.runChild(ctx, r.s.Port)
	if err != nil {
		return err
	}
	r.proc = proc
	return nil
}

// Close stops the server and removes its directory.
func (r *Restartable) Close() {
	r.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.cleanup()
	}
}
