package pgserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// maxSocketPath is the longest Unix socket path postgres accepts: the
// kernel's sun_path less the terminating NUL, 108 bytes on Linux and 104 on
// macOS; the smaller holds everywhere.
const maxSocketPath = 103

// initdb creates the cluster in a side directory and renames it into place,
// so an initdb killed half-way never leaves a cluster that looks usable.
func (s *Server) initdb(ctx context.Context) error {
	tmp := s.pgdata() + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	var out []byte
	var err error
	// C.UTF-8 gives Unicode-aware character classes; some systems (older
	// macOS) lack it, where plain C with UTF8 encoding still works.
	for _, locale := range []string{"C.UTF-8", "C"} {
		if err := os.Mkdir(tmp, 0o700); err != nil {
			return fmt.Errorf("create cluster directory: %w", err)
		}
		if err := s.acct.chown(tmp); err != nil {
			return err
		}
		args := []string{"-D", tmp, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=" + locale}
		if s.noSync {
			args = append(args, "--no-sync")
		}
		out, err = s.acct.command(ctx, s.bin("initdb"), args...).CombinedOutput()
		if err == nil {
			break
		}
		_ = os.RemoveAll(tmp)
	}
	if err != nil {
		return fmt.Errorf("initdb in %s: %w\n%s", s.DataDir, err, tail(out, 20))
	}
	return os.Rename(tmp, s.pgdata())
}

// socketPath is the directory for the Unix socket of a server on port:
// <data dir>/sock, or a short per-data-directory one under /tmp when that
// path is too long for a socket.
func (s *Server) socketPath(port int) (string, error) {
	dir := filepath.Join(s.DataDir, "sock")
	sock := func(d string) string { return filepath.Join(d, ".s.PGSQL."+strconv.Itoa(port)) }
	if len(sock(dir)) > maxSocketPath {
		sum := sha256.Sum256([]byte(s.DataDir))
		dir = filepath.Join("/tmp", "warroom-"+hex.EncodeToString(sum[:6]))
		if len(sock(dir)) > maxSocketPath {
			return "", fmt.Errorf("no socket directory short enough for %s", s.DataDir)
		}
	}
	return dir, nil
}

// socketDir creates the socket directory of socketPath, 0700 and owned by
// the server's account: the directory is what keeps other OS accounts from
// the embedded server, whose socket trusts whoever reaches it.
func (s *Server) socketDir(port int) (string, error) {
	dir, err := s.socketPath(port)
	if err != nil {
		return "", err
	}
	err = os.Mkdir(dir, 0o700)
	if err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("create socket directory: %w", err)
	}
	if err == nil {
		return dir, s.acct.chown(dir)
	}
	// It existed: in /tmp anyone could have made it, so make sure it is
	// a real directory of ours before the server trusts it.
	st, err := os.Lstat(dir)
	if err != nil {
		return "", err
	}
	owner := uint32(os.Geteuid())
	if s.acct != nil {
		owner = s.acct.uid
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); !st.IsDir() || !ok || (sys.Uid != owner && sys.Uid != uint32(os.Geteuid())) {
		return "", fmt.Errorf("socket directory %s exists but is not ours", dir)
	}
	// One made by an older version, or opened up by hand, closes again.
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("close socket directory: %w", err)
	}
	return dir, s.acct.chown(dir)
}

// hbaSocketOnly is the embedded server's pg_hba.conf: connections over the
// Unix socket only, trusted, since reaching the socket already takes the
// server's OS account (or root). Any login may be named: the OS user who
// owns the data directory is the laptop's administrator anyway.
const hbaSocketOnly = `# Written by warroom at every start: Unix socket only (listen_addresses is
# empty). The socket directory is 0700, so only its owner and root get here.
local all all trust
`

// writeHBA replaces pg_hba.conf of the embedded server (not of the throwaway
// clusters, which keep initdb's trust for loopback TCP too).
func (s *Server) writeHBA() error {
	if s.tcp {
		return nil
	}
	path := filepath.Join(s.pgdata(), "pg_hba.conf")
	tmp := path + ".warroom"
	if err := os.WriteFile(tmp, []byte(hbaSocketOnly), 0o600); err != nil {
		return fmt.Errorf("write pg_hba.conf: %w", err)
	}
	if err := s.acct.chown(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// postgresArgs are the server options: a private socket directory
// (Debian's default, /var/run/postgresql, is not writable by an
// unprivileged account) and no TCP at all, or loopback TCP too for a
// throwaway cluster, then any extra settings.
func (s *Server) postgresArgs(port int, sockDir string) []string {
	listen := ""
	if s.tcp {
		listen = "127.0.0.1"
	}
	args := []string{"-h", listen, "-p", strconv.Itoa(port), "-k", sockDir,
		"-c", "unix_socket_permissions=0700"}
	for _, kv := range s.settings {
		args = append(args, "-c", kv)
	}
	return args
}

// pidInfo is what postmaster.pid says about a server.
type pidInfo struct {
	pid   int
	port  int
	state string // starting, ready, stopping (PostgreSQL 10+)
	alive bool
	// reused: the pid is alive but is not a postgres process (the pid of a
	// server that died was given to another program), so the file is stale.
	reused bool
}

// readPidFile reads <pgdata>/postmaster.pid; ok=false when there is none.
// The file outlives a crashed server, so alive checks the process too.
func readPidFile(pgdata string) (pidInfo, bool) {
	b, err := os.ReadFile(filepath.Join(pgdata, "postmaster.pid"))
	if err != nil {
		return pidInfo{}, false
	}
	lines := strings.Split(string(b), "\n")
	field := func(i int) string {
		if i < len(lines) {
			return strings.TrimSpace(lines[i])
		}
		return ""
	}
	var p pidInfo
	p.pid, _ = strconv.Atoi(field(0))
	p.port, _ = strconv.Atoi(field(3))
	p.state = field(7)
	if p.pid > 0 {
		err := syscall.Kill(p.pid, 0)
		p.alive = err == nil || errors.Is(err, syscall.EPERM)
		if p.alive && !isPostgres(p.pid) {
			p.alive, p.reused = false, true
		}
	}
	return p, true
}

// isPostgres reports whether process pid runs the postgres program. Where
// /proc cannot say (not Linux, or hidden), it answers yes, as kill did.
func isPostgres(pid int) bool {
	comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return true
	}
	return strings.TrimSpace(string(comm)) == "postgres"
}

// tail returns the last n lines of b, for error messages from logs.
func tail(b []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
