package report

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"warroom/db"
	"warroom/incident"
)

// BenchmarkReport times a whole report (Gather, then render) of an existing
// incident beside a baseline in the same process and database: one
// aggregate scan of the incident's claims (count and sums), the least any
// report that states the claims' totals must read. Make a million-merchant
// incident with `go run ./cmd/warroom-bench --keep`, then:
//
//	REPORT_BENCH_DB=postgres://... REPORT_BENCH_INCIDENT=bench-... \
//	  go test -run '^$' -bench BenchmarkReport -benchtime 3x ./report/
//
// Without the two variables there is nothing to measure and it skips
// (benchmarks are not part of the test suite).
func BenchmarkReport(b *testing.B) {
	url, slug := os.Getenv("REPORT_BENCH_DB"), os.Getenv("REPORT_BENCH_INCIDENT")
	if url == "" || slug == "" {
		b.Skip("set REPORT_BENCH_DB and REPORT_BENCH_INCIDENT (an incident from go run ./cmd/warroom-bench --keep)")
	}
	ctx := context.Background()
	conn, err := db.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	inc, err := incident.BySlug(ctx, conn, slug)
	if err != nil {
		b.Fatal(err)
	}
	var claims int64
	baseline := func() time.Duration {
		start := time.Now()
		var sum, paid int64
		err := conn.QueryRowxContext(ctx, `SELECT count(*), COALESCE(sum(amount_fen), 0)::bigint, COALESCE(sum(paid_fen), 0)::bigint
			FROM claims WHERE incident_id = $1`, inc.ID).Scan(&claims, &sum, &paid)
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for _, format := range []struct {
		name   string
		render func(io.Writer, *Report) error
	}{{"html", HTML}, {"md", Markdown}} {
		b.Run(format.name, func(b *testing.B) {
			var base, report time.Duration
			for b.Loop() {
				b.StopTimer()
				base += baseline()
				b.StartTimer()
				start := time.Now()
				r, err := Gather(ctx, conn, inc, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				if err := format.render(io.Discard, r); err != nil {
					b.Fatal(err)
				}
				report += time.Since(start)
			}
			b.ReportMetric(float64(claims), "claims")
			b.ReportMetric(base.Seconds()/float64(b.N), "baseline-s/op")
			b.ReportMetric(report.Seconds()/base.Seconds(), "x-baseline")
		})
	}
}
