package serve_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	gossh "golang.org/x/crypto/ssh"

	"warroom/access"
	"warroom/db/dbtest"
	"warroom/demo"
	"warroom/serve"
	"warroom/serve/sshclient"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// rig is a demo database, an authenticator over its people, and a running
// server whose authorized keys name chen (commander), wu (engineer) and
// gao (viewer).
type rig struct {
	admin   *sqlx.DB
	srv     *serve.Server
	addr    string
	keys    map[string]gossh.Signer
	hostKey string
}

func newSigner(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newRig(t *testing.T, tweak func(*serve.Config)) *rig {
	t.Helper()
	ctx := context.Background()
	// The demo is loaded once per test binary; each rig gets a clone.
	dbURL := dbtest.NewURLFrom(t, "demo", func(c *sqlx.DB) error {
		_, err := demo.Load(ctx, c)
		return err
	})
	r := &rig{admin: dbtest.Open(t, dbURL), keys: map[string]gossh.Signer{}}
	if err := demo.EnsureLogins(ctx, r.admin); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	auth := "tserve_" + hex.EncodeToString(b)
	if err := access.CreateAuthenticator(ctx, r.admin, auth, "pw"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a := dbtest.Open(t, dbURL)
		a.Exec(`DROP OWNED BY ` + auth)
		a.Exec(`DROP ROLE ` + auth)
	})
	u, _ := url.Parse(dbURL)
	u.User = url.UserPassword(auth, "pw")

	dir := t.TempDir()
	var lines []string
	for _, who := range []string{"chen", "wu", "gao"} {
		r.keys[who] = newSigner(t)
		lines = append(lines, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(r.keys[who].PublicKey())))+" "+who)
	}
	keyFile := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(keyFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := serve.LoadAuthorizedKeys(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	r.hostKey = filepath.Join(dir, "host", "ssh_host_ed25519_key")
	cfg := serve.Config{HostKey: r.hostKey, Keys: keys, DSN: u.String(), MaxSessions: 10}
	if tweak != nil {
		tweak(&cfg)
	}
	r.srv, err = serve.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go func() { _ = r.srv.Serve(ln) }()
	t.Cleanup(func() { r.srv.Close() })
	return r
}

func (r *rig) dial(t *testing.T, who string) *sshclient.Client {
	t.Helper()
	c, err := sshclient.Dial(r.addr, r.keys[who], 120, 36)
	if err != nil {
		t.Fatalf("%s: %v", who, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wait(t *testing.T, c *sshclient.Client, want string) {
	t.Helper()
	if _, err := c.WaitFor(want, 20*time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestConsoleOverSSH: a real SSH client gets the console, presses a key and
// sees the view change, resizes it, and sees a change made by someone else
// at once; its login and logout are in the audit under its person.
func TestConsoleOverSSH(t *testing.T) {
	r := newRig(t, nil)
	c := r.dial(t, "chen")
	wait(t, c, "Timeline")
	if err := c.Type("2"); err != nil {
		t.Fatal(err)
	}
	wait(t, c, "MILESTONE")
	if err := c.Type("1"); err != nil {
		t.Fatal(err)
	}
	r.admin.MustExec(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start)
		SELECT id, 'note', 'written elsewhere 7f3a', now() FROM incidents ORDER BY id LIMIT 1`)
	wait(t, c, "written elsewhere 7f3a")

	var login, actor string
	if err := r.admin.QueryRow(`SELECT login, actor FROM audit_log WHERE table_name = 'serve_sessions' ORDER BY id LIMIT 1`).
		Scan(&login, &actor); err != nil {
		t.Fatal(err)
	}
	if login != "chen" || actor != "chen" {
		t.Fatalf("session login audited as login %q actor %q, want chen", login, actor)
	}
	if err := c.Type("q"); err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var reason *string
		if err := r.admin.Get(&reason, `SELECT end_reason FROM serve_sessions WHERE login = 'chen'`); err != nil {
			t.Fatal(err)
		}
		if reason != nil {
			if *reason != "quit" {
				t.Fatalf("logout reason %q, want quit", *reason)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("logout not recorded")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEngineerWritesAsThemselves: a timeline entry added through the
// console over SSH is the engineer's, in the row and in the audit.
func TestEngineerWritesAsThemselves(t *testing.T) {
	r := newRig(t, nil)
	c := r.dial(t, "wu")
	wait(t, c, "Baseline window opens") // loaded: keys act
	if err := c.Type("a"); err != nil {
		t.Fatal(err)
	}
	wait(t, c, "Add timeline entry")
	if err := c.Type("tab", "tab", "tab", "tab", "over ssh 51c2", "enter"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	var author, login string
	for {
		err := r.admin.QueryRow(`SELECT e.author, a.login FROM timeline_entries e, audit_log a
			WHERE e.title = 'over ssh 51c2' AND a.table_name = 'timeline_entries' AND a.after::text LIKE '%over ssh 51c2%'`).
			Scan(&author, &login)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("entry not saved: %v\n%s", err, c.Screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if author != "wu" || login != "wu" {
		t.Fatalf("author %q, audit login %q; want wu", author, login)
	}
}

// TestViewerSessionOffersNoWrites: gao's console shows no write key, and
// pressing one opens no form.
func TestViewerSessionOffersNoWrites(t *testing.T) {
	r := newRig(t, nil)
	c := r.dial(t, "gao")
	wait(t, c, "Baseline window opens")
	if s := c.Screen(); strings.Contains(s, "a add") || strings.Contains(s, "e edit") {
		t.Fatalf("viewer offered a write key:\n%s", s)
	}

	if err := c.Type("a"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if after := c.Screen(); strings.Contains(after, "Add timeline entry") {
		t.Fatalf("a opened a form for a viewer:\n%s", after)
	}
}

// TestUnknownKeyRefused: a key not in the file does not get in; nor does
// one naming a login the authenticator may not act for.
func TestUnknownKeyRefused(t *testing.T) {
	r := newRig(t, nil)
	if _, err := sshclient.Dial(r.addr, newSigner(t), 80, 24); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("unknown key: %v", err)
	}
	// Revoked in the database: refused though the file still names it.
	r.admin.MustExec(`UPDATE warroom_users SET active = false, revoked_at = now() WHERE name = 'wu'`)
	if _, err := sshclient.Dial(r.addr, r.keys["wu"], 80, 24); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("revoked person: %v", err)
	}
}

// TestNothingButTheConsole: exec and sessions without a terminal are
// refused, the session cap holds, an idle session is closed, and the host
// key is created 0600 and refused once others may read it.
func TestNothingButTheConsole(t *testing.T) {
	r := newRig(t, func(c *serve.Config) { c.MaxSessions = 1; c.IdleTimeout = 2 * time.Second })
	conn, err := gossh.Dial("tcp", r.addr, &gossh.ClientConfig{User: "x", Auth: []gossh.AuthMethod{gossh.PublicKeys(r.keys["chen"])},
		HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := s.CombinedOutput("id"); err == nil {
		t.Fatalf("exec ran: %s", out)
	}
	s, err = conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	s.Stderr = &stderr
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(); err == nil || !strings.Contains(stderr.String(), "needs a terminal") {
		t.Fatalf("a shell without a terminal: %v %q", err, stderr.String())
	}
	if ok, _, _ := conn.SendRequest("tcpip-forward", true, gossh.Marshal(struct {
		Addr string
		Port uint32
	}{"127.0.0.1", 0})); ok {
		t.Fatal("remote port forwarding accepted")
	}
	if ch, _, err := conn.OpenChannel("direct-tcpip", gossh.Marshal(struct {
		Host  string
		Port  uint32
		OHost string
		OPort uint32
	}{"127.0.0.1", 22, "127.0.0.1", 1})); err == nil {
		ch.Close()
		t.Fatal("local port forwarding accepted")
	}

	first := r.dial(t, "chen")
	wait(t, first, "Timeline")
	second, err := sshclient.Dial(r.addr, r.keys["gao"], 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-second.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a session beyond the cap stayed open")
	}
	second.Close()
	// The first, untouched, is closed for idleness.
	select {
	case <-first.Done():
		if !strings.Contains(first.Screen(), "without a key press") {
			t.Fatalf("idle close not explained:\n%s", first.Screen())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("idle session stayed open")
	}

	st, err := os.Stat(r.hostKey)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v, mode %v", err, st.Mode())
	}
	if err := os.Chmod(r.hostKey, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := serve.HostKey(r.hostKey); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("a world-readable host key: %v", err)
	}
}
