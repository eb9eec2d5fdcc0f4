package pgserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

const throwawayPrefix = "warroom-pgtest-"

// Settings that trade crash safety for speed: a test cluster's data is
// thrown away anyway.
var throwawaySettings = []string{
	"fsync=off",
	"synchronous_commit=off",
	"full_page_writes=off",
	"max_connections=200",
}

// StartThrowaway starts a private cluster in a fresh temporary directory
// for one test process and returns the admin URL (database "postgres").
// stop shuts it down and removes the directory. The server is a direct
// child that gets SIGQUIT if this process dies, and directories left by
// killed processes are swept by the next call.
func StartThrowaway(ctx context.Context) (url string, stop func(), err error) {
	sweepThrowaways()
	dir, err := os.MkdirTemp("", throwawayPrefix)
	if err != nil {
		return "", nil, err
	}
	// Held until stop: tells sweepers this directory is in use.
	l, err := lockFile(ctx, filepath.Join(dir, "lock"))
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir); l.unlock() }

	s, err := New(dir)
	if err != nil {
		cleanup()
		return "", nil, err
	}
	s.settings, s.noSync, s.tcp = throwawaySettings, true, true
	if s.acct != nil {
		// MkdirTemp makes it 0700; the server's account must get in.
		if err := os.Chmod(dir, 0o755); err != nil {
			cleanup()
			return "", nil, err
		}
	}
	if err := s.initdb(ctx); err != nil {
		cleanup()
		return "", nil, err
	}
	var proc *childServer
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err == nil {
			proc, err = s.runChild(ctx, port)
		}
		if err == nil {
			s.Port = port
			break
		}
		// One retry covers another process taking the port first.
		if attempt > 0 || ctx.Err() != nil {
			cleanup()
			return "", nil, err
		}
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			proc.stop()
			cleanup()
		})
	}
	return s.URL("postgres"), stop, nil
}

// childServer is a postgres process we started and wait on.
type childServer struct {
	pid  int
	done chan struct{}
}

// runChild starts postgres itself (not through pg_ctl) as our child and
// waits until it accepts connections.
func (s *Server) runChild(ctx context.Context, port int) (*childServer, error) {
	sock, err := s.socketDir(port)
	if err != nil {
		return nil, err
	}
	logFile := s.path("server.log")
	logf, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	before, _ := logf.Stat()
	// No ctx: it must outlive the start-up context.
	cmd := s.acct.command(context.Background(), s.bin("postgres"), append([]string{"-D", s.pgdata()}, s.postgresArgs(port, sock)...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithParent(cmd.SysProcAttr)

	c := &childServer{done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// The kernel sends Pdeathsig when the forking thread exits, not the
		// process: pin this goroutine to its thread for the server's life.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(c.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c.pid = cmd.Process.Pid

	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if p, ok := readPidFile(s.pgdata()); ok && p.pid == c.pid && p.state == "ready" {
			return c, nil
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("postgres exited during start-up; log %s:\n%s", logFile, newLogLines(logFile, before))
		case <-ctx.Done():
			c.stop()
			return nil, fmt.Errorf("postgres did not become ready: %w; log:\n%s", ctx.Err(), newLogLines(logFile, before))
		case <-tick.C:
		}
	}
}

// stop asks for an immediate shutdown (nothing here is worth a checkpoint)
// and kills the server if it does not go within 10 s.
func (c *childServer) stop() {
	_ = syscall.Kill(c.pid, syscall.SIGQUIT)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(c.pid, syscall.SIGKILL)
		<-c.done
	}
}

// sweepThrowaways removes throwaway directories whose test process died
// (its lock is free) and whose server is gone.
func sweepThrowaways() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), throwawayPrefix+"*"))
	for _, dir := range dirs {
		if !strings.HasPrefix(filepath.Base(dir), throwawayPrefix) {
			continue
		}
		l, ok := tryLockFile(filepath.Join(dir, "lock"))
		if !ok {
			// In use, or died before taking its lock: only old ones are stale.
			st, err := os.Stat(dir)
			_, lerr := os.Stat(filepath.Join(dir, "lock"))
			if err == nil && errors.Is(lerr, os.ErrNotExist) && time.Since(st.ModTime()) > time.Hour {
				os.RemoveAll(dir)
			}
			continue
		}
		// A free lock on a young directory may be one whose owner has
		// created the lock file but not yet taken the lock.
		st, err := os.Stat(dir)
		young := err == nil && time.Since(st.ModTime()) < time.Minute
		if p, ok := readPidFile(filepath.Join(dir, "pgdata")); !young && (!ok || !p.alive) {
			os.RemoveAll(dir)
		}
		l.unlock()
	}
}
