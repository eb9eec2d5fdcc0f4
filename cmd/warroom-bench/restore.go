package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
	"warroom/recovery"
)

// RestoreOptions are `warroom-bench restore`'s.
type RestoreOptions struct {
	Factory   *cmdutil.Factory
	Merchants int
	Dir       string
	Keep      bool
	Keyed     bool
}

// restoreDomainNames are the bench's five data domains.
var restoreDomainNames = []string{"orders", "products", "members", "coupons", "pages"}

// newCmdRestore measures a restore counts snapshot at scale beside psql
// \copy of the same file into a bare table.
func newCmdRestore(f *cmdutil.Factory, runF func(*RestoreOptions) error) *cobra.Command {
	opts := &RestoreOptions{Factory: f}
	c := &cobra.Command{
		Use:   "restore [--merchants N] [--dir DIR] [--keep]",
		Short: "Measure a restore counts snapshot (N merchants x 5 domains) and the status read",
		Long: `Generates a restore counts file of N merchants (default 3,000,000) x 5 domains
into DIR, prints psql \copy of it into a bare table beside
'warroom restore counts import' of it (one snapshot: COPY, then the database's
checks, key, attach, audit and totals), the totals refresh on its own, and the
latency of the status read ('restore status --json'), the call list and one
merchant's counts. The incident is removed at the end unless --keep.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			ctx := cmd.Context()
			conn, url, err := openOwner(ctx, f)
			if err != nil {
				return err
			}
			defer conn.Close()
			return runRestoreBench(ctx, f.Out, conn, url, opts)
		},
	}
	c.Flags().IntVar(&opts.Merchants, "merchants", 3_000_000, "merchants to count")
	c.Flags().StringVar(&opts.Dir, "dir", os.TempDir(), "where the generated file goes")
	c.Flags().BoolVar(&opts.Keyed, "keyed", true, "also time psql \\copy into a table with restore_counts' checks and indexes (slow at scale)")
	keepFlag(c, &opts.Keep)
	return silence(c)
}

// writeCountsFile writes n merchants x the five domains, deterministic.
func writeCountsFile(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(15, 2020))
	w.WriteString("merchant_id,domain,expected,restored\n")
	var rows int64
	buf := make([]byte, 0, 64)
	for i := 1; i <= n; i++ {
		for _, d := range restoreDomainNames {
			e := rng.Int64N(5000)
			r := e
			if rng.IntN(10) < 3 {
				r = rng.Int64N(e + 1)
			}
			buf = append(buf[:0], 'M')
			buf = append(buf, fmt.Sprintf("%07d", i)...)
			buf = append(buf, ',')
			buf = append(buf, d...)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, e, 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, r, 10)
			buf = append(buf, '\n')
			w.Write(buf)
			rows++
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return rows, f.Close()
}

// rowRate is rows per second.
func rowRate(rows int64, d time.Duration) float64 { return float64(rows) / d.Seconds() }

func runRestoreBench(ctx context.Context, out io.Writer, conn *sqlx.DB, url string, opts *RestoreOptions) (err error) {
	path := filepath.Join(opts.Dir, "restore-counts.csv")
	t0 := time.Now()
	rows, err := writeCountsFile(path, opts.Merchants)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	fmt.Fprintf(out, "generated %d merchants x %d domains = %d rows in %v\n", opts.Merchants, len(restoreDomainNames), rows,
		time.Since(t0).Round(time.Millisecond))

	slug := "bench-restore-" + time.Now().Format("20060102-150405")
	inc, err := createIncident(ctx, conn, slug, "Benchmark (restore counts)", "Asia/Shanghai")
	if err != nil {
		return err
	}
	var snapshot int64
	defer func() {
		// The snapshot's partition has no key to the incident: it goes first.
		if !opts.Keep && snapshot != 0 {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS restore_counts_s`+strconv.FormatInt(snapshot, 10))
		}
		err = errors.Join(err, cleanup(ctx, out, conn, inc, slug, opts.Keep))
	}()
	fmt.Fprintf(out, "incident %s\n\n", slug)

	// The baseline: psql \copy of the same file into a bare table.
	if _, err := conn.ExecContext(ctx, `DROP TABLE IF EXISTS bench_copy_restore;
		CREATE TABLE bench_copy_restore (merchant_id text, domain text, expected bigint, restored bigint)`); err != nil {
		return db.MapError(err)
	}
	defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_copy_restore`)
	dPsql, err := psqlCopy(ctx, url, "bench_copy_restore", path)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `DROP TABLE bench_copy_restore`); err != nil {
		return db.MapError(err)
	}
	// And into a table with restore_counts' columns, checks and two keys
	// (what a \copy straight into a snapshot's partition would cost).
	var dPsqlKeyed time.Duration
	if opts.Keyed {
		if dPsqlKeyed, err = psqlCopyKeyed(ctx, conn, url, path); err != nil {
			return err
		}
	}
	return runRestoreImport(ctx, out, conn, inc, path, rows, dPsql, dPsqlKeyed, &snapshot, opts)
}

// psqlCopyKeyed times psql \copy of path into a table with restore_counts'
// columns, checks and two indexes.
func psqlCopyKeyed(ctx context.Context, conn *sqlx.DB, url, path string) (time.Duration, error) {
	if _, err := conn.ExecContext(ctx, `
		DROP TABLE IF EXISTS bench_copy_restore_keyed;
		CREATE TABLE bench_copy_restore_keyed (LIKE restore_counts INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
		ALTER TABLE bench_copy_restore_keyed ALTER snapshot_id SET DEFAULT 0, ALTER incident_id SET DEFAULT 0,
			ALTER from_snapshot SET DEFAULT 0, ALTER at SET DEFAULT now();
		CREATE UNIQUE INDEX ON bench_copy_restore_keyed (snapshot_id, merchant_id, domain);
		CREATE INDEX ON bench_copy_restore_keyed (snapshot_id, domain, (expected - restored) DESC, merchant_id)
			WHERE restored < expected`); err != nil {
		return 0, db.MapError(err)
	}
	defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_copy_restore_keyed`)
	d, err := psqlCopy(ctx, url, "bench_copy_restore_keyed (merchant_id, domain, expected, restored)", path)
	if err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, `DROP TABLE bench_copy_restore_keyed`); err != nil {
		return 0, db.MapError(err)
	}
	return d, nil
}

// runRestoreImport imports path as a snapshot of inc and prints it beside
// the \copy times, then the totals, floors and reads.
func runRestoreImport(ctx context.Context, out io.Writer, conn *sqlx.DB, inc int64, path string, rows int64,
	dPsql, dPsqlKeyed time.Duration, snapshot *int64, opts *RestoreOptions) error {
	var res recovery.CountsImport
	if p := os.Getenv("WARROOM_BENCH_CPUPROFILE"); p != "" {
		// The import's own CPU profile (the client side of the COPY).
		pf, err := os.Create(p)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ti := time.Now()
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err = recovery.ImportCounts(ctx, tx, inc, path, f, time.UTC, nil)
		return err
	})
	if err != nil {
		return err
	}
	di := time.Since(ti)
	*snapshot = res.Snapshot
	fmt.Fprintf(out, "psql \\copy into a bare table:  %d rows in %v = %.0f rows/s\n", rows, dPsql.Round(time.Millisecond), rowRate(rows, dPsql))
	if dPsqlKeyed > 0 {
		fmt.Fprintf(out, "psql \\copy into a keyed table: %d rows in %v = %.0f rows/s (restore_counts' checks and two indexes)\n",
			rows, dPsqlKeyed.Round(time.Millisecond), rowRate(rows, dPsqlKeyed))
		fmt.Fprintf(out, "restore counts import:         %d rows in %v = %.0f rows/s; ratio %.2fx a bare \\copy, %.2fx a keyed one (\\copy time / import time)\n",
			res.Rows, di.Round(time.Millisecond), rowRate(res.Rows, di), dPsql.Seconds()/di.Seconds(), dPsqlKeyed.Seconds()/di.Seconds())
	} else {
		fmt.Fprintf(out, "restore counts import:         %d rows in %v = %.0f rows/s; ratio %.2fx a bare \\copy (\\copy time / import time)\n",
			res.Rows, di.Round(time.Millisecond), rowRate(res.Rows, di), dPsql.Seconds()/di.Seconds())
	}
	fmt.Fprintf(out, "                               COPY %v, then checks, key, attach, audit and totals %v\n",
		res.Load.Round(time.Millisecond), res.Commit.Round(time.Millisecond))
	fmt.Fprintf(out, "                               phases after the COPY (s): %s\n", res.Phases)
	fmt.Fprintf(out, "                               merchants with all their data back: %s of %s\n",
		glossary.Count(res.MerchantsComplete), glossary.Count(res.Merchants))

	// The totals on their own, as the import computes them (read-only
	// here): one pass for the sums per domain and the audit digest, then,
	// the file being a census, the merchants still short.
	part := "public.restore_counts_s" + strconv.FormatInt(res.Snapshot, 10)
	tr := time.Now()
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM (SELECT x.domain, count(*), sum(x.expected), sum(x.restored),
		count(*) FILTER (WHERE x.restored < x.expected), sum(hashtext(x.merchant_id)), max(x.at),
		sum(pg_catalog.hash_record_extended(x, 0::bigint)) FROM `+part+` x GROUP BY x.domain) g`); err != nil {
		return db.MapError(err)
	}
	dSums := time.Since(tr)
	tc := time.Now()
	var short int64
	if err := conn.GetContext(ctx, &short, `SELECT count(*) FROM (SELECT merchant_id FROM `+part+`
		WHERE restored < expected GROUP BY merchant_id) m`); err != nil {
		return db.MapError(err)
	}
	dComplete := time.Since(tc)
	fmt.Fprintf(out, "totals (inside the import):    %v (sums per domain with the audit digest %v, merchants still short %v)\n",
		(dSums + dComplete).Round(time.Millisecond), dSums.Round(time.Millisecond), dComplete.Round(time.Millisecond))

	// The floors, on the same rows: the cheapest pass (count) and the
	// cheapest totals (sums per domain, nothing else).
	tf := time.Now()
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM `+part); err != nil {
		return db.MapError(err)
	}
	dCount := time.Since(tf)
	tf = time.Now()
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM (SELECT domain, sum(expected), sum(restored) FROM `+part+`
		GROUP BY domain) g`); err != nil {
		return db.MapError(err)
	}
	dPlain := time.Since(tf)
	fmt.Fprintf(out, "floors on the same rows:       count(*) %v, plain sums per domain %v\n",
		dCount.Round(time.Millisecond), dPlain.Round(time.Millisecond))

	// Reads: mean and worst of repeated calls, as the CLI makes them.
	latency := func(what string, reads int, fn func() error) error {
		var worst, total time.Duration
		for range reads {
			t := time.Now()
			if err := fn(); err != nil {
				return err
			}
			d := time.Since(t)
			total += d
			worst = max(worst, d)
		}
		fmt.Fprintf(out, "%-30s %v mean, %v worst over %d reads\n", what, (total / time.Duration(reads)).Round(time.Microsecond),
			worst.Round(time.Microsecond), reads)
		return nil
	}
	if err := latency("restore status --json:", 50, func() error {
		st, err := recovery.Status(ctx, conn, inc)
		if err == nil {
			err = json.NewEncoder(io.Discard).Encode(st)
		}
		return err
	}); err != nil {
		return err
	}
	if err := latency("restore missing --limit 50:", 20, func() error {
		_, err := recovery.Missing(ctx, conn, inc, "orders", 50)
		return err
	}); err != nil {
		return err
	}
	i := 0
	return latency("merchant restore counts:", 50, func() error {
		i++
		_, err := recovery.MerchantRestore(ctx, conn, inc, fmt.Sprintf("M%07d", 1+(i*7919)%opts.Merchants))
		return err
	})
}
