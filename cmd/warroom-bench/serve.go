package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof" // WARROOM_BENCH_PPROF: the server child's profiles
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"warroom/access"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
	"warroom/serve"
	"warroom/serve/sshclient"
)

// ServeOptions are `warroom-bench serve`'s.
type ServeOptions struct {
	Factory  *cmdutil.Factory
	Sessions int
	Writes   int
	Pool     int
	Keep     bool
	// Floor replaces the console with a one-line program ("tea") or plain
	// writes ("raw"): serve_floor.go.
	Floor string
	// FPS is the server's frame rate cap (0: serve.FPS).
	FPS int
	// Kind is the timeline entry written: "note" (its notification
	// carries the row, which each console applies without a query) or
	// "update" (a stakeholder update moves the header's cadence, so each
	// console reads its timeline again: loads shared per person).
	Kind string
	// Profile, when set, is a directory where the server child writes its
	// CPU, block, mutex and goroutine profiles of the timed writes.
	Profile string
}

// newCmdServe measures `warroom serve`: N real SSH clients with PTYs on one
// server process, one write at a time, timed from COMMIT to every session's
// screen showing it.
func newCmdServe(f *cmdutil.Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{Factory: f}
	c := &cobra.Command{
		Use:   "serve [--sessions N] [--writes K] [--pool P] [--keep]",
		Short: "Measure commit -> every SSH session's screen with N sessions on one `warroom serve`",
		Long: `Starts a warroom serve in a child process (so its memory is its own), as an
authenticator login made for the run (warroom_bench_serve_<random>), on an incident of
its own. N SSH clients (golang.org/x/crypto/ssh, each with an 80x24 PTY drawn
by a terminal emulator) open the console as one person. Then K timeline
entries are written, one at a time, each timed from just before its COMMIT
to the moment each session's emulated screen shows its title.
Reports p50/p99 over every session and write, p50/p99 of the last session
per write, the most connections the authenticator held (pg_stat_activity,
polled every 50 ms, feed included), and the server's heap per idle session
(runtime.MemStats HeapInuse after GC, with N sessions minus with none, over N).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Sessions < 1 || opts.Writes < 1 || opts.Pool < 1 {
				return cmdutil.UsageError("--sessions, --writes and --pool must be at least 1")
			}
			if opts.Kind != "note" && opts.Kind != "update" {
				return cmdutil.UsageError("--kind: note or update")
			}
			if opts.Floor != "" && opts.Floor != "tea" && opts.Floor != "raw" {
				return cmdutil.UsageError("--floor: tea or raw")
			}
			if runF != nil {
				return runF(opts)
			}
			ctx := cmd.Context()
			conn, dsn, err := openOwner(ctx, f)
			if err != nil {
				return err
			}
			defer conn.Close()
			return runBenchServe(ctx, f.Out, conn, dsn, opts)
		},
	}
	c.Flags().IntVar(&opts.Sessions, "sessions", 500, "SSH sessions")
	c.Flags().IntVar(&opts.Writes, "writes", 10, "writes timed, one at a time")
	c.Flags().IntVar(&opts.Pool, "pool", serve.DefaultPoolSize, "the server's pool (the feed holds one more connection)")
	c.Flags().StringVar(&opts.Floor, "floor", "", "measure the floor instead of the console: `tea` (a one-line Bubble Tea program per session) or raw (plain writes to each channel)")
	c.Flags().StringVar(&opts.Kind, "kind", "note", "timeline entry written: `note` (applied from its notification) or update (read again by every console)")
	c.Flags().IntVar(&opts.FPS, "fps", 0, "the server's frame rate cap (default: serve.FPS)")
	c.Flags().StringVar(&opts.Profile, "profile", "", "write the server's CPU, block, mutex and goroutine profiles of the timed writes to `DIR` (go tool pprof DIR/cpu.pprof)")
	keepFlag(c, &opts.Keep)
	return c
}

// benchAuthenticator prefixes the login each run's server connects as
// (one per run: roles are cluster-wide, and runs may overlap).
const benchAuthenticator = "warroom_bench_serve_"

func runBenchServe(ctx context.Context, out io.Writer, conn *sqlx.DB, ownerDSN string, opts *ServeOptions) (err error) {
	raiseFileLimit()
	slug := fmt.Sprintf("bench-serve-%d", time.Now().Unix())
	title := "Serve benchmark" // short enough for the 80-column header
	var inc int64
	err = db.Write(ctx, conn, "bench", func(tx *sqlx.Tx) error {
		inc, err = createIncident(ctx, tx, slug, title, "UTC")
		return err
	})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, cleanup(ctx, out, conn, inc, slug, opts.Keep)) }()

	var person string
	if err := conn.GetContext(ctx, &person, `SELECT name FROM warroom_users WHERE active AND revoked_at IS NULL
		ORDER BY role = 'viewer' DESC, name LIMIT 1`); err != nil {
		return fmt.Errorf("a warroom user for the sessions to act as: %w", db.MapError(err))
	}
	pw, authName := randomHex(16), benchAuthenticator+randomHex(4)
	if err := access.CreateAuthenticator(ctx, conn, authName, pw); err != nil {
		return fmt.Errorf("authenticator: %w", err)
	}
	defer func() {
		c := context.WithoutCancel(ctx)
		_, _ = conn.ExecContext(c, `DROP OWNED BY `+authName)
		_, _ = conn.ExecContext(c, `DROP ROLE `+authName)
	}()
	authDSN, err := withLogin(ownerDSN, authName, pw)
	if err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "warroom-bench-serve")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return err
	}
	keys := filepath.Join(dir, "authorized_keys")
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + person + "\n"
	if err := os.WriteFile(keys, []byte(line), 0o600); err != nil {
		return err
	}

	srv, err := startServeChild(ctx, authDSN, keys, filepath.Join(dir, "host_key"), slug, opts)
	if err != nil {
		return err
	}
	defer srv.stop()
	base, err := srv.mem()
	if err != nil {
		return err
	}

	// The authenticator's connections, polled through the whole run.
	var maxConns atomic.Int64
	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	go func() {
		for pollCtx.Err() == nil {
			var n int64
			if conn.GetContext(pollCtx, &n, `SELECT count(*) FROM pg_stat_activity WHERE usename = $1`, authName) == nil {
				for {
					m := maxConns.Load()
					if n <= m || maxConns.CompareAndSwap(m, n) {
						break
					}
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	fmt.Fprintf(out, "incident %s; %d sessions as %s; server pool %d (+1 feed connection)\n", slug, opts.Sessions, person, opts.Pool)
	t0 := time.Now()
	clients := make([]*sshclient.Client, opts.Sessions)
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.Close()
			}
		}
	}()
	if err := forEach(opts.Sessions, 16, func(i int) error {
		c, err := sshclient.Dial(srv.addr, signer, 80, 24)
		if err != nil {
			return fmt.Errorf("session %d: %w", i, err)
		}
		clients[i] = c
		_, err = c.WaitFor(title, 60*time.Second)
		return err
	}); err != nil {
		return err
	}
	opened := time.Since(t0)
	time.Sleep(2 * time.Second) // first loads done, nothing in flight
	settled, err := srv.cpu()
	if err != nil {
		return err
	}
	if opts.Profile != "" {
		if err := srv.command("profile " + filepath.Join(opts.Profile, "idle")); err != nil {
			return err
		}
	}
	time.Sleep(5 * time.Second) // idle: what N open consoles cost with nothing happening
	if opts.Profile != "" {
		if err := srv.command("profile-stop"); err != nil {
			return err
		}
	}
	idleEnd, err := srv.cpu()
	if err != nil {
		return err
	}
	idleCPU := float64(idleEnd.cpu-settled.cpu) / float64(idleEnd.at.Sub(settled.at))
	idle, err := srv.mem()
	if err != nil {
		return err
	}
	idleConns := maxConns.Load()

	// The baseline, in this process and the same run: a plain listener on
	// warroom's channel receiving the same commits' notifications.
	listener := pq.NewListener(db.WithLibpqDefaults(ownerDSN), time.Second, time.Second, nil)
	defer listener.Close()
	if err := listener.Listen(db.Channel); err != nil {
		return db.MapError(err)
	}
	var each, last, raw []time.Duration
	before, err := srv.cpu()
	if err != nil {
		return err
	}
	selfBefore := selfCPU()
	if opts.Profile != "" {
		if err := srv.command("profile " + opts.Profile); err != nil {
			return err
		}
	}
	for w := range opts.Writes {
		mark := fmt.Sprintf("w%02d-%s", w, randomHex(3))
		seen := make([]time.Time, len(clients))
		var wg sync.WaitGroup
		errs := make(chan error, len(clients))
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				at, err := c.WaitFor(mark, 60*time.Second)
				if err != nil {
					errs <- fmt.Errorf("session %d, write %d: %w", i, w, err)
				}
				seen[i] = at
			}()
		}
		tx, err := conn.BeginTxx(ctx, nil)
		if err != nil {
			return err
		}
		var audience *string
		if opts.Kind == "update" {
			a := "internal"
			audience = &a
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start, audience)
			VALUES ($1, $2, $3, $4, $5)`, inc, opts.Kind, mark, benchStartedAt, audience); err != nil {
			tx.Rollback()
			return db.MapError(err)
		}
		rawAt := make(chan time.Time, 1)
		go func() {
			for n := range listener.Notify {
				if n != nil && strings.Contains(n.Extra, mark) {
					rawAt <- time.Now()
					return
				}
			}
		}()
		commit := time.Now()
		if err := tx.Commit(); err != nil {
			return db.MapError(err)
		}
		select {
		case at := <-rawAt:
			raw = append(raw, at.Sub(commit))
		case <-time.After(30 * time.Second):
			return fmt.Errorf("write %d: no notification in 30 s", w)
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return err
		}
		var worst time.Duration
		for _, at := range seen {
			d := at.Sub(commit)
			each = append(each, d)
			worst = max(worst, d)
		}
		last = append(last, worst)
		time.Sleep(500 * time.Millisecond)
	}
	stopPoll()
	selfAfter := selfCPU()
	after, err := srv.cpu()
	if err != nil {
		return err
	}
	if opts.Profile != "" {
		if err := srv.command("profile-stop"); err != nil {
			return err
		}
		fmt.Fprintf(out, "server profiles of the writes in %s (cpu, block, mutex, goroutine .pprof), of the idle sessions in %s\n",
			opts.Profile, filepath.Join(opts.Profile, "idle"))
	}
	perSession := (int64(idle.heap) - int64(base.heap)) / int64(opts.Sessions)
	fmt.Fprintf(out, "opened %d sessions in %s (each: SSH handshake, PTY, first screen)\n", opts.Sessions, opened.Round(time.Millisecond))
	fmt.Fprintf(out, "commit -> screen, %d writes: p50 %s  p99 %s   last session per write: p50 %s  p99 %s\n",
		opts.Writes, ms(percentile(each, 50)), ms(percentile(each, 99)), ms(percentile(last, 50)), ms(percentile(last, 99)))
	fmt.Fprintf(out, "baseline, commit -> a plain listener in this process: p50 %s  p99 %s\n",
		ms(percentile(raw, 50)), ms(percentile(raw, 99)))
	if opts.Floor == "" {
		fmt.Fprintf(out, "snapshot loads during the writes: %d for %d writes to %d sessions of one person (shared: tui.LoadShare)\n",
			after.loads-before.loads, opts.Writes, opts.Sessions)
	}
	fmt.Fprintf(out, "CPU during the writes (%s): server %s, clients and their emulated screens (this process) %s\n",
		after.at.Sub(before.at).Round(time.Millisecond), (after.cpu - before.cpu).Round(time.Millisecond),
		(selfAfter - selfBefore).Round(time.Millisecond))
	fmt.Fprintf(out, "authenticator connections: at most %d (%d once the sessions were open and idle)\n", maxConns.Load(), idleConns)
	fmt.Fprintf(out, "server heap: %.1f MiB with no session, %.1f MiB with %d idle: %.0f KiB per session; %d goroutines (%d with none)\n",
		mib(base.heap), mib(idle.heap), opts.Sessions, float64(perSession)/1024, idle.goroutines, base.goroutines)
	fmt.Fprintf(out, "server CPU with %d idle sessions: %.0f%% of one core (clocks tick, nothing changes)\n", opts.Sessions, 100*idleCPU)
	return nil
}

// selfCPU is this process's CPU time so far (user + system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withLogin is dsn connecting as user with password.
func withLogin(dsn, user, password string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		u.User = url.UserPassword(user, password)
		return u.String(), nil
	}
	// key=value (or empty: the PG* variables): a later key wins.
	return strings.TrimSpace(dsn + " user=" + quoteKV(user) + " password=" + quoteKV(password)), nil
}

func quoteKV(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`) + "'"
}

// forEach runs fn(0..n-1), at most par at once, and returns the first error.
func forEach(n, par int, fn func(i int) error) error {
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(i); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}

// raiseFileLimit lifts the soft open-file limit to the hard one: each
// session is a socket in this process and one in the server's.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

// serveChild is the server under test, in a process of its own: this
// process's heap holds the clients' emulated screens, the child's only the
// server.
type serveChild struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	addr string
}

type memFigures struct {
	heap       uint64
	goroutines int
	cpu        time.Duration // the server's CPU time so far (user + system)
	loads      int64         // snapshot loads the sessions ran (shared per person)
	at         time.Time
}

func startServeChild(ctx context.Context, dsn, keys, hostKey, slug string, opts *ServeOptions) (*serveChild, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "serve-server", "--dsn", dsn, "--authorized-keys", keys, "--host-key", hostKey,
		"--incident", slug, "--max-sessions", fmt.Sprint(opts.Sessions), "--pool", fmt.Sprint(opts.Pool),
		"--floor", opts.Floor, "--fps", fmt.Sprint(opts.FPS))
	cmd.Stderr = io.Discard
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &serveChild{cmd: cmd, in: in, out: bufio.NewScanner(outPipe)}
	line, err := c.read()
	if err != nil {
		c.stop()
		return nil, err
	}
	addr, ok := strings.CutPrefix(line, "ready ")
	if !ok {
		c.stop()
		return nil, fmt.Errorf("serve child: %s", line)
	}
	c.addr = addr
	return c, nil
}

func (c *serveChild) read() (string, error) {
	if !c.out.Scan() {
		return "", fmt.Errorf("serve child ended: %v", c.out.Err())
	}
	return c.out.Text(), nil
}

// cpu is the child's CPU time so far, without the collections of mem.
func (c *serveChild) cpu() (memFigures, error) { return c.ask("cpu") }

func (c *serveChild) mem() (memFigures, error) { return c.ask("mem") }

func (c *serveChild) ask(what string) (memFigures, error) {
	var m memFigures
	if _, err := io.WriteString(c.in, what+"\n"); err != nil {
		return m, err
	}
	line, err := c.read()
	if err != nil {
		return m, err
	}
	var cpu int64
	_, err = fmt.Sscanf(line, "mem %d %d %d %d", &m.heap, &m.goroutines, &cpu, &m.loads)
	m.cpu, m.at = time.Duration(cpu), time.Now()
	return m, err
}

// command sends the child a line and waits for its "ok".
func (c *serveChild) command(line string) error {
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		return err
	}
	got, err := c.read()
	if err != nil {
		return err
	}
	if got != "ok" {
		return fmt.Errorf("serve child: %s", got)
	}
	return nil
}

func (c *serveChild) stop() {
	c.in.Close()
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}

// newCmdServeServer is the child: a serve.Server on a free port that says
// "ready ADDR", answers "mem" with its heap in use after a collection and
// its goroutines, and stops at the end of its input.
func newCmdServeServer() *cobra.Command {
	var dsn, keys, hostKey, slug, floor string
	var maxSessions, pool, fps int
	c := &cobra.Command{
		Use:    "serve-server",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := serve.LoadAuthorizedKeys(keys)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			var srv *serve.Server
			if floor != "" {
				stop, err := floorServer(floor, dsn, k, hostKey, ln, fps)
				if err != nil {
					fmt.Printf("error %v\n", err)
					return err
				}
				defer stop()
			} else {
				srv, err = serve.New(cmd.Context(), serve.Config{HostKey: hostKey, Keys: k, DSN: dsn, PoolSize: pool,
					MaxSessions: maxSessions, IncidentSlug: slug, FPS: fps})
				if err != nil {
					fmt.Printf("error %v\n", err)
					return err
				}
				defer srv.Close()
				go func() { _ = srv.Serve(ln) }()
			}
			if a := os.Getenv("WARROOM_BENCH_PPROF"); a != "" {
				go func() { _ = http.ListenAndServe(a, nil) }() // profiling the server under test, on request
			}
			fmt.Printf("ready %s\n", ln.Addr())
			in := bufio.NewScanner(os.Stdin)
			var prof *profiling
			for in.Scan() {
				if dir, ok := strings.CutPrefix(in.Text(), "profile "); ok {
					var err error
					if prof, err = startProfiling(dir); err != nil {
						fmt.Printf("error %v\n", err)
					} else {
						fmt.Println("ok")
					}
				}
				if in.Text() == "profile-stop" && prof != nil {
					if err := prof.stop(); err != nil {
						fmt.Printf("error %v\n", err)
					} else {
						fmt.Println("ok")
					}
					prof = nil
				}
				if in.Text() == "mem" || in.Text() == "cpu" {
					if in.Text() == "mem" {
						runtime.GC()
						runtime.GC()
					}
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					var ru syscall.Rusage
					_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
					cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
					var loads int64
					if srv != nil {
						loads = srv.Loads()
					}
					fmt.Printf("mem %d %d %d %d\n", ms.HeapInuse, runtime.NumGoroutine(), cpu, loads)
				}
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&dsn, "dsn", "", "")
	fl.StringVar(&keys, "authorized-keys", "", "")
	fl.StringVar(&hostKey, "host-key", "", "")
	fl.StringVar(&slug, "incident", "", "")
	fl.IntVar(&maxSessions, "max-sessions", 0, "")
	fl.IntVar(&pool, "pool", serve.DefaultPoolSize, "")
	fl.StringVar(&floor, "floor", "", "")
	fl.IntVar(&fps, "fps", 0, "")
	return c
}

// profiling is the server child's profiles of the timed writes: CPU from
// start to stop, blocking and mutex contention sampled in between, and the
// goroutines at the end.
type profiling struct {
	dir string
	cpu *os.File
}

func startProfiling(dir string) (*profiling, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	runtime.SetBlockProfileRate(int(100 * time.Microsecond)) // one sample per 100 µs blocked
	runtime.SetMutexProfileFraction(10)
	return &profiling{dir: dir, cpu: f}, nil
}

func (p *profiling) stop() error {
	pprof.StopCPUProfile()
	err := p.cpu.Close()
	for _, name := range []string{"block", "mutex", "goroutine"} {
		f, ferr := os.Create(filepath.Join(p.dir, name+".pprof"))
		if ferr != nil {
			err = errors.Join(err, ferr)
			continue
		}
		err = errors.Join(err, pprof.Lookup(name).WriteTo(f, 0), f.Close())
	}
	runtime.SetBlockProfileRate(0)
	runtime.SetMutexProfileFraction(0)
	return err
}
