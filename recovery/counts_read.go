package recovery

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lib/pq"

	"warroom/db"
)

// DomainTotal is one data domain's restoration as of a snapshot.
type DomainTotal struct {
	Domain    string    `db:"domain" json:"domain"`
	Merchants int64     `db:"merchants" json:"merchants"`
	Expected  int64     `db:"expected" json:"expected"`
	Restored  int64     `db:"restored" json:"restored"`
	Short     int64     `db:"short" json:"merchants_short"`
	AsOf      time.Time `db:"as_of" json:"as_of"`
}

// MarshalJSON adds Percent() as "percent", for --json readers: derived
// where it is written, so no reader can leave it unset.
func (d DomainTotal) MarshalJSON() ([]byte, error) {
	type fields DomainTotal // without this method
	return json.Marshal(struct {
		fields
		Percent int `json:"percent"`
	}{fields(d), d.Percent()})
}

// Percent is restored/expected in whole percent, rounded down (100 only
// when everything is back; 100 with nothing expected).
func Percent(restored, expected int64) int {
	if expected <= 0 {
		return 100
	}
	return int(restored * 100 / expected)
}

// Percent of the domain.
func (d DomainTotal) Percent() int { return Percent(d.Restored, d.Expected) }

// Snapshot is one import of counts.
type Snapshot struct {
	ID                int64     `db:"id" json:"id"`
	File              string    `db:"file_name" json:"file"`
	TakenAt           time.Time `db:"taken_at" json:"taken_at"`
	ImportedAt        time.Time `db:"imported_at" json:"imported_at"`
	ImportedBy        string    `db:"imported_by" json:"imported_by"`
	Rows              int64     `db:"rows" json:"rows"`
	Carried           int64     `db:"carried" json:"carried"`
	Merchants         int64     `db:"merchants" json:"merchants"`
	MerchantsComplete int64     `db:"merchants_complete" json:"merchants_complete"`
}

// RestoreStatus is the latest snapshot's totals: what `restore status`
// prints and the console's Restore view draws.
type RestoreStatus struct {
	Snapshot *Snapshot     `json:"snapshot"` // nil before any import
	Domains  []DomainTotal `json:"domains"`
}

const snapshotColumns = `id, file_name, taken_at, imported_at, imported_by, rows, carried, merchants, merchants_complete`

// Status reads the latest snapshot's totals (a handful of rows whatever the
// number of merchants).
func Status(ctx context.Context, q db.Querier, incidentID int64) (RestoreStatus, error) {
	st := RestoreStatus{Domains: []DomainTotal{}}
	var s Snapshot
	err := q.GetContext(ctx, &s, `SELECT `+snapshotColumns+` FROM restore_snapshots
		WHERE incident_id = $1 AND committed ORDER BY id DESC LIMIT 1`, incidentID)
	if err = db.MapError(err); db.IsNotFound(err) {
		return st, nil
	} else if err != nil {
		return st, err
	}
	st.Snapshot = &s
	err = q.SelectContext(ctx, &st.Domains, `SELECT domain, merchants, expected, restored, short, as_of
		FROM restore_totals WHERE snapshot_id = $1 ORDER BY domain`, s.ID)
	return st, db.MapError(err)
}

// CurvePoint is one snapshot's totals, for the curve over time.
type CurvePoint struct {
	Snapshot          int64
	At                time.Time
	Merchants         int64
	MerchantsComplete int64
	Domains           map[string]DomainTotal
}

// Expected and Restored over every domain.
func (p CurvePoint) Sums() (expected, restored int64) {
	for _, d := range p.Domains {
		expected += d.Expected
		restored += d.Restored
	}
	return
}

// Curve is every snapshot's totals, oldest first.
func Curve(ctx context.Context, q db.Querier, incidentID int64) ([]CurvePoint, error) {
	var snaps []Snapshot
	if err := q.SelectContext(ctx, &snaps, `SELECT `+snapshotColumns+` FROM restore_snapshots
		WHERE incident_id = $1 AND committed ORDER BY taken_at, id`, incidentID); err != nil {
		return nil, db.MapError(err)
	}
	var rows []struct {
		Snapshot int64 `db:"snapshot_id"`
		DomainTotal
	}
	if err := q.SelectContext(ctx, &rows, `SELECT snapshot_id, domain, merchants, expected, restored, short, as_of
		FROM restore_totals WHERE incident_id = $1`, incidentID); err != nil {
		return nil, db.MapError(err)
	}
	idx := map[int64]int{}
	out := make([]CurvePoint, len(snaps))
	for i, s := range snaps {
		out[i] = CurvePoint{Snapshot: s.ID, At: s.TakenAt, Merchants: s.Merchants, MerchantsComplete: s.MerchantsComplete,
			Domains: map[string]DomainTotal{}}
		idx[s.ID] = i
	}
	for _, r := range rows {
		if i, ok := idx[r.Snapshot]; ok {
			out[i].Domains[r.Domain] = r.DomainTotal
		}
	}
	return out, nil
}

// MerchantCount is one merchant's count in one domain, as of the latest
// snapshot that named it.
type MerchantCount struct {
	Domain   string    `db:"domain" json:"domain"`
	Expected int64     `db:"expected" json:"expected"`
	Restored int64     `db:"restored" json:"restored"`
	Percent  int       `db:"-" json:"percent"`
	AsOf     time.Time `db:"at" json:"as_of"`
}

// latest is the newest committed snapshot's id and domains (ok false
// before any import): read first, so that the counts query names the
// snapshot, whose table holds the counts.
func latest(ctx context.Context, q db.Querier, incidentID int64) (s struct {
	ID      int64          `db:"id"`
	Domains pq.StringArray `db:"domains"`
}, ok bool, err error) {
	err = db.MapError(q.GetContext(ctx, &s, `SELECT id, domains FROM restore_snapshots
		WHERE incident_id = $1 AND committed ORDER BY id DESC LIMIT 1`, incidentID))
	if db.IsNotFound(err) {
		return s, false, nil
	}
	return s, err == nil, err
}

// MerchantRestore is a merchant's latest counts, by domain (empty before
// any import, or when no snapshot names the merchant): its row of the
// newest snapshot, one count per domain it is counted in.
func MerchantRestore(ctx context.Context, q db.Querier, incidentID int64, merchantID string) ([]MerchantCount, error) {
	out := []MerchantCount{}
	s, ok, err := latest(ctx, q, incidentID)
	if !ok {
		return out, err
	}
	err = q.SelectContext(ctx, &out, `SELECT domain, expected, restored, at FROM warroom_restore_merchant($1, $2)
		ORDER BY domain COLLATE "C"`, s.ID, merchantID)
	for i := range out {
		out[i].Percent = Percent(out[i].Restored, out[i].Expected)
	}
	return out, db.MapError(err)
}

// Short is a merchant still missing data in a domain.
type Short struct {
	MerchantID string    `db:"merchant_id" json:"merchant_id"`
	Name       string    `db:"name" json:"name"`
	Expected   int64     `db:"expected" json:"expected"`
	Restored   int64     `db:"restored" json:"restored"`
	Missing    int64     `db:"missing" json:"missing"`
	AsOf       time.Time `db:"at" json:"as_of"`
	Percent    int       `db:"-" json:"percent"`
}

// Missing lists the merchants still short in domain, worst first (most
// rows missing, then merchant id), at most limit of them.
func Missing(ctx context.Context, q db.Querier, incidentID int64, domain string, limit int) ([]Short, error) {
	if strings.TrimSpace(domain) == "" {
		return nil, db.Invalid("domain", "name one (orders, products, members...)")
	}
	if limit <= 0 {
		return nil, db.Invalid("limit", "%d: want 1 or more", limit)
	}
	out := []Short{}
	s, ok, err := latest(ctx, q, incidentID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("no restore counts yet: warroom restore counts import FILE.csv: %w", db.ErrNotFound)
	}
	pos := 0
	for i, d := range s.Domains {
		if d == strings.TrimSpace(domain) {
			pos = i + 1
		}
	}
	if pos == 0 {
		// A mistyped domain must not read as "nobody is short".
		return nil, db.Invalid("domain", "%q is not counted in the latest snapshot (%d); its domains: %s",
			strings.TrimSpace(domain), s.ID, strings.Join(s.Domains, ", "))
	}
	// A scan of the snapshot's rows (no index per domain: see
	// docs/performance.md for its time at 3M merchants), the worst kept.
	err = q.SelectContext(ctx, &out, `
		SELECT c.merchant_id, COALESCE(m.name, '') AS name, c.expected, c.restored, c.expected - c.restored AS missing, c.at
		FROM warroom_restore_short($2, $3, $4) c
		LEFT JOIN merchants m ON m.incident_id = $1 AND m.merchant_id = c.merchant_id
		ORDER BY c.expected - c.restored DESC, c.merchant_id`, incidentID, s.ID, pos, limit)
	for i := range out {
		out[i].Percent = Percent(out[i].Restored, out[i].Expected)
	}
	return out, db.MapError(err)
}

// Domains is the latest snapshot's domains, sorted.
func Domains(ctx context.Context, q db.Querier, incidentID int64) ([]string, error) {
	st, err := Status(ctx, q, incidentID)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(st.Domains))
	for _, d := range st.Domains {
		out = append(out, d.Domain)
	}
	return out, nil
}

// LinkDomains sets the data domains a milestone's progress is counted
// from (none: typed progress again). Domains are free text, trimmed.
func LinkDomains(ctx context.Context, q db.Querier, incidentID int64, key string, domains []string) ([]string, error) {
	var id int64
	err := q.GetContext(ctx, &id, `SELECT id FROM milestones WHERE incident_id = $1 AND key = $2 AND voided_at IS NULL FOR UPDATE`,
		incidentID, key)
	if err = db.MapError(err); db.IsNotFound(err) {
		return nil, fmt.Errorf("milestone %q: %w", key, db.ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, d := range domains {
		d = strings.TrimSpace(d)
		switch {
		case d == "":
			return nil, db.Invalid("domain", "empty")
		case len([]rune(d)) > MaxDomain:
			return nil, db.Invalid("domain", "longer than %d characters", MaxDomain)
		}
		set[d] = true
	}
	list := make([]string, 0, len(set))
	for d := range set {
		list = append(list, d)
	}
	sort.Strings(list)
	if _, err := q.ExecContext(ctx, `UPDATE milestone_domains SET linked = false, linked_at = now(), linked_by = warroom_actor()
		WHERE milestone_id = $1 AND linked AND NOT (domain = ANY ($2))`, id, pq.Array(list)); err != nil {
		return nil, db.MapError(err)
	}
	if len(list) > 0 {
		if _, err := q.ExecContext(ctx, `INSERT INTO milestone_domains (milestone_id, incident_id, domain)
			SELECT $1, $3, d FROM unnest($2::text[]) d
			ON CONFLICT (milestone_id, domain) DO UPDATE SET linked = true, linked_at = now(), linked_by = warroom_actor()
			WHERE NOT milestone_domains.linked`, id, pq.Array(list), incidentID); err != nil {
			return nil, db.MapError(err)
		}
	}
	return list, nil
}

// countedProgress replaces the typed progress of milestones linked to
// domains by restored/expected of those domains in the latest snapshot
// (0 until a snapshot counts any of them).
func countedProgress(ctx context.Context, q db.Querier, incidentID int64, ms []Milestone) error {
	var links []struct {
		Milestone int64  `db:"milestone_id"`
		Domain    string `db:"domain"`
	}
	if err := q.SelectContext(ctx, &links, `SELECT milestone_id, domain FROM milestone_domains
		WHERE incident_id = $1 AND linked ORDER BY domain`, incidentID); err != nil {
		return db.MapError(err)
	}
	if len(links) == 0 {
		return nil
	}
	st, err := Status(ctx, q, incidentID)
	if err != nil {
		return err
	}
	tot := map[string]DomainTotal{}
	for _, d := range st.Domains {
		tot[d.Domain] = d
	}
	byID := map[int64][]string{}
	for _, l := range links {
		byID[l.Milestone] = append(byID[l.Milestone], l.Domain)
	}
	for i := range ms {
		doms := byID[ms[i].ID]
		if len(doms) == 0 {
			continue
		}
		var e, r int64
		counted := false
		for _, d := range doms {
			if t, ok := tot[d]; ok {
				e, r, counted = e+t.Expected, r+t.Restored, true
			}
		}
		ms[i].Domains = doms
		ms[i].Typed = ms[i].Progress
		ms[i].Progress = 0
		if counted {
			ms[i].Progress = Percent(r, e)
		}
	}
	return nil
}
