package pgserver

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServerLifecycle(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	dir := testDataDir(t)
	s, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	stopOnCleanup(t, s)
	if st, err := s.Status(ctx); err != nil || st.Running || st.Initialized {
		t.Fatalf("fresh status = %+v, %v; want not running, not initialized", st, err)
	}

	t0 := time.Now()
	created, err := s.Start(ctx)
	cold := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Error("first Start: created = false, want true")
	}
	t.Logf("cold start (initdb + start): %v", cold)

	st, err := s.Status(ctx)
	if err != nil || !st.Running || st.PID == 0 || st.Port != s.Port || !st.Initialized || st.Version < MinVersion {
		t.Fatalf("status after start = %+v, %v", st, err)
	}
	if os.Geteuid() == 0 {
		if uid := procUID(t, st.PID); uid == 0 {
			t.Errorf("postmaster %d runs as root", st.PID)
		}
	}
	port, pid := s.Port, st.PID

	conn := openDB(t, s.URL("postgres"))
	if _, err := conn.Exec(`CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before stop')`); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	// Start on a running server changes nothing.
	if created, err := s.Start(ctx); err != nil || created {
		t.Fatalf("second Start = %v, %v; want false, nil", created, err)
	}
	if st, err := s.Status(ctx); err != nil || st.PID != pid || s.Port != port {
		t.Errorf("second Start: pid %d port %d (%v), want %d %d", st.PID, s.Port, err, pid, port)
	}

	t0 = time.Now()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("stop: %v", time.Since(t0))
	if st, err := s.Status(ctx); err != nil || st.Running || st.Port != port {
		t.Fatalf("status after stop = %+v, %v; want stopped, port %d kept", st, err, port)
	}
	if err := s.Stop(ctx); err != nil {
		t.Errorf("Stop on a stopped server: %v", err)
	}

	// A new process (a new Server) finds the cluster, the port and the data.
	s2, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Port != port {
		t.Errorf("New on stopped cluster: Port = %d, want saved %d", s2.Port, port)
	}
	t0 = time.Now()
	created, err = s2.Start(ctx)
	t.Logf("warm start (existing cluster): %v", time.Since(t0))
	if err != nil || created {
		t.Fatalf("warm Start = %v, %v; want false, nil", created, err)
	}
	if s2.Port != port {
		t.Errorf("port after restart = %d, want %d", s2.Port, port)
	}
	assertKept(t, s2.URL("postgres"))

	// Port taken while stopped: the next start moves and remembers.
	if err := s2.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := s2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if s2.Port == port {
		t.Fatalf("started on taken port %d", port)
	}
	if saved := readPortFile(filepath.Join(dir, "port")); saved != s2.Port {
		t.Errorf("port file = %d, want new port %d", saved, s2.Port)
	}
	assertKept(t, s2.URL("postgres"))
}

func assertKept(t *testing.T, url string) {
	t.Helper()
	conn := openDB(t, url)
	defer conn.Close()
	var note string
	if err := conn.QueryRow(`SELECT note FROM kept`).Scan(&note); err != nil || note != "before stop" {
		t.Fatalf("data after restart: %q, %v", note, err)
	}
}

// procUID reads the real uid of pid from /proc.
func procUID(t *testing.T, pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatalf("reading the server's owner: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "Uid:" {
			uid, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("Uid line %q: %v", line, err)
			}
			return uid
		}
	}
	t.Fatalf("no Uid line for %d", pid)
	return -1
}

// Two consoles starting at once on a fresh data directory: one initdb, one
// server, both succeed.
func TestConcurrentStart(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	dir := testDataDir(t)
	const n = 4
	servers := make([]*Server, n)
	for i := range servers {
		s, err := New(dir)
		if err != nil {
			t.Fatal(err)
		}
		servers[i] = s
	}
	stopOnCleanup(t, servers[0])
	var wg sync.WaitGroup
	created := make([]bool, n)
	errs := make([]error, n)
	for i, s := range servers {
		wg.Go(func() { created[i], errs[i] = s.Start(ctx) })
	}
	wg.Wait()
	nCreated := 0
	for i := range servers {
		if errs[i] != nil {
			t.Fatalf("Start %d: %v", i, errs[i])
		}
		if created[i] {
			nCreated++
		}
		if servers[i].Port != servers[0].Port {
			t.Errorf("server %d on port %d, server 0 on %d", i, servers[i].Port, servers[0].Port)
		}
	}
	if nCreated != 1 {
		t.Errorf("%d Starts report creating the cluster, want 1", nCreated)
	}
	conn := openDB(t, servers[n-1].URL("postgres"))
	var one int
	if err := conn.QueryRow(`SELECT 1`).Scan(&one); err != nil {
		t.Fatal(err)
	}
	// Concurrent stops too.
	for _, s := range servers {
		wg.Go(func() {
			if err := s.Stop(ctx); err != nil {
				t.Errorf("Stop: %v", err)
			}
		})
	}
	wg.Wait()
	if st, err := servers[0].Status(ctx); err != nil || st.Running {
		t.Errorf("still running after concurrent stops (status %+v, %v)", st, err)
	}
}

// A data directory whose path is too long for a Unix socket still starts,
// with its socket under /tmp.
func TestLongDataDirSocketFallback(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	dir := filepath.Join(testDataDir(t), strings.Repeat("d", 80))
	s, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	stopOnCleanup(t, s)
	if _, err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sock, err := s.socketDir(s.Port)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sock, "/tmp/warroom-") {
		t.Errorf("socket dir %s, want the /tmp fallback", sock)
	}
	if _, err := os.Stat(filepath.Join(sock, ".s.PGSQL."+strconv.Itoa(s.Port))); err != nil {
		t.Errorf("no socket: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(sock) })
	openDB(t, s.URL("postgres"))
}

func TestRootUnreachableDataDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs PostgreSQL as another account")
	}
	dir := filepath.Join(t.TempDir(), "warroom") // parent is 0700 root
	s, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Start(testCtx(t))
	if err == nil || !strings.Contains(err.Error(), "WARROOM_DATA_DIR") {
		t.Fatalf("Start in unreachable dir: %v; want advice to set WARROOM_DATA_DIR", err)
	}
}

// A server that died leaves postmaster.pid behind; once its pid belongs to
// another program, Start must neither take that program for the server nor
// let postgres refuse to start because of it.
func TestStartPastStalePidFileWithReusedPid(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	s, err := New(testDataDir(t))
	if err != nil {
		t.Fatal(err)
	}
	stopOnCleanup(t, s)
	if _, err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(s.pgdata(), "postmaster.pid")
	stale, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	lines := strings.SplitN(string(stale), "\n", 2)
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(other.Process.Pid)+"\n"+lines[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Status(ctx); err != nil || st.Running {
		t.Fatalf("status with a reused pid = %+v, %v; want not running", st, err)
	}
	if _, err := s.Start(ctx); err != nil {
		t.Fatalf("start past a stale pid file: %v", err)
	}
	conn := openDB(t, s.URL("postgres"))
	defer conn.Close()
	if err := conn.Ping(); err != nil {
		t.Fatalf("server after start: %v", err)
	}
	if st, err := s.Status(ctx); err != nil || !st.Running || st.PID == other.Process.Pid {
		t.Fatalf("status after start = %+v, %v", st, err)
	}
}
