package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
	"warroom/tui"
)

// LiveOptions are `warroom-bench live`'s.
type LiveOptions struct {
	Factory  *cmdutil.Factory
	Consoles []int
	Updates  int
	Keep     bool
}

// newCmdLive measures live propagation: commit -> every console's model
// updated, beside raw NOTIFY -> receive measured in the same run.
func newCmdLive(f *cmdutil.Factory, runF func(*LiveOptions) error) *cobra.Command {
	opts := &LiveOptions{Factory: f}
	var consoles string
	c := &cobra.Command{
		Use:   "live [--consoles 1,10,50] [--updates N] [--keep]",
		Short: "Measure commit -> console update latency with N live consoles, beside raw listeners",
		Long: `For each console count N, three phases on the same database:
  notify  N plain LISTEN connections receive bare NOTIFYs (no row written);
  raw     N plain LISTEN connections on warroom's own channel receive the
          notifications of a writer's milestone updates (PostgreSQL's floor
          for that very write, WAL flush included);
  tui     N headless consoles (the real console model in a real Bubble Tea
          program with no terminal or renderer, each with its own change
          feed; they draw nothing, as 50 people's consoles draw on 50
          machines: one console's frame time is reported apart) receive the
          same kind of writes.
Prints p50/p99 per receiver and of the last of the N receivers, timed from
just before the write (the NOTIFY, or the writer's COMMIT), with the tui p99
over the raw and the bare-NOTIFY p99.
Writes go to a new incident named bench-live-<time>, created resolved (no
console opens it by default) and removed at the end unless --keep.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Consoles = nil
			for _, s := range strings.Split(consoles, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || n < 1 {
					return cmdutil.UsageError("--consoles: %q is not a positive number", s)
				}
				opts.Consoles = append(opts.Consoles, n)
			}
			if opts.Updates < 2 {
				return cmdutil.UsageError("--updates must be at least 2")
			}
			if runF != nil {
				return runF(opts)
			}
			ctx := cmd.Context()
			conn, url, err := openOwner(ctx, f)
			if err != nil {
				return err
			}
			defer conn.Close()
			return runBenchLive(ctx, f.Out, conn, db.WithLibpqDefaults(url), opts)
		},
	}
	c.Flags().StringVar(&consoles, "consoles", "1,10,50", "comma-separated console counts")
	c.Flags().IntVar(&opts.Updates, "updates", 200, "updates measured per console count")
	keepFlag(c, &opts.Keep)
	return silence(c)
}

// benchWarmup updates are made but not counted: first loads, cold caches.
const benchWarmup = 5

// benchGap separates updates so each one meets quiet feeds: the feed sends
// the first change of a burst at once and batches the rest for a window,
// and this measures the latency of a lone change, not a burst's.
const benchGap = tui.FeedWindow + 10*time.Millisecond

// latencies are one phase's samples: per receiver, and per update the
// slowest receiver (what "every console updated" waits for).
// commit is the writer's COMMIT itself (it waits for the WAL flush, which
// a bare NOTIFY does not).
// gcs counts the garbage collections during the phase.
type latencies struct {
	each, all, commit, frame []time.Duration
	gcs                      uint32
}

// record waits for each of n receivers to report update k, made at t0,
// and keeps each latency and the slowest, unless k is a warm-up.
func (l *latencies) record(k, n int, t0 time.Time, who string, wait func(i int) (time.Time, error)) error {
	var slowest time.Duration
	for i := range n {
		at, err := wait(i)
		if err != nil {
			return fmt.Errorf("%s %d: %w", who, i, err)
		}
		d := at.Sub(t0)
		slowest = max(slowest, d)
		if k >= benchWarmup {
			l.each = append(l.each, d)
		}
	}
	if k >= benchWarmup {
		l.all = append(l.all, slowest)
	}
	return nil
}

func runBenchLive(ctx context.Context, out io.Writer, conn *sqlx.DB, dsn string, opts *LiveOptions) (err error) {
	ns, updates := opts.Consoles, opts.Updates
	slug := fmt.Sprintf("bench-live-%d", time.Now().Unix())
	var inc int64
	err = db.Write(ctx, conn, "bench", func(tx *sqlx.Tx) error {
		if inc, err = createIncident(ctx, tx, slug, "Live propagation benchmark", "UTC"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO milestones (incident_id, key, title, position)
			VALUES ($1, 'bench', 'Bench milestone', 1)`, inc)
		return err
	})
	if err != nil {
		return db.MapError(err)
	}
	defer func() { err = errors.Join(err, cleanup(ctx, out, conn, inc, slug, opts.Keep)) }()
	var maxConns int
	if err := conn.GetContext(ctx, &maxConns, `SELECT current_setting('max_connections')::int`); err != nil {
		return db.MapError(err)
	}
	fmt.Fprintf(out, "incident %s; %d updates per run after %d warm-up; %v between updates; feed window %v\n",
		slug, updates, benchWarmup, benchGap, tui.FeedWindow)
	fmt.Fprintf(out, "%-9s %-6s %9s %9s %9s %9s %8s %11s %11s %11s %10s %4s\n", "consoles", "", "p50", "p99", "all p50", "all p99",
		"p99/raw", "p99/notify", "commit p50", "commit p99", "frame p50", "GCs")
	for _, n := range ns {
		bare, err := benchNotify(ctx, conn, dsn, n, updates)
		if err != nil {
			return fmt.Errorf("bare NOTIFY with %d listeners: %w", n, err)
		}
		raw, err := benchRawCommit(ctx, conn, dsn, inc, n, updates)
		if err != nil {
			return fmt.Errorf("raw listeners of the same commits, %d of them: %w", n, err)
		}
		// Consoles share one pool here (separate processes would each have
		// their own); it is sized to leave room for the n feeds.
		pool := min(n, max(1, maxConns-n-10))
		live, err := benchConsoles(ctx, conn, dsn, slug, inc, n, pool, updates)
		if err != nil {
			return fmt.Errorf("%d consoles: %w", n, err)
		}
		np99, rp99, lp99 := percentile(bare.each, 99), percentile(raw.each, 99), percentile(live.each, 99)
		row := func(label string, l latencies) string {
			return fmt.Sprintf("%-9s %-6s %9s %9s %9s %9s", "", label, ms(percentile(l.each, 50)), ms(percentile(l.each, 99)),
				ms(percentile(l.all, 50)), ms(percentile(l.all, 99)))
		}
		fmt.Fprintf(out, "%-9d%s\n", n, row("notify", bare)[9:])
		fmt.Fprintf(out, "%s %8s %11.1fx %11s %11s\n", row("raw", raw), "", float64(rp99)/float64(np99),
			ms(percentile(raw.commit, 50)), ms(percentile(raw.commit, 99)))
		fmt.Fprintf(out, "%s %7.1fx %11.1fx %11s %11s %10s %4d\n", row("tui", live), float64(lp99)/float64(rp99), float64(lp99)/float64(np99),
			ms(percentile(live.commit, 50)), ms(percentile(live.commit, 99)), ms(percentile(live.frame, 50)), live.gcs)
	}
	fmt.Fprintf(out, "(p50/p99: each receiver's latency; all: to the last of the N receivers.\n"+
		" notify: a bare NOTIFY -> N plain listeners; it writes no row, so its commit has no WAL flush to wait for.\n"+
		" raw: N plain listeners on warroom's channel get the notification of the writer's milestone update,\n"+
		" timed from just before its COMMIT (which waits for the WAL flush: commit p50/p99) to receipt.\n"+
		" tui: the same writes, timed from just before COMMIT to each of N consoles' models holding the new row;\n"+
		" p99/raw is what warroom's feed, bridge and model add to PostgreSQL's delivery of that write.\n"+
		" The consoles draw nothing here (each would draw on its own machine); frame is one console's\n"+
		" View() after an update, which a screen adds to the model's latency. The N consoles share one heap\n"+
		" here; GOGC is raised for them to the room N console processes' heaps would have (GCs: collections).)\n")
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100 // nearest rank
	return s[max(0, min(len(s), i)-1)]
}

// rawNote is one notification as a plain listener received it.
type rawNote struct {
	at    time.Time
	extra string
}

// rawListeners starts n plain pq listeners on channel, each feeding its own
// channel of notifications stamped on receipt; close stops them.
func rawListeners(ctx context.Context, conn *sqlx.DB, dsn, channel string, n int) (got []chan rawNote, closeAll func(), err error) {
	var listeners []*pq.Listener
	closeAll = func() {
		for _, l := range listeners {
			l.Close()
		}
	}
	for range n {
		l := pq.NewListener(dsn, 100*time.Millisecond, time.Second, nil)
		listeners = append(listeners, l)
		if err := l.Listen(channel); err != nil {
			closeAll()
			return nil, nil, err
		}
		ch := make(chan rawNote, 64)
		got = append(got, ch)
		go func() {
			for note := range l.Notify {
				if note != nil {
					ch <- rawNote{at: time.Now(), extra: note.Extra}
				}
			}
		}()
	}
	if err := waitListening(ctx, conn, n); err != nil {
		closeAll()
		return nil, nil, err
	}
	return got, closeAll, nil
}

// benchNotify: n plain listeners on a channel of their own; each bare
// NOTIFY is timed from just before the statement (which commits it, with no
// row and so no WAL flush to wait for) to receipt.
func benchNotify(ctx context.Context, conn *sqlx.DB, dsn string, n, updates int) (latencies, error) {
	const channel = "warroom_bench_raw"
	got, closeAll, err := rawListeners(ctx, conn, dsn, channel, n)
	if err != nil {
		return latencies{}, err
	}
	defer closeAll()
	var lat latencies
	for k := range updates + benchWarmup {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, strconv.Itoa(k)); err != nil {
			return lat, err
		}
		err := lat.record(k, n, t0, "listener", func(i int) (time.Time, error) {
			select {
			case note := <-got[i]:
				return note.at, nil
			case <-time.After(10 * time.Second):
				return time.Time{}, errors.New("missed a notification")
			}
		})
		if err != nil {
			return lat, err
		}
		time.Sleep(benchGap)
	}
	return lat, nil
}

// benchRawCommit: n plain listeners on the channel the change triggers
// publish on, while the writer commits the very milestone updates the
// consoles get. Each is timed like a console, from just before the
// writer's COMMIT to the receipt of that commit's milestones notification:
// PostgreSQL's own floor for this write, which warroom's feed, bridge and
// model then add to.
func benchRawCommit(ctx context.Context, conn *sqlx.DB, dsn string, inc int64, n, updates int) (latencies, error) {
	got, closeAll, err := rawListeners(ctx, conn, dsn, db.Channel, n)
	if err != nil {
		return latencies{}, err
	}
	defer closeAll()
	var lat latencies
	for k := range updates + benchWarmup {
		t0, v, err := benchCommit(ctx, conn, inc, k%101)
		if err != nil {
			return lat, err
		}
		if k >= benchWarmup {
			lat.commit = append(lat.commit, time.Since(t0))
		}
		if err := lat.record(k, n, t0, "listener", func(i int) (time.Time, error) {
			return waitMilestoneNote(got[i], v)
		}); err != nil {
			return lat, err
		}
		time.Sleep(benchGap)
	}
	return lat, nil
}

// waitMilestoneNote waits for the milestones notification of version v
// (or a later one), skipping the commit's other notifications.
func waitMilestoneNote(ch <-chan rawNote, v int) (time.Time, error) {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case note := <-ch:
			var c db.Change // the payload the feed decodes
			if json.Unmarshal([]byte(note.extra), &c) == nil && c.Table == "milestones" && c.Version >= v {
				return note.at, nil
			}
		case <-timeout:
			return time.Time{}, fmt.Errorf("never received version %d", v)
		}
	}
}

// waitListening waits until n sessions of this database are listening.
func waitListening(ctx context.Context, conn *sqlx.DB, n int) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var got int
		if err := conn.GetContext(ctx, &got, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query ILIKE 'listen%'`); err != nil {
			return db.MapError(err)
		}
		if got >= n {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("only some of %d listeners connected in 30 s", n)
}

// applied is a console reporting the milestone version its model now shows.
type applied struct {
	version int
	at      time.Time
}

// benchProbe is the console model, reporting each new milestone version
// once the model holding it has been returned from Update: the moment the
// new data is in the model, not when its notification arrived.
//
// It draws nothing. Bubble Tea asks a program without a renderer for its
// View all the same, after every message; fifty consoles drawing fifty
// frames on this machine's cores would make each wait for the others'
// frames, which fifty people's consoles draw on fifty machines. The first
// console times one frame after each update instead (frames), reported
// beside the latencies.
type benchProbe struct {
	tui.Model
	seen   *int
	out    chan<- applied
	frames chan<- time.Duration // nil but for the first console
}

func (p benchProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd := p.Model.Update(msg)
	p.Model = nm.(tui.Model)
	if s := p.Model.Snapshot(); s != nil && len(s.Milestones) > 0 && s.Milestones[0].Version != *p.seen {
		*p.seen = s.Milestones[0].Version
		p.out <- applied{version: *p.seen, at: time.Now()}
		if p.frames != nil {
			t0 := time.Now()
			_ = p.Model.View()
			select {
			case p.frames <- time.Since(t0):
			default:
			}
		}
	}
	return p, cmd
}

func (p benchProbe) View() tea.View { return tea.NewView("") }

func benchConsoles(ctx context.Context, conn *sqlx.DB, dsn, slug string, inc int64, n, poolSize, updates int) (lat latencies, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pool, err := db.Open(ctx, dsn)
	if err != nil {
		return latencies{}, err
	}
	defer pool.Close()
	pool.SetMaxOpenConns(poolSize)
	pool.SetMaxIdleConns(poolSize)

	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs first: stops the programs before waiting on them
	reports := make([]chan applied, n)
	frames := make(chan time.Duration, updates+benchWarmup+16)
	for i := range n {
		reports[i] = make(chan applied, updates+benchWarmup+16)
		probe := benchProbe{Model: tui.New(pool, tui.Options{IncidentSlug: slug}), seen: new(int), out: reports[i]}
		if i == 0 {
			probe.frames = frames
		}
		p := tea.NewProgram(probe,
			tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(),
			tea.WithWindowSize(120, 40), tea.WithoutSignals())
		feed, err := tui.Listen(dsn, p.Send)
		if err != nil {
			return latencies{}, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer feed.Close()
			_, _ = p.Run()
		}()
	}
	if err := waitListening(ctx, conn, n); err != nil {
		return latencies{}, err
	}
	// Every console's first load is in before the clock starts.
	var version int
	for i := range n {
		select {
		case a := <-reports[i]:
			version = a.version
		case <-time.After(30 * time.Second):
			return latencies{}, errors.New("a console never loaded")
		}
	}
	defer debug.SetGCPercent(debug.SetGCPercent(consolesGCPercent(n)))
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	defer func() {
		runtime.ReadMemStats(&ms1)
		lat.gcs = ms1.NumGC - ms0.NumGC
	}()
	for k := range updates + benchWarmup {
		progress := k % 101
		t0, v, err := benchCommit(ctx, conn, inc, progress)
		if err != nil {
			return lat, err
		}
		if k >= benchWarmup {
			lat.commit = append(lat.commit, time.Since(t0)) // benchCommit returns when COMMIT does
		}
		if v <= version {
			return lat, fmt.Errorf("version went from %d to %d", version, v)
		}
		version = v
		if err := lat.record(k, n, t0, "console", func(i int) (time.Time, error) {
			return waitVersion(reports[i], v)
		}); err != nil {
			return lat, err
		}
		time.Sleep(benchGap)
	}
	for {
		select {
		case d := <-frames:
			lat.frame = append(lat.frame, d)
		default:
			return lat, nil
		}
	}
}

// consolesGCPercent is the GOGC that gives n consoles sharing this
// process's heap about the room to allocate between collections that n
// console processes have: each has a heap of its own, which Go lets grow to
// 4 MB before collecting at all. In one heap the collector would run about
// n times as often for the same work, stopping all n consoles at once each
// time, which n processes on n laptops never do.
//
// Each process's 4 MB includes its own live heap, so the room is n x 4 MB
// less the live heap all n hold here.
func consolesGCPercent(n int) int {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	const floor = 4 << 20 // the Go runtime's minimum heap goal, per process
	live := max(ms.HeapAlloc, 1)
	room := uint64(n) * floor
	if room <= live {
		return 100
	}
	return max(100, int(100*(room-live)/live))
}

// benchCommit sets the bench milestone's progress in one transaction and
// returns the moment just before COMMIT and the new version.
func benchCommit(ctx context.Context, conn *sqlx.DB, inc int64, progress int) (time.Time, int, error) {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return time.Time{}, 0, db.MapError(err)
	}
	defer tx.Rollback()
	if err := db.SetActor(ctx, tx, "bench"); err != nil {
		return time.Time{}, 0, err
	}
	status := "in_progress"
	ms, err := recovery.Set(ctx, tx, inc, recovery.Change{Key: "bench", Progress: &progress, Status: &status, Note: "bench"})
	if err != nil {
		return time.Time{}, 0, err
	}
	t0 := time.Now()
	return t0, ms.Version, db.MapError(tx.Commit())
}

// waitVersion waits for a console to report version v (or a later one).
func waitVersion(ch <-chan applied, v int) (time.Time, error) {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case a := <-ch:
			if a.version >= v {
				return a.at, nil
			}
		case <-timeout:
			return time.Time{}, fmt.Errorf("never showed version %d", v)
		}
	}
}
