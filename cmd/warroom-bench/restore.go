package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
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
checks and totals, key, attach, audit), the totals pass on its own, and the
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
	c.Flags().BoolVar(&opts.Keyed, "keyed", true, "also time psql \\copy of the same counts, one row per merchant, into a table of a snapshot's shape with its key")
	keepFlag(c, &opts.Keep)
	return silence(c)
}

// writeCountsFile writes n merchants x the five domains, deterministic,
// and, when wide is not "", the same counts one row per merchant
// (merchant_id,e1,r1,e2,r2,...), as the import sends them.
func writeCountsFile(path, wide string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	var ww *bufio.Writer
	if wide != "" {
		fw, err := os.Create(wide)
		if err != nil {
			return 0, err
		}
		defer fw.Close()
		ww = bufio.NewWriterSize(fw, 1<<20)
		ww.WriteString("merchant_id")
		for i := range restoreDomainNames {
			fmt.Fprintf(ww, ",e%d,r%d", i+1, i+1)
		}
		ww.WriteString("\n")
	}
	rng := rand.New(rand.NewPCG(15, 2020))
	w.WriteString("merchant_id,domain,expected,restored\n")
	var rows int64
	buf := make([]byte, 0, 64)
	var row []byte
	for i := 1; i <= n; i++ {
		row = fmt.Appendf(row[:0], "M%07d", i)
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
			row = append(row, ',')
			row = strconv.AppendInt(row, e, 10)
			row = append(row, ',')
			row = strconv.AppendInt(row, r, 10)
		}
		if ww != nil {
			ww.Write(append(row, '\n'))
		}
	}
	if ww != nil {
		if err := ww.Flush(); err != nil {
			return 0, err
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
	wide := ""
	if opts.Keyed {
		wide = filepath.Join(opts.Dir, "restore-counts-wide.csv")
		defer os.Remove(wide)
	}
	t0 := time.Now()
	rows, err := writeCountsFile(path, wide, opts.Merchants)
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
		// The snapshot's table has no key to the incident: it goes first.
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
	// And the same counts, one row per merchant, into a table of a
	// snapshot's shape created in the same transaction (FREEZE), then
	// keyed: what the import's COPY and key cost without the client.
	var dPsqlKeyed time.Duration
	if opts.Keyed {
		if dPsqlKeyed, err = psqlCopyWide(ctx, conn, url, wide); err != nil {
			return err
		}
	}
	return runRestoreImport(ctx, out, conn, inc, path, rows, dPsql, dPsqlKeyed, &snapshot, opts)
}

// psqlCopyWide times, in one psql transaction: a table of a snapshot's
// shape as the import's COPY finds it (migration 00036: merchant_id and
// expected and restored per domain), \copy of the one-row-per-merchant
// file into it WITH FREEZE, and its key on merchant_id.
func psqlCopyWide(ctx context.Context, conn *sqlx.DB, url, path string) (time.Duration, error) {
	if _, err := conn.ExecContext(ctx, `DROP TABLE IF EXISTS bench_copy_restore_wide`); err != nil {
		return 0, db.MapError(err)
	}
	defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_copy_restore_wide`)
	cols, copied := "", ""
	for i := range restoreDomainNames {
		cols += fmt.Sprintf(", e%[1]d bigint, r%[1]d bigint", i+1)
		copied += fmt.Sprintf(", e%[1]d, r%[1]d", i+1)
	}
	args := []string{"-X", "-q", "-1", "-v", "ON_ERROR_STOP=1",
		"-c", `CREATE TABLE bench_copy_restore_wide (merchant_id text COLLATE "C" NOT NULL` + cols + `)`,
		"-c", fmt.Sprintf(`\copy bench_copy_restore_wide (merchant_id%s) FROM '%s' WITH (FORMAT csv, HEADER true, FREEZE true)`, copied, path),
		"-c", `CREATE UNIQUE INDEX ON bench_copy_restore_wide (merchant_id)`}
	if url != "" {
		args = append([]string{"-d", db.WithLibpqDefaults(url)}, args...)
	}
	t := time.Now()
	if out, err := exec.CommandContext(ctx, "psql", args...).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("psql \\copy of the wide file: %v: %s", err, out)
	}
	return time.Since(t), nil
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
		fmt.Fprintf(out, "psql \\copy one row per merchant: %d merchants in %v (FREEZE into a table of a snapshot's shape, then its key)\n",
			opts.Merchants, dPsqlKeyed.Round(time.Millisecond))
		fmt.Fprintf(out, "restore counts import:         %d rows in %v = %.0f rows/s; ratio %.2fx a bare \\copy, %.2fx the per-merchant one (\\copy time / import time)\n",
			res.Rows, di.Round(time.Millisecond), rowRate(res.Rows, di), dPsql.Seconds()/di.Seconds(), dPsqlKeyed.Seconds()/di.Seconds())
	} else {
		fmt.Fprintf(out, "restore counts import:         %d rows in %v = %.0f rows/s; ratio %.2fx a bare \\copy (\\copy time / import time)\n",
			res.Rows, di.Round(time.Millisecond), rowRate(res.Rows, di), dPsql.Seconds()/di.Seconds())
	}
	fmt.Fprintf(out, "                               COPY %v, then checks and totals, key, seal, audit digest %v\n",
		res.Load.Round(time.Millisecond), res.Commit.Round(time.Millisecond))
	fmt.Fprintf(out, "                               phases after the COPY (s): %s\n", res.Phases)
	fmt.Fprintf(out, "                               merchants with all their data back: %s of %s\n",
		glossary.Count(res.MerchantsComplete), glossary.Count(res.Merchants))

	// The totals on their own, as the import computes them (read-only
	// here): the one pass that checks the rows and gives the totals per
	// domain and the merchants with all their data back.
	part := "public.restore_counts_s" + strconv.FormatInt(res.Snapshot, 10)
	pass := func(check bool) (time.Duration, int64, error) {
		t := time.Now()
		var merchants int64
		err := conn.GetContext(ctx, &merchants, `SELECT t.merchants FROM restore_snapshots s,
			warroom_restore_totals($1, s.id, s.incident_id, s.domains, s.taken_at, $3) t WHERE s.id = $2`, part, res.Snapshot, check)
		return time.Since(t), merchants, db.MapError(err)
	}
	dPass, merchants, err := pass(true)
	if err != nil {
		return err
	}
	dUnchecked, _, err := pass(false)
	if err != nil {
		return err
	}
	// And the audit's digest of the same rows, its own statement.
	var digestSQL string
	if err := conn.GetContext(ctx, &digestSQL, `SELECT warroom_audit_rows_sql($1, 'NULL::bigint')`, part); err != nil {
		return db.MapError(err)
	}
	td := time.Now()
	var dn, dlo, dhi sql.NullInt64
	var body string
	if err := conn.QueryRowContext(ctx, digestSQL).Scan(&dn, &dlo, &dhi, &body); err != nil {
		return db.MapError(err)
	}
	dDigest := time.Since(td)
	fmt.Fprintf(out, "totals pass again after commit: %v (checks, totals per domain, merchants complete: one pass over %d rows); %v without the checks\n",
		dPass.Round(time.Millisecond), merchants, dUnchecked.Round(time.Millisecond))
	fmt.Fprintf(out, "audit digest again:            %v (the audit entry's row count and sum of row hashes, its own pass)\n",
		dDigest.Round(time.Millisecond))

	// The floors, on the same rows: the cheapest pass (count) and the
	// cheapest totals (plain sums per domain position, nothing else).
	tf := time.Now()
	var n int64
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM `+part); err != nil {
		return db.MapError(err)
	}
	dCount := time.Since(tf)
	plain := ""
	for i := range restoreDomainNames {
		plain += fmt.Sprintf(", sum(e%[1]d), sum(r%[1]d)", i+1)
	}
	tf = time.Now()
	var sums string
	if err := conn.GetContext(ctx, &sums, `SELECT concat_ws(',', count(*)`+plain+`) FROM `+part); err != nil {
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
