package recovery_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"warroom/db/dbtest"
	"warroom/recovery"
)

// latestCounts is every named merchant's latest counts, as merchant show
// reads them, with the snapshot's totals.
func latestCounts(t *testing.T, conn *sqlx.DB, inc int64, merchants ...string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, m := range merchants {
		mc, err := recovery.MerchantRestore(ctx, conn, inc, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range mc {
			fmt.Fprintf(&b, "%s %s %d/%d %s\n", m, c.Domain, c.Restored, c.Expected, c.AsOf.UTC().Format(time.RFC3339))
		}
	}
	st, err := recovery.Status(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	if st.Snapshot != nil {
		fmt.Fprintf(&b, "merchants %d complete %d rows %d carried %d\n", st.Snapshot.Merchants, st.Snapshot.MerchantsComplete,
			st.Snapshot.Rows, st.Snapshot.Carried)
	}
	for _, d := range st.Domains {
		fmt.Fprintf(&b, "%s %d merchants %d/%d short %d\n", d.Domain, d.Merchants, d.Restored, d.Expected, d.Short)
	}
	return b.String()
}

// A file whose merchants are not grouped (a merchant's lines apart) is
// the same snapshot as the grouped file: the database merges its rows.
func TestCountsFileNotGroupedByMerchant(t *testing.T) {
	at := func(lines string) string { // the same time on every line
		return "merchant_id,domain,expected,restored,at\n" + strings.ReplaceAll(lines, "\n", ",2020-02-25 10:00\n")
	}
	grouped := at("M1,orders,10,4\nM1,pages,3,3\nM1,members,5,5\n" +
		"M2,orders,7,7\nM2,pages,2,2\n" +
		"M3,members,9,1\n")
	scattered := at("M1,orders,10,4\nM2,orders,7,7\nM3,members,9,1\n" +
		"M1,pages,3,3\nM2,pages,2,2\nM1,members,5,5\n")
	var got [2]string
	for i, body := range []string{grouped, scattered} {
		conn := dbtest.New(t)
		inc := newIncident(t, conn)
		if _, err := importCounts(t, conn, inc, "c.csv", body); err != nil {
			t.Fatalf("file %d: %v", i, err)
		}
		got[i] = latestCounts(t, conn, inc, "M1", "M2", "M3")
	}
	if got[0] != got[1] || !strings.Contains(got[0], "merchants 3 complete 1 rows 6 carried 0") ||
		!strings.Contains(got[0], "M1 members 5/5") {
		t.Fatalf("grouped\n%s\nnot grouped\n%s", got[0], got[1])
	}
}

// A merchant counted twice for one domain is refused with both lines,
// whether the two lines are next to each other or apart.
func TestCountsTwiceForOneDomainNamesBothLines(t *testing.T) {
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	for _, c := range []struct{ body, want string }{
		{"merchant_id,domain,expected,restored\nM1,orders,3,1\nM1,pages,1,1\nM1,orders,5,5\n",
			"c.csv:4: merchant_id: M1 is counted for orders already on line 2"},
		{"merchant_id,domain,expected,restored\nM1,orders,3,1\nM2,orders,1,1\nM1,pages,1,1\nM2,pages,1,1\nM1,orders,5,5\n",
			"c.csv:6: merchant_id: M1 is counted for orders already on line 2"},
	} {
		if _, err := importCounts(t, conn, inc, "c.csv", c.body); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.body, err, c.want)
		}
	}
}

// Snapshots naming different domains, in a different order: each keeps
// the counts the file does not name from the snapshot before, with their
// own time, through more than one snapshot.
func TestCountsCarryAcrossDomainSets(t *testing.T) {
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	steps := []struct{ body, want string }{
		{"merchant_id,domain,expected,restored,at\n" +
			"M1,orders,10,5,2020-02-25 10:00\nM1,products,4,4,2020-02-25 10:00\n" +
			"M2,products,6,1,2020-02-25 11:00\n",
			"M1 orders 5/10 2020-02-25T10:00:00Z\nM1 products 4/4 2020-02-25T10:00:00Z\n" +
				"M2 products 1/6 2020-02-25T11:00:00Z\n" +
				"merchants 2 complete 0 rows 3 carried 0\n" +
				"orders 1 merchants 5/10 short 1\nproducts 2 merchants 5/10 short 1\n"},
		// Another domain first, M1's orders again, M3 new: M1's
		// products and M2 are carried.
		{"merchant_id,domain,expected,restored,at\n" +
			"M1,members,8,8,2020-02-26 09:00\nM1,orders,10,10,2020-02-26 09:00\n" +
			"M3,members,2,0,2020-02-26 09:30\n",
			"M1 members 8/8 2020-02-26T09:00:00Z\nM1 orders 10/10 2020-02-26T09:00:00Z\nM1 products 4/4 2020-02-25T10:00:00Z\n" +
				"M2 products 1/6 2020-02-25T11:00:00Z\n" +
				"M3 members 0/2 2020-02-26T09:30:00Z\n" +
				"merchants 3 complete 1 rows 3 carried 2\n" +
				"members 2 merchants 8/10 short 1\norders 1 merchants 10/10 short 0\nproducts 2 merchants 5/10 short 1\n"},
		// Only M2's products: everything else carried again, M1's
		// products still as of the first snapshot.
		{"merchant_id,domain,expected,restored,at\nM2,products,6,6,2020-02-27 08:00\n",
			"M1 members 8/8 2020-02-26T09:00:00Z\nM1 orders 10/10 2020-02-26T09:00:00Z\nM1 products 4/4 2020-02-25T10:00:00Z\n" +
				"M2 products 6/6 2020-02-27T08:00:00Z\n" +
				"M3 members 0/2 2020-02-26T09:30:00Z\n" +
				"merchants 3 complete 2 rows 1 carried 4\n" +
				"members 2 merchants 8/10 short 1\norders 1 merchants 10/10 short 0\nproducts 2 merchants 10/10 short 0\n"},
	}
	for i, s := range steps {
		if _, err := importCounts(t, conn, inc, fmt.Sprintf("s%d.csv", i), s.body); err != nil {
			t.Fatalf("snapshot %d: %v", i+1, err)
		}
		if got := latestCounts(t, conn, inc, "M1", "M2", "M3"); got != s.want {
			t.Fatalf("snapshot %d:\n%s\nwant\n%s", i+1, got, s.want)
		}
	}
	short, err := recovery.Missing(context.Background(), conn, inc, "members", 10)
	if err != nil || len(short) != 1 || short[0].MerchantID != "M3" || short[0].Missing != 2 {
		t.Fatalf("missing members %+v %v", short, err)
	}
}

// Migrations 00031 and 00036 turn each snapshot into one row per merchant
// (arrays, then a table of its own) and back, the counts read the same
// every way.
func TestCountsMigrationPerMerchantAndBack(t *testing.T) {
	testMigrationAndBack(t)
}

func testMigrationAndBack(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn)
	for i, body := range []string{
		"merchant_id,domain,expected,restored,at\nM1,orders,10,5,2020-02-25 10:00\nM1,pages,4,4,2020-02-25 10:00\nM2,pages,6,1,2020-02-25 11:00\n",
		"merchant_id,domain,expected,restored,at\nM3,members,2,0,2020-02-26 09:00\nM1,orders,10,10,2020-02-26 09:00\n",
	} {
		if _, err := importCounts(t, conn, inc, fmt.Sprintf("s%d.csv", i), body); err != nil {
			t.Fatal(err)
		}
	}
	before := latestCounts(t, conn, inc, "M1", "M2", "M3")
	p, err := goose.NewProvider(goose.DialectPostgres, conn.DB, os.DirFS("../db/migrations"),
		goose.WithTableName("warroom_schema_version"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 30); err != nil {
		t.Fatalf("down to 00030: %v", err)
	}
	longForm := func() string {
		return dbtest.Get[string](t, conn, `SELECT string_agg(format('%s %s %s %s/%s %s %s', snapshot_id, merchant_id, domain, restored,
			expected, from_snapshot, at), ', ' ORDER BY snapshot_id, merchant_id, domain) FROM restore_counts`)
	}
	long := longForm()
	if want := "1 M1 orders 5/10 1 2020-02-25 10:00:00+00, 1 M1 pages 4/4 1 2020-02-25 10:00:00+00, 1 M2 pages 1/6 1 2020-02-25 11:00:00+00, " +
		"2 M1 orders 10/10 2 2020-02-26 09:00:00+00, 2 M1 pages 4/4 1 2020-02-25 10:00:00+00, 2 M2 pages 1/6 1 2020-02-25 11:00:00+00, " +
		"2 M3 members 0/2 2 2020-02-26 09:00:00+00"; long != want {
		t.Fatalf("down:\n%s\nwant\n%s", long, want)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if after := latestCounts(t, conn, inc, "M1", "M2", "M3"); after != before {
		t.Fatalf("after down and up:\n%s\nbefore:\n%s", after, before)
	}
	// Down once more: the same rows, snapshot of origin and time included.
	if _, err := p.DownTo(ctx, 30); err != nil {
		t.Fatalf("down to 00030 again: %v", err)
	}
	if again := longForm(); again != long {
		t.Fatalf("down, up and down:\n%s\nfirst down:\n%s", again, long)
	}
}
