package pgserver

import (
	"net"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The embedded server is closed to other OS accounts: no TCP listener, a
// 0700 socket directory, and another account's client is turned away.
func TestEmbeddedServerIsSocketOnly(t *testing.T) {
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
	// The socket URL works for us.
	conn := openDB(t, s.URLAs("postgres", "postgres"))
	var listen string
	if err := conn.QueryRow(`SHOW listen_addresses`).Scan(&listen); err != nil || listen != "" {
		t.Fatalf("listen_addresses = %q, %v; want empty", listen, err)
	}
	var hostRules int
	if err := conn.QueryRow(`SELECT count(*) FROM pg_hba_file_rules WHERE type <> 'local'`).Scan(&hostRules); err != nil || hostRules != 0 {
		t.Fatalf("pg_hba has %d non-local rules (%v); want none", hostRules, err)
	}

	// Nothing answers on loopback TCP at the server's port.
	if c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))); err == nil {
		c.Close()
		t.Fatalf("something accepts TCP on 127.0.0.1:%d", s.Port)
	}

	dir, err := s.socketPath(s.Port)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Fatalf("socket dir %s mode %v, want 0700", dir, st.Mode().Perm())
	}
	owner := uint32(os.Geteuid())
	if s.acct != nil {
		owner = s.acct.uid
	}
	if uid := st.Sys().(*syscall.Stat_t).Uid; uid != owner {
		t.Fatalf("socket dir owned by uid %d, want %d", uid, owner)
	}

	// Another OS account, with the very URL we use, is refused.
	if os.Geteuid() != 0 {
		t.Skip("trying another OS account needs root")
	}
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("no psql to connect with")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no nobody user")
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)
	cmd := exec.CommandContext(ctx, psql, "-X", "-w", "-c", "SELECT 1", s.URLAs("postgres", "postgres"))
	cmd.Dir = "/"
	cmd.Env = cleanEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("nobody connected to the embedded server:\n%s", out)
	}
	if !strings.Contains(string(out), "Permission denied") {
		t.Fatalf("nobody refused, but not by the socket directory's permissions:\n%s", out)
	}
	// The same psql as root gets in, so the refusal above is about the account.
	rootCmd := exec.CommandContext(ctx, psql, "-X", "-w", "-tAc", "SELECT 1", s.URLAs("postgres", "postgres"))
	rootCmd.Env = cleanEnv()
	if out, err := rootCmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Fatalf("psql as root: %v\n%s", err, out)
	}
}
