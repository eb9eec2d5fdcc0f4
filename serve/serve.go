// Package serve is the console over SSH (`warroom serve`): every SSH
// session with a terminal gets the live console, acting in the database as
// the person its key names. One process serves them all through one change
// feed (one LISTEN connection) and one small pool of connections as an
// authenticator login that SET ROLEs to each session's person
// (db.RolePool; SECURITY.md "Serving the console over SSH").
package serve

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/jmoiron/sqlx"
	gossh "golang.org/x/crypto/ssh"

	"warroom/access"
	"warroom/db"
	"warroom/textsafe"
	"warroom/tui"
)

// Config is how `warroom serve` runs.
type Config struct {
	// Addr is where to listen (127.0.0.1:2222).
	Addr string
	// HostKey is the server's private key file: created (ed25519, 0600) on
	// first start, refused when others may read it.
	HostKey string
	// Keys maps a public key to the warroom login it acts as.
	Keys *AuthorizedKeys
	// IdleTimeout closes a session after this long without a key press
	// (0: never). MaxSessions caps the sessions open at once (0: no cap).
	IdleTimeout time.Duration
	MaxSessions int
	// DSN connects as the authenticator login; PoolSize is how many
	// connections its pool may hold (the feed holds one more).
	DSN      string
	PoolSize int
	// IncidentSlug picks the incident every console opens on ("": the
	// current one).
	IncidentSlug string
	// Log receives one line per login, logout and refusal (nil: none).
	Log io.Writer
	// FPS caps how often a session's screen is written (0: FPS).
	FPS int
}

// FPS is how many times a second at most a session's renderer looks for a
// changed frame to write. Bubble Tea's default, 60, wakes every session 60
// times a second whether anything changed or not: with 500 sessions that
// is 30,000 wake-ups a second on an idle server. At 30 a change waits at
// most 33 ms (17 ms on average) for its frame.
const FPS = 30

// DefaultPoolSize leaves the server at four database connections with the
// feed's.
const DefaultPoolSize = 3

// Server is a running `warroom serve`.
type Server struct {
	cfg   Config
	pool  *db.RolePool
	admin *sqlx.DB // the authenticator itself: person lookups
	feed  *db.Feed
	ssh   *ssh.Server
	share *tui.LoadShare // one load per change for every session of a person

	mu       sync.Mutex
	subs     map[*subscriber]struct{}
	active   atomic.Int64
	logMu    sync.Mutex
	sessions sync.WaitGroup // running session handlers: Close waits for their logouts
}

// New checks the authenticator, starts the feed and prepares the SSH
// server; Serve (or ListenAndServe) accepts sessions.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Keys == nil {
		return nil, errors.New("serve: no authorized keys")
	}
	if cfg.PoolSize == 0 {
		cfg.PoolSize = DefaultPoolSize
	}
	if cfg.FPS == 0 {
		cfg.FPS = FPS
	}
	signer, err := HostKey(cfg.HostKey)
	if err != nil {
		return nil, err
	}
	pool, err := db.NewRolePool(cfg.DSN, cfg.PoolSize)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pool: pool, admin: pool.Admin(), subs: map[*subscriber]struct{}{}, share: tui.NewLoadShare()}
	if err := access.CheckAuthenticator(ctx, s.admin); err != nil {
		s.admin.Close()
		pool.Close()
		return nil, err
	}
	s.feed, err = db.Listen(cfg.DSN, tui.FeedWindow, s.broadcast)
	if err != nil {
		s.admin.Close()
		pool.Close()
		return nil, fmt.Errorf("live updates: %w", err)
	}
	s.ssh, err = wish.NewServer(
		wish.WithAddress(cfg.Addr),
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.authorize),
		// The console is the whole handler: no middleware hands the session
		// on to a shell.
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.session }),
		func(srv *ssh.Server) error {
			// Only an interactive shell: no exec, no subsystem (sftp). Port
			// forwarding is refused while its callbacks are nil, and only
			// "session" channels are handled; an agent is never forwarded.
			srv.SessionRequestCallback = func(_ ssh.Session, requestType string) bool { return requestType == "shell" }
			srv.HandshakeTimeout = 30 * time.Second
			srv.Version = "warroom"
			return nil
		},
	)
	if err != nil {
		s.feed.Close()
		s.admin.Close()
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Serve accepts sessions on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// ListenAndServe listens on Config.Addr.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Close ends every session (each records its logout, for up to a few
// seconds), then the feed and the pool.
func (s *Server) Close() error {
	err := s.ssh.Close()
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	s.feed.Close()
	s.admin.Close()
	s.pool.Close()
	return err
}

// Loads is how many snapshot loads the sessions have run (each shared by
// every session of the same person that needed it: tui.LoadShare).
func (s *Server) Loads() int64 { return s.share.Loads() }

// Sessions is how many sessions are open.
func (s *Server) Sessions() int { return int(s.active.Load()) }

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, time.Now().UTC().Format("2006-01-02T15:04:05Z")+" "+format+"\n", args...)
}

// authorize admits a key the authorized-keys file names a person for, when
// the authenticator may act for that person.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	name, ok := s.cfg.Keys.Lookup(key)
	if !ok {
		s.logf("refused %s from %s: key not in %s", fp, ctx.RemoteAddr(), s.cfg.Keys.Path)
		return false
	}
	if _, err := access.LookupPerson(ctx, s.admin, name); err != nil {
		s.logf("refused %s from %s: %v", fp, ctx.RemoteAddr(), err)
		return false
	}
	return true
}

// session runs one console.
func (s *Server) session(sess ssh.Session) {
	s.sessions.Add(1)
	defer s.sessions.Done()
	key := sess.PublicKey()
	if key == nil {
		return
	}
	fp := gossh.FingerprintSHA256(key)
	name, ok := s.cfg.Keys.Lookup(key)
	if !ok {
		return
	}
	ctx := sess.Context()
	person, err := access.LookupPerson(ctx, s.admin, name)
	if err != nil {
		fmt.Fprintf(sess.Stderr(), "warroom: %v\r\n", err)
		_ = sess.Exit(1)
		return
	}
	pty, winCh, isPty := sess.Pty()
	if !isPty {
		fmt.Fprint(sess.Stderr(), "warroom: the console needs a terminal (ssh -t)\r\n")
		_ = sess.Exit(1)
		return
	}
	if n := s.active.Add(1); s.cfg.MaxSessions > 0 && n > int64(s.cfg.MaxSessions) {
		s.active.Add(-1)
		s.logf("refused %s (%s): %d sessions open, the most allowed", person.Name, fp, s.cfg.MaxSessions)
		fmt.Fprintf(sess.Stderr(), "warroom: the server has %d sessions open, the most it allows; try again later\r\n", s.cfg.MaxSessions)
		_ = sess.Exit(1)
		return
	}
	defer s.active.Add(-1)

	handle := s.pool.As(person.Name)
	defer handle.Close()
	var id int64
	if err := handle.GetContext(ctx, &id, `SELECT warroom_serve_login($1, $2)`, fp, sess.RemoteAddr().String()); err != nil {
		s.logf("refused %s (%s): %v", person.Name, fp, err)
		fmt.Fprintf(sess.Stderr(), "warroom: %s\r\n", textsafe.SanitizeLine(db.MapError(err).Error()))
		_ = sess.Exit(1)
		return
	}
	s.logf("login %s (%s, %s) from %s, session %d", person.Name, person.Role, fp, sess.RemoteAddr(), id)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := &activityReader{r: sess}
	in.touch()
	envs := append(sess.Environ(), "TERM="+pty.Term)
	p := tui.NewProgram(runCtx, handle, tui.Options{IncidentSlug: s.cfg.IncidentSlug, ReadOnly: person.Role == "viewer",
		Share: s.share, ShareAs: person.Name},
		tea.WithInput(in), tea.WithOutput(sess), tea.WithEnvironment(envs),
		tea.WithColorProfile(colorprofile.Env(envs)),
		tea.WithWindowSize(pty.Window.Width, pty.Window.Height),
		tea.WithFPS(s.cfg.FPS),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok { // no job control over SSH
				return tea.ResumeMsg{}
			}
			return msg
		}))
	sub := s.subscribe(p)
	defer s.unsubscribe(sub)

	var idle atomic.Bool
	go func() {
		var tick <-chan time.Time
		if s.cfg.IdleTimeout > 0 {
			t := time.NewTicker(min(s.cfg.IdleTimeout/4, time.Second))
			defer t.Stop()
			tick = t.C
		}
		for {
			select {
			case <-runCtx.Done():
				return
			case w := <-winCh:
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			case <-tick:
				if in.since() >= s.cfg.IdleTimeout {
					idle.Store(true)
					p.Quit()
					return
				}
			}
		}
	}()
	_, runErr := p.Run()
	p.Kill()
	cancel()

	reason := "quit"
	switch {
	case idle.Load():
		reason = "idle"
		fmt.Fprintf(sess, "\r\nwarroom: closed after %s without a key press\r\n", s.cfg.IdleTimeout)
	case ctx.Err() != nil:
		reason = "disconnected"
	case runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled):
		reason = "error: " + runErr.Error()
	}
	// The session's context may be gone: the logout gets a moment of its own.
	lctx, lcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer lcancel()
	if _, err := handle.ExecContext(lctx, `SELECT warroom_serve_logout($1, $2)`, id, reason); err != nil {
		s.logf("logout of %s, session %d, not recorded: %v", person.Name, id, err)
	}
	s.logf("logout %s, session %d (%s)", person.Name, id, reason)
	_ = sess.Exit(0)
}

// activityReader is the session's input, noting when the person last typed.
type activityReader struct {
	r    io.Reader
	last atomic.Int64
}

func (a *activityReader) Read(b []byte) (int, error) {
	n, err := a.r.Read(b)
	if n > 0 {
		a.touch()
	}
	return n, err
}

func (a *activityReader) touch() { a.last.Store(time.Now().UnixNano()) }

func (a *activityReader) since() time.Duration { return time.Since(time.Unix(0, a.last.Load())) }

// subscriber is one console's place on the shared feed. The feed never
// waits for a console: deliveries queue here, and one that finds the queue
// full is dropped and replaced by a full reload once the console catches up.
type subscriber struct {
	ch   chan tea.Msg
	lost atomic.Bool
	done chan struct{}
}

const subscriberQueue = 16

func (s *Server) subscribe(p *tea.Program) *subscriber {
	sub := &subscriber{ch: make(chan tea.Msg, subscriberQueue), done: make(chan struct{})}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	go func() {
		for {
			select {
			case <-sub.done:
				return
			case msg := <-sub.ch:
				p.Send(msg)
				if sub.lost.Swap(false) {
					// Stamped now, after what was dropped: sessions that
					// caught up together share the reload.
					p.Send(tui.FeedMsg(db.Event{Reconnected: true, Since: time.Now()}))
				}
			}
		}
	}()
	return sub
}

func (s *Server) unsubscribe(sub *subscriber) {
	s.mu.Lock()
	delete(s.subs, sub)
	s.mu.Unlock()
	close(sub.done)
}

// broadcast hands one feed delivery to every console. A reconnection is
// stamped with when it reached the server, so the sessions' reloads of
// everything may be one shared load (tui.LoadShare) instead of one each.
func (s *Server) broadcast(ev db.Event) {
	if ev.Reconnected && ev.Since.IsZero() {
		ev.Since = time.Now()
	}
	msg := tui.FeedMsg(ev)
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		select {
		case sub.ch <- msg:
		default:
			sub.lost.Store(true)
		}
	}
}

// HostKey reads the server's private key at path, creating an ed25519 key
// there (0600, its directory 0700) when there is none. A key that others
// may read is refused, as sshd refuses one.
func HostKey(path string) (gossh.Signer, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("host key: %w", err)
		}
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("host key: %w", err)
		}
		block, err := gossh.MarshalPrivateKey(priv, "warroom serve host key")
		if err != nil {
			return nil, fmt.Errorf("host key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("host key: %w", err)
		}
		if _, err := f.Write(pem.EncodeToMemory(block)); err != nil {
			f.Close()
			return nil, fmt.Errorf("host key %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("host key %s: %w", path, err)
		}
	case err != nil:
		return nil, fmt.Errorf("host key: %w", err)
	case st.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("host key %s is readable by others (mode %o): chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, nil
}
