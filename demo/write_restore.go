package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"warroom/db"
	"warroom/recovery"
)

// The demo's restore counts: one snapshot a day from 02-25 to 03-03, as
// the public account tells it. The core business data (orders, products,
// members) came back first; coupons and the micro-site pages followed from
// 02-26; about 70% of the data was found
// by 02-28; all of it was back by 03-03 09:00. Each merchant and domain
// gets a fixed draw: it is back in full once its domain's level passes
// the draw, partly (half the level) before that, so each merchant's count
// only grows and the last snapshot has everything back.

// restoreDomains are the domains counted, each with the range of a
// merchant's expected rows and its level at each snapshot (basis points).
var restoreDomains = []struct {
	name     string
	min, max int64
	levels   []int
}{
	{"orders", 200, 6000, []int{1500, 3000, 4500, 6300, 8800, 9600, 10000}},
	{"products", 20, 600, []int{2000, 3500, 5000, 6600, 9000, 9700, 10000}},
	{"members", 50, 3000, []int{1800, 3200, 4600, 6200, 8800, 9600, 10000}},
	{"coupons", 0, 60, []int{0, 800, 2500, 5000, 8200, 9500, 10000}},
	{"pages", 1, 40, []int{0, 500, 2000, 4500, 8000, 9400, 10000}},
}

// restoreSnapshotTimes are the snapshots' times, in the incident's zone.
var restoreSnapshotTimes = []string{
	"2020-02-25 12:00", "2020-02-26 12:00", "2020-02-27 12:00", "2020-02-28 20:00",
	"2020-03-01 20:00", "2020-03-02 12:00", "2020-03-03 09:00",
}

// restoreLinks are the milestones whose progress the demo counts.
var restoreLinks = map[string][]string{"data-retrieval": {"orders", "products", "members", "coupons", "pages"}}

// restoreFiles are the snapshots as counts files, deterministic from the
// population's seed.
func restoreFiles(seed [2]uint64, pop []merchant) [][]byte {
	rng := rand.New(rand.NewPCG(seed[0]^0x7265, seed[1]^0x73746f))
	type cell struct {
		expected int64
		draw     int // basis points
	}
	cells := make([][]cell, len(pop))
	for i := range pop {
		cells[i] = make([]cell, len(restoreDomains))
		for j, d := range restoreDomains {
			cells[i][j] = cell{expected: d.min + rng.Int64N(d.max-d.min+1), draw: rng.IntN(10000)}
		}
	}
	out := make([][]byte, len(restoreSnapshotTimes))
	for k, at := range restoreSnapshotTimes {
		var b bytes.Buffer
		b.WriteString("merchant_id,domain,expected,restored,at\n")
		for i, m := range pop {
			for j, d := range restoreDomains {
				level := d.levels[k]
				c := cells[i][j]
				restored := c.expected * int64(level) / 20000 // partly back: half the level
				if c.draw < level*9/10 || level == 10000 {
					restored = c.expected
				}
				b.WriteString(m.MerchantID)
				b.WriteByte(',')
				b.WriteString(d.name)
				b.WriteByte(',')
				b.WriteString(strconv.FormatInt(c.expected, 10))
				b.WriteByte(',')
				b.WriteString(strconv.FormatInt(restored, 10))
				b.WriteByte(',')
				b.WriteString(at)
				b.WriteByte('\n')
			}
		}
		out[k] = b.Bytes()
	}
	return out
}

// insertRestore imports the snapshots as `warroom restore counts import`
// would, and links the demo's milestones to their domains.
func insertRestore(ctx context.Context, q db.Querier, incidentID int64, d dataSet, pop []merchant, s *Summary) error {
	loc, err := time.LoadLocation(d.Incident.TimeZone)
	if err != nil {
		return err
	}
	for k, file := range restoreFiles(d.Population.Seed, pop) {
		name := fmt.Sprintf("restore-counts-%s.csv", restoreSnapshotTimes[k][:10])
		if _, err := recovery.ImportCounts(ctx, q, incidentID, name, bytes.NewReader(file), loc, nil); err != nil {
			return fmt.Errorf("restore counts: %w", err)
		}
		s.RestoreSnapshots++
	}
	for key, domains := range restoreLinks {
		if _, err := recovery.LinkDomains(ctx, q, incidentID, key, domains); err != nil {
			return fmt.Errorf("restore counts: %w", err)
		}
	}
	return nil
}
