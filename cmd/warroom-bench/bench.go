package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/demo"
	"warroom/internal/cli/cmdutil"
	democmd "warroom/internal/cli/demo"
)

// BenchOptions are `warroom-bench`'s: the compensation engine at scale.
type BenchOptions struct {
	Factory   *cmdutil.Factory
	Merchants int
	Dir       string
	Keep      bool
}

// newCmdBench measures the compensation engine at scale against baselines
// run in the same process and database: psql \copy of the same files, and
// the claims computation as one plain CREATE TABLE AS.
func newCmdBench(f *cmdutil.Factory, runF func(*BenchOptions) error) *cobra.Command {
	opts := &BenchOptions{Factory: f}
	c := &cobra.Command{
		Use:   "warroom-bench [--merchants N] [--dir DIR] [--keep]",
		Short: "Measure imports, claims computation, a rate change and the fund read at scale",
		Long: `Generates N merchants (default 1,000,000) with six days of sales into DIR,
loads them into a new incident named bench-<time> in the database (--db, else
DATABASE_URL, PG* variables or the embedded server, as for warroom), and
prints rows/s for the imports beside psql \copy of the same files, the claims
computation beside a single CREATE TABLE AS, a one-industry rate change, and
the fund read. The incident is created resolved, so no console opens it by
default, and removed at the end unless --keep.`,
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
			return runBench(ctx, f.Out, conn, url, opts)
		},
	}
	c.Flags().IntVar(&opts.Merchants, "merchants", 1_000_000, "merchants to generate")
	c.Flags().StringVar(&opts.Dir, "dir", os.TempDir(), "where the generated files go")
	keepFlag(c, &opts.Keep)
	return silence(c)
}

func runBench(ctx context.Context, out io.Writer, conn *sqlx.DB, url string, opts *BenchOptions) (err error) {
	dir := opts.Dir
	t0 := time.Now()
	st, err := democmd.GenerateFiles(dir, opts.Merchants)
	if err != nil {
		return err
	}
	mPath, sPath := filepath.Join(dir, "merchants.csv"), filepath.Join(dir, "sales.csv")
	fmt.Fprintf(out, "generated %d merchants, %d sales rows in %v\n", st.Merchants, st.SalesRows, time.Since(t0).Round(time.Millisecond))

	// The bench incident: the demo windows, a fund large enough for all.
	slug := "bench-" + time.Now().Format("20060102-150405")
	inc, err := createIncident(ctx, conn, slug, "Benchmark", "Asia/Shanghai")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, cleanup(ctx, out, conn, inc, slug, opts.Keep)) }()
	if _, err := conn.ExecContext(ctx, `INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		VALUES ($1, '2020-02-17T19:00:00+08:00', '2020-02-23T19:00:00+08:00', '2020-02-23T19:00:00+08:00', '2020-03-03T09:00:00+08:00')`, inc); err != nil {
		return db.MapError(err)
	}
	fmt.Fprintf(out, "incident %s\n\n", slug)

	// Baselines: psql \copy of the same files into bare staging tables (no
	// key, index, constraint or trigger: what the issue compares against),
	// and, to show what the constraints themselves cost, into a table with
	// merchants' own columns, defaults, checks, indexes and statement
	// triggers (audit, reference check, notify).
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`
		DROP TABLE IF EXISTS bench_copy_merchants, bench_copy_sales, bench_copy_merchants_full;
		CREATE TABLE bench_copy_merchants (merchant_id text, name text, industry text);
		CREATE TABLE bench_copy_sales (merchant_id text, at timestamptz, amount numeric(14, 2));
		CREATE TABLE bench_copy_merchants_full (LIKE merchants INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
		ALTER TABLE bench_copy_merchants_full ALTER incident_id SET DEFAULT %d;
		CREATE TRIGGER audit_insert AFTER INSERT ON bench_copy_merchants_full REFERENCING NEW TABLE AS new_rows
		    FOR EACH STATEMENT EXECUTE FUNCTION warroom_audit_statement();
		CREATE TRIGGER check_refs AFTER INSERT ON bench_copy_merchants_full REFERENCING NEW TABLE AS new_rows
		    FOR EACH STATEMENT EXECUTE FUNCTION warroom_check_refs();
		CREATE TRIGGER notify_insert AFTER INSERT ON bench_copy_merchants_full REFERENCING NEW TABLE AS changed
		    FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();`, inc)); err != nil {
		return db.MapError(err)
	}
	defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_copy_merchants, bench_copy_sales, bench_copy_merchants_full`)
	psqlM, err := psqlCopy(ctx, url, "bench_copy_merchants", mPath)
	if err != nil {
		return err
	}
	psqlMFull, err := psqlCopy(ctx, url, "bench_copy_merchants_full (merchant_id, name, industry)", mPath)
	if err != nil {
		return err
	}
	psqlS, err := psqlCopy(ctx, url, "bench_copy_sales", sPath)
	if err != nil {
		return err
	}

	mi, dm, si, ds, err := importBoth(ctx, conn, inc, mPath, sPath)
	if err != nil {
		return err
	}
	rate := func(rows int64, d time.Duration) float64 { return float64(rows) / d.Seconds() }
	fmt.Fprintf(out, "merchants import: %d rows in %v = %.0f rows/s; psql \\copy into a bare staging table %v = %.0f rows/s; ratio %.2fx\n",
		mi.Merchants, dm.Round(time.Millisecond), rate(mi.Merchants, dm), psqlM.Round(time.Millisecond), rate(mi.Merchants, psqlM), psqlM.Seconds()/dm.Seconds())
	fmt.Fprintf(out, "                  psql \\copy into a table with merchants' indexes, checks and triggers %v = %.0f rows/s; ratio %.2fx\n",
		psqlMFull.Round(time.Millisecond), rate(mi.Merchants, psqlMFull), psqlMFull.Seconds()/dm.Seconds())
	fmt.Fprintf(out, "sales import:     %d rows in %v = %.0f rows/s; psql \\copy into a bare staging table %v = %.0f rows/s; ratio %.2fx\n",
		si.Rows, ds.Round(time.Millisecond), rate(si.Rows, ds), psqlS.Round(time.Millisecond), rate(si.Rows, psqlS), psqlS.Seconds()/ds.Seconds())

	inds, err := demo.Industries()
	if err != nil {
		return err
	}
	for _, in := range inds {
		if _, err := compensation.SetRate(ctx, conn, inc, in.Name, in.Margin, "bench: demo rates"); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, `ANALYZE merchants, sales_totals, claims`); err != nil {
		return db.MapError(err)
	}

	// Baseline: the same computation as one CREATE TABLE AS (may run in parallel).
	tb := time.Now()
	if _, err := conn.ExecContext(ctx, `
		CREATE TEMP TABLE bench_claims AS
		SELECT m.id, warroom_cash_fen(COALESCE(s.fen, 0), r.percent, 741600, 518400) AS cash
		FROM merchants m
		LEFT JOIN (SELECT merchant_id, sum(baseline_fen)::bigint AS fen FROM sales_totals WHERE incident_id = $1 GROUP BY 1) s ON s.merchant_id = m.id
		LEFT JOIN current_margin_rates r ON r.incident_id = $1 AND r.industry = m.industry
		WHERE m.incident_id = $1`, inc); err != nil {
		return db.MapError(err)
	}
	dbase := time.Since(tb)
	conn.ExecContext(ctx, `DROP TABLE IF EXISTS bench_claims`)
	var comp compensation.Computed
	tc := time.Now()
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
		comp, err = compensation.ComputeClaims(ctx, tx, inc, "")
		return err
	})
	if err != nil {
		return err
	}
	dc := time.Since(tc)
	fmt.Fprintf(out, "claims compute:   %d claims in %v; best single statement (CREATE TEMP TABLE AS, parallel, no index/trigger/audit) %v; ratio %.2fx; first computation %.2fx the statement's time\n",
		comp.Written, dc.Round(time.Millisecond), dbase.Round(time.Millisecond), dbase.Seconds()/dc.Seconds(), dc.Seconds()/dbase.Seconds())

	tr := time.Now()
	var one compensation.Computed
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
		if _, err = compensation.SetRate(ctx, tx, inc, inds[0].Name, inds[0].Margin+10000, "bench: +1 point"); err != nil {
			return err
		}
		one, err = compensation.ComputeClaims(ctx, tx, inc, inds[0].Name)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "rate change:      industry %q: %d claims recomputed in %v\n", inds[0].Name, one.Written, time.Since(tr).Round(time.Millisecond))

	// A million payouts: fund everything, choose, approve and pay in bulk.
	tp := time.Now()
	for _, q := range []string{
		`INSERT INTO contributors (incident_id, name, position, pledged_fen)
		    SELECT $1, 'bench', 1, sum(cash_fen) + 1 FROM claims WHERE incident_id = $1`,
		`UPDATE claims SET plan = 'cash', state = 'approved', chosen_at = now(), approved_at = now()
		    WHERE incident_id = $1 AND cash_fen > 0`,
		`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key)
		    SELECT $1, id, amount_fen, 'bench-' || id FROM claims WHERE incident_id = $1 AND state = 'approved'`,
		`UPDATE claims SET state = 'paid', paid_at = now() WHERE incident_id = $1 AND state = 'approved'`,
	} {
		if _, err := conn.ExecContext(ctx, q, inc); err != nil {
			return db.MapError(err)
		}
	}
	var payouts int64
	conn.GetContext(ctx, &payouts, `SELECT count(*) FROM payouts WHERE incident_id = $1`, inc)
	ownerTook := time.Since(tp)
	fmt.Fprintf(out, "paid:             %d payouts in bulk in %v, as the owner in four plain statements (no guards)\n", payouts, ownerTook.Round(time.Millisecond))

	if err := laterBatch(ctx, out, conn, inc, dir, mPath, sPath); err != nil {
		return err
	}
	if err := financeRuns(ctx, out, conn, url, inc, payouts, ownerTook); err != nil {
		return err
	}
	const reads = 200
	var worst time.Duration
	tf := time.Now()
	for range reads {
		t := time.Now()
		if _, err := compensation.LoadFund(ctx, conn, inc, slug); err != nil {
			return err
		}
		worst = max(worst, time.Since(t))
	}
	fmt.Fprintf(out, "fund read:        %v mean, %v worst over %d reads (LoadFund, as 'warroom fund --json')\n",
		(time.Since(tf) / reads).Round(time.Microsecond), worst.Round(time.Microsecond), reads)
	return nil
}

// psqlCopy times `psql -c "\copy table FROM file CSV HEADER"`.
func psqlCopy(ctx context.Context, url, table, path string) (time.Duration, error) {
	args := []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", fmt.Sprintf(`\copy %s FROM '%s' WITH (FORMAT csv, HEADER true)`, table, path)}
	if url != "" {
		args = append([]string{"-d", db.WithLibpqDefaults(url)}, args...)
	}
	t := time.Now()
	out, err := exec.CommandContext(ctx, "psql", args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("psql \\copy %s: %v: %s", table, err, out)
	}
	return time.Since(t), nil
}

// laterBatch imports the same number of merchants again, under other ids
// ("L" before each), with their sales, into the incident, which has claims
// by now, and computes their claims: what a later batch costs, beside one
// CREATE TABLE AS of the same figures (warroom_claim_figures of the
// merchants without a claim, from the same sales totals) in the same
// database. Both take the incident's windows.
func laterBatch(ctx context.Context, out io.Writer, conn *sqlx.DB, inc int64, dir, mPath, sPath string) error {
	lm, ls := filepath.Join(dir, "later-merchants.csv"), filepath.Join(dir, "later-sales.csv")
	for _, p := range [][2]string{{mPath, lm}, {sPath, ls}} {
		if err := prefixIDs(p[0], p[1], "L"); err != nil {
			return err
		}
	}
	mi, dm, si, ds, err := importBoth(ctx, conn, inc, lm, ls)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "later batch:      %d more merchants imported in %v, %d sales rows in %v (an incident with claims)\n",
		mi.Merchants, dm.Round(time.Millisecond), si.Rows, ds.Round(time.Millisecond))

	w, err := compensation.LoadWindows(ctx, conn, inc)
	if err != nil {
		return err
	}
	// Baselines: the figures of the merchants without a claim, as one
	// CREATE TABLE AS, under the settings the computation runs with: into a
	// logged table, as the goal states it (claims must be durable,
	// so their statement pays the WAL too), and into a temporary one (no
	// WAL at all), the stricter figure printed beside it. Each is rolled
	// back.
	// The batch built in bulk sums only its own merchants' sales (they form
	// a range of ids); the third baseline is that narrower statement as a
	// logged CREATE TABLE AS, printed beside the goal's.
	var lo, hi int64
	if err := conn.QueryRowxContext(ctx, `SELECT COALESCE(min(m.id), 0), COALESCE(max(m.id), 0) FROM merchants m
		WHERE m.incident_id = $1 AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.incident_id = $1 AND c.merchant_id = m.id)`,
		inc).Scan(&lo, &hi); err != nil {
		return db.MapError(err)
	}
	figures := func(kind string) (time.Duration, error) {
		from := `warroom_claim_figures($1, NULL, $2::numeric, $3::numeric) f
				WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.incident_id = $1 AND c.merchant_id = f.merchant_id)`
		args := []any{inc, int64(w.Outage()), int64(w.Baseline())}
		if kind == "range" {
			kind, from, args = "", `warroom_claim_figures($1, NULL, $2::numeric, $3::numeric, $4, $5) f`, append(args, lo, hi)
		}
		var d time.Duration
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			if _, err := tx.ExecContext(ctx, `SELECT set_config('jit', 'off', true), set_config('work_mem', '128MB', true)`); err != nil {
				return err
			}
			tb := time.Now()
			if _, err := tx.ExecContext(ctx, `
				CREATE `+kind+` TABLE bench_later_claims AS SELECT f.* FROM `+from, args...); err != nil {
				return err
			}
			d = time.Since(tb)
			return errRollback
		})
		if errors.Is(err, errRollback) {
			err = nil
		}
		return d, db.MapError(err)
	}
	dtemp, err := figures("TEMP")
	if err != nil {
		return err
	}
	dbase, err := figures("")
	if err != nil {
		return err
	}
	drange, err := figures("range")
	if err != nil {
		return err
	}
	var comp compensation.Computed
	tc := time.Now()
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
		comp, err = compensation.ComputeClaims(ctx, tx, inc, "")
		return err
	})
	if err != nil {
		return err
	}
	dc := time.Since(tc)
	fmt.Fprintf(out, "later compute:    %d new claims in %v; one CREATE TABLE AS of the same figures %v (into a temporary table %v); later batch %.2fx the statement's time (goal at most 2x), %.2fx the temporary table's\n",
		comp.Written, dc.Round(time.Millisecond), dbase.Round(time.Millisecond), dtemp.Round(time.Millisecond),
		dc.Seconds()/dbase.Seconds(), dc.Seconds()/dtemp.Seconds())
	fmt.Fprintf(out, "                  the same figures summing only the batch's merchants' sales (ids %d-%d), as the batch does: CREATE TABLE AS %v; later batch %.2fx its time\n",
		lo, hi, drange.Round(time.Millisecond), dc.Seconds()/drange.Seconds())
	return nil
}

// errRollback ends a baseline's transaction without keeping its table.
var errRollback = errors.New("rollback")

// prefixIDs copies a generated CSV file, every line after the header
// starting with prefix: the same merchants and sales under other ids.
func prefixIDs(from, to, prefix string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	r, w := bufio.NewReaderSize(in, 1<<20), bufio.NewWriterSize(out, 1<<20)
	for n := 0; ; n++ {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			if n > 0 {
				w.WriteString(prefix)
			}
			w.Write(line)
		}
		if err == io.EOF {
			return w.Flush()
		}
		if err != nil {
			return err
		}
	}
}

// importBoth imports the merchants file, then the sales file, into inc, each
// in a transaction of its own as `warroom merchants import` and `warroom
// sales import` do, and times each.
func importBoth(ctx context.Context, conn *sqlx.DB, inc int64, mPath, sPath string) (
	mi compensation.MerchantImport, dm time.Duration, si compensation.SalesImport, ds time.Duration, err error) {
	dm, err = timedImport(ctx, conn, mPath, func(tx *sqlx.Tx, f *os.File) (err error) {
		mi, err = compensation.ImportMerchants(ctx, tx, inc, mPath, f, nil)
		return err
	})
	if err != nil {
		return
	}
	ds, err = timedImport(ctx, conn, sPath, func(tx *sqlx.Tx, f *os.File) (err error) {
		si, err = compensation.ImportSales(ctx, tx, inc, sPath, f, nil)
		return err
	})
	return
}

// timedImport runs one import of the file at path in its own transaction.
func timedImport(ctx context.Context, conn *sqlx.DB, path string, run func(*sqlx.Tx, *os.File) error) (time.Duration, error) {
	t := time.Now()
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return run(tx, f)
	})
	return time.Since(t), err
}
