package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Server is a PostgreSQL cluster kept in DataDir:
//
//	pgdata/      the cluster (owned by the server's account)
//	port         the port last used, kept across restarts
//	server.log   the server's log
//	sock/        the Unix socket directory, 0700 (if the path is short enough)
//	lock         flock'd around start and stop
//
// The embedded server listens on that socket only (no TCP), so only the
// account that owns the socket directory (and root) can reach it; the
// throwaway clusters of tests listen on loopback TCP as well (see tcp).
type Server struct {
	DataDir string // absolute
	BinDir  string // where initdb, pg_ctl and postgres live
	Version int    // PostgreSQL major version of BinDir
	Port    int    // the running or last used port (names the socket); 0 before the first start

	acct     *account // nil: run as ourselves
	settings []string // extra name=value server settings
	noSync   bool     // initdb --no-sync, for throwaway clusters
	// tcp: also listen on 127.0.0.1 with trust for every local account.
	// Only the throwaway clusters of tests do; they hold no one's data.
	tcp bool
}

// Status describes a server for `warroom db status`.
type Status struct {
	Running     bool   `json:"running"`
	PID         int    `json:"pid,omitempty"`
	Port        int    `json:"port,omitempty"`
	Socket      string `json:"socket_dir,omitempty"`
	DataDir     string `json:"data_dir"`
	BinDir      string `json:"bin_dir"`
	Version     int    `json:"version"`
	Initialized bool   `json:"initialized"`
	LogFile     string `json:"log_file"`
	RunAs       string `json:"run_as,omitempty"`
}

const startTimeout = 60 * time.Second

// New describes the server in dataDir without starting anything. It finds
// the binaries (those matching an existing cluster's version) and fails
// with ErrNoBinaries, explaining how to install them, when there are none.
func New(dataDir string) (*Server, error) {
	return newServer(dataDir, defaultSearch())
}

func newServer(dataDir string, where search) (*Server, error) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{DataDir: dir}
	want := clusterVersion(s.pgdata())
	if s.BinDir, s.Version, err = where.find(want); err != nil {
		return nil, err
	}
	if s.acct, err = runAccount(s.pgdata()); err != nil {
		return nil, err
	}
	s.Port = readPortFile(s.path("port"))
	if p, ok := readPidFile(s.pgdata()); ok && p.alive && p.port > 0 {
		s.Port = p.port
	}
	return s, nil
}

func (s *Server) path(name string) string                     { return filepath.Join(s.DataDir, name) }
func (s *Server) pgdata() string                              { return s.path("pgdata") }
func (s *Server) bin(name string) string                      { return filepath.Join(s.BinDir, name) }
func (s *Server) initialized() bool                           { return clusterVersion(s.pgdata()) != 0 }
func (s *Server) lock(ctx context.Context) (*fileLock, error) { return lockFile(ctx, s.path("lock")) }

// clusterVersion is the major version recorded in a cluster, 0 if none.
func clusterVersion(pgdata string) int {
	b, err := os.ReadFile(filepath.Join(pgdata, "PG_VERSION"))
	if err != nil {
		return 0
	}
	v, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return v
}

// URL is the connection URL of database on this server as the superuser
// postgres (trust auth, no TLS).
func (s *Server) URL(database string) string { return s.URLAs(database, "postgres") }

// URLAs is the connection URL of database as login user. The embedded
// server's is a Unix socket URL (postgres://user@/db?host=/dir&port=N),
// which psql and lib/pq both read.
func (s *Server) URLAs(database, user string) string {
	u := url.URL{Scheme: "postgres", User: url.User(user), Path: "/" + database}
	if s.tcp {
		u.Host = "127.0.0.1:" + strconv.Itoa(s.Port)
		u.RawQuery = "sslmode=disable"
		return u.String()
	}
	dir, err := s.socketPath(s.Port)
	if err != nil {
		dir = filepath.Join(s.DataDir, "sock") // Start reports the real problem
	}
	u.RawQuery = url.Values{"host": {dir}, "port": {strconv.Itoa(s.Port)}, "sslmode": {"disable"}}.Encode()
	return u.String()
}

// Status reports whether the server runs, from its postmaster.pid.
func (s *Server) Status(ctx context.Context) (Status, error) {
	st := Status{
		DataDir:     s.DataDir,
		BinDir:      s.BinDir,
		Version:     s.Version,
		Initialized: s.initialized(),
		LogFile:     s.path("server.log"),
		Port:        readPortFile(s.path("port")),
	}
	if s.acct != nil {
		st.RunAs = s.acct.name
	}
	if !s.tcp && st.Port > 0 {
		st.Socket, _ = s.socketPath(st.Port)
	}
	if p, ok := readPidFile(s.pgdata()); ok && p.alive && p.state != "stopping" {
		st.Running, st.PID = true, p.pid
		if p.port > 0 {
			st.Port = p.port
		}
	}
	return st, ctx.Err()
}

// Start creates the cluster on first use (created=true) and starts the
// server unless it already runs. The server is detached: it outlives this
// process, so later commands and other consoles share it.
func (s *Server) Start(ctx context.Context) (created bool, err error) {
	if err := s.prepareDataDir(); err != nil {
		return false, err
	}
	l, err := s.lock(ctx)
	if err != nil {
		return false, err
	}
	defer l.unlock()

	if p, ok := readPidFile(s.pgdata()); ok && p.alive {
		if p.state == "ready" || p.state == "starting" {
			s.Port = p.port
			return false, nil
		}
	} else if ok && p.reused {
		// postgres would take the live pid for another server and refuse
		// to start: the file is ours to clear.
		if err := os.Remove(filepath.Join(s.pgdata(), "postmaster.pid")); err != nil {
			return false, fmt.Errorf("stale postmaster.pid (its pid %d now runs another program): %w", p.pid, err)
		}
	}
	if !s.initialized() {
		if err := s.initdb(ctx); err != nil {
			return false, err
		}
		created = true
	}
	// Every start, so a cluster made before the socket-only rule gets it too.
	if err := s.writeHBA(); err != nil {
		return created, err
	}
	// Keep the port of last time so saved URLs stay valid; take a new one
	// only when something else holds it. A port taken between our check and
	// postgres binding it gets one retry with a fresh port.
	port := readPortFile(s.path("port"))
	for attempt := 0; ; attempt++ {
		if port == 0 || !portFree(port) {
			if port, err = freePort(); err != nil {
				return created, err
			}
		}
		err = s.pgctlStart(ctx, port)
		if err == nil {
			break
		}
		if attempt > 0 || portFree(port) || ctx.Err() != nil {
			return created, err
		}
		port = 0
	}
	s.Port = port
	return created, writePortFile(s.path("port"), port)
}

// prepareDataDir creates the data directory; as root it must be reachable
// by the server's account, which owns only what is inside.
func (s *Server) prepareDataDir() error {
	if s.acct == nil {
		return os.MkdirAll(s.DataDir, 0o700)
	}
	if err := os.MkdirAll(s.DataDir, 0o755); err != nil {
		return err
	}
	if !s.acct.canTraverse(s.DataDir) {
		return fmt.Errorf("PostgreSQL runs as %s (it refuses root), who cannot reach %s: "+
			"set WARROOM_DATA_DIR to a directory it can reach, e.g. %s", s.acct.name, s.DataDir, RootDataDir)
	}
	return nil
}

func (s *Server) pgctlStart(ctx context.Context, port int) error {
	sock, err := s.socketDir(port)
	if err != nil {
		return err
	}
	logFile := s.path("server.log")
	// pg_ctl appends to the log through the shell as the server's account.
	f, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	f.Close()
	if err := s.acct.chown(logFile); err != nil {
		return err
	}
	before, _ := os.Stat(logFile)
	// pg_ctl hands -o to /bin/sh, hence the quoting.
	var opts []string
	for _, a := range s.postgresArgs(port, sock) {
		opts = append(opts, shellQuote(a))
	}
	out, err := s.acct.command(ctx, s.bin("pg_ctl"), "start", "-w",
		"-t", strconv.Itoa(int(startTimeout/time.Second)),
		"-D", s.pgdata(), "-l", logFile, "-o", strings.Join(opts, " ")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("start PostgreSQL on port %d: %w\n%s\nlog %s:\n%s",
			port, err, strings.TrimSpace(string(out)), logFile, newLogLines(logFile, before))
	}
	return nil
}

// newLogLines returns what the server logged after before was taken.
func newLogLines(path string, before os.FileInfo) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if before != nil && before.Size() <= int64(len(b)) {
		b = b[before.Size():]
	}
	return tail(b, 20)
}

// Stop shuts the server down (fast mode: sessions are cut, no data lost).
// Stopping a stopped server is not an error.
func (s *Server) Stop(ctx context.Context) error {
	if !s.initialized() {
		return nil
	}
	l, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer l.unlock()
	if p, ok := readPidFile(s.pgdata()); !ok || !p.alive {
		return nil
	}
	out, err := s.acct.command(ctx, s.bin("pg_ctl"), "stop", "-w", "-m", "fast",
		"-t", strconv.Itoa(int(startTimeout/time.Second)), "-D", s.pgdata()).CombinedOutput()
	if err != nil {
		if p, ok := readPidFile(s.pgdata()); !ok || !p.alive {
			return nil // it went away on its own meanwhile
		}
		return fmt.Errorf("stop PostgreSQL: %w\n%s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// ErrNotRunning is returned by callers that need a running server.
var ErrNotRunning = errors.New("the embedded PostgreSQL server is not running")

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
