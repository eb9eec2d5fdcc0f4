package recovery

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"warroom/compensation"
	"warroom/db"
)

// Restore counts: how much of each merchant's data, per domain (orders,
// products, members...), is back. Every import is a snapshot, kept; the
// latest count per merchant and domain wins (migration 00022). A snapshot
// is a table of its own, one row per merchant, a column per count by domain
// position (migration 00036).

// CountColumns is the header a counts file must have; CountColumnsAt adds
// the time each row was counted.
var (
	CountColumns   = []string{"merchant_id", "domain", "expected", "restored"}
	CountColumnsAt = []string{"merchant_id", "domain", "expected", "restored", "at"}
)

// MaxDomain is the longest domain name, in characters.
const MaxDomain = 64

// MaxDomains is how many domains one snapshot may count, those carried
// from the previous one included: the totals pass reads every domain as
// columns of one query, and PostgreSQL allows 1,664 (migration 00031); a
// table at most 1,600 columns, four per domain (00036).
const MaxDomains = 200

// CountsImport says what an import of restore counts did.
type CountsImport struct {
	File              string    `json:"file"`
	SHA256            string    `json:"sha256"`
	Snapshot          int64     `json:"snapshot"`
	Rows              int64     `json:"rows"`
	Carried           int64     `json:"carried"`
	Merchants         int64     `json:"merchants"`
	MerchantsComplete int64     `json:"merchants_complete"`
	TakenAt           time.Time `json:"taken_at"`
	AlreadyImported   bool      `json:"already_imported"`
	ImportedAt        time.Time `json:"imported_at"`
	// Load is the time to the end of the COPY; Commit the database's
	// checks, keys, carry, seal, audit and totals after it (the bench
	// prints both).
	Load, Commit time.Duration `json:"-"`
	// Phases is the commit's own time per phase, in seconds, as the
	// database measured it (JSON: totals, key, carry, seal, ...).
	Phases string `json:"-"`
}

type countRow struct {
	merchant, domain   string
	expected, restored int64
	at                 time.Time
	line               int
}

var timeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}

// parseCountTime reads an at field: RFC 3339, or a date and time without a
// zone, taken in loc.
func parseCountTime(s string, loc *time.Location) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// copyUnsafe says whether s holds a tab, line break or backslash, which
// COPY's text format would need escaped (a byte loop: strings.ContainsAny
// took about a seventh of the import's client CPU in a profile).
func copyUnsafe(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\r', '\n', '\\':
			return true
		}
	}
	return false
}

// trimSpace is strings.TrimSpace, with a shortcut for the usual field
// that starts and ends with a printable ASCII byte (15M lines: four calls
// a line were a tenth of the import's parsing).
func trimSpace(s string) string {
	if n := len(s); n > 0 && s[0] > ' ' && s[0] < 0x7f && s[n-1] > ' ' && s[n-1] < 0x7f {
		return s
	}
	return strings.TrimSpace(s)
}

// parseCountNumber reads a count: a whole number, 0 or more, spaces
// around it allowed. Up to 18 plain digits are read here; anything else
// (a sign, more digits) as strconv.ParseInt reads it.
func parseCountNumber(s string) (int64, bool) {
	s = trimSpace(s)
	if len(s) == 0 || len(s) > 18 {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0
	}
	var n int64
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			n, err := strconv.ParseInt(s, 10, 64)
			return n, err == nil && n >= 0
		}
		n = n*10 + int64(d)
	}
	return n, true
}

func parseCount(withAt bool, loc *time.Location) compensation.ParseFunc[countRow] {
	return func(rows []countRow, rec []string, line int) ([]countRow, error) {
		bad := func(field, format string, args ...any) ([]countRow, error) {
			return rows, &compensation.ImportError{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
		}
		r := countRow{merchant: trimSpace(rec[0]), domain: trimSpace(rec[1]), line: line}
		switch {
		case r.merchant == "":
			return bad("merchant_id", "empty")
		case copyUnsafe(r.merchant):
			return bad("merchant_id", "contains a tab, backslash or line break")
		case r.domain == "":
			return bad("domain", "empty (orders, products, members...)")
		case copyUnsafe(r.domain):
			return bad("domain", "contains a tab, backslash or line break")
		case len(r.domain) > MaxDomain && utf8.RuneCountInString(r.domain) > MaxDomain:
			return bad("domain", "longer than %d characters", MaxDomain)
		}
		var ok bool
		if r.expected, ok = parseCountNumber(rec[2]); !ok {
			return bad("expected", "%q: want a whole number, 0 or more", rec[2])
		}
		if r.restored, ok = parseCountNumber(rec[3]); !ok {
			return bad("restored", "%q: want a whole number, 0 or more", rec[3])
		}
		if r.restored > r.expected {
			return bad("restored", "%d is more than the %d expected", r.restored, r.expected)
		}
		if withAt {
			s := strings.TrimSpace(rec[4])
			if s == "" {
				return append(rows, r), nil // no time of its own: the import's, as without the column
			}
			t, ok := parseCountTime(s, loc)
			if !ok {
				return bad("at", "%q: want a time like 2020-02-28 09:00 or 2020-02-28T09:00:00+08:00", rec[4])
			}
			if y := t.UTC().Year(); y < 1 || y > 9999 {
				return bad("at", "%q: want a year from 1 to 9999", rec[4])
			}
			r.at = t
		}
		return append(rows, r), nil
	}
}

// countsHeader reads r's first record to tell which header it has; r is
// rewound.
func countsHeader(name string, r io.ReadSeeker) ([]string, error) {
	cr := csv.NewReader(bufio.NewReader(io.LimitReader(r, compensation.MaxRecordBytes)))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if _, serr := r.Seek(0, io.SeekStart); serr != nil {
		return nil, fmt.Errorf("%s: %w", name, serr)
	}
	cols := CountColumns
	if err == nil && len(rec) == len(CountColumnsAt) {
		cols = CountColumnsAt
	}
	return cols, nil // a bad header is reported by the reader, with its line
}

// ImportCounts loads a counts CSV (merchant_id,domain,expected,restored[,at])
// into the incident as one snapshot, inside the caller's transaction: a
// COPY into the snapshot's own table of one row per merchant (a merchant's
// consecutive lines pivoted, countsPivot; countsCopy), then the database
// checks and totals, keys (merging a merchant named in two runs of lines),
// carries the previous snapshot's other counts, seals and audits
// (warroom_restore_commit). Any bad row returns an *ImportError naming
// file, line and field; the caller's rollback then leaves nothing behind.
// Times without a zone are read in loc. The same file imported again is
// recognised and changes nothing.
func ImportCounts(ctx context.Context, q db.Querier, incidentID int64, name string, r io.ReadSeeker, loc *time.Location, progress compensation.Progress) (CountsImport, error) {
	res := CountsImport{File: name}
	t0 := time.Now()
	cols, err := countsHeader(name, r)
	if err != nil {
		return res, err
	}
	withAt := len(cols) == len(CountColumnsAt)
	sum, err := compensation.HashFile(ctx, name, r)
	if err != nil {
		return res, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	res.SHA256 = sum
	var staged struct {
		ID   int64          `db:"snapshot_id"`
		Part sql.NullString `db:"part"`
		At   time.Time      `db:"imported_at"`
	}
	if err := q.GetContext(ctx, &staged, `SELECT snapshot_id, part, imported_at FROM warroom_restore_stage($1, $2, $3, NULL)`,
		incidentID, name, sum); err != nil {
		return res, db.MapError(err)
	}
	res.Snapshot = staged.ID
	if !staged.Part.Valid {
		// The snapshot that file made, as it was recorded.
		res.AlreadyImported = true
		err := q.QueryRowxContext(ctx, `SELECT rows, carried, merchants, merchants_complete, taken_at, imported_at
			FROM restore_snapshots WHERE id = $1`, staged.ID).
			Scan(&res.Rows, &res.Carried, &res.Merchants, &res.MerchantsComplete, &res.TakenAt, &res.ImportedAt)
		return res, db.MapError(err)
	}
	if loc == nil {
		loc = time.UTC
	}
	cp := newCountsCopy(ctx, q, staged.ID, staged.Part.String, withAt)
	lines := 0
	pv := newCountsPivot(name, withAt, cp.add)
	err = compensation.ReadCSV(ctx, name, r, cols, progress, parseCount(withAt, loc), func(rows []countRow) error {
		for _, c := range rows {
			if err := pv.add(c); err != nil {
				return err
			}
		}
		lines += len(rows)
		return nil
	})
	if err == nil {
		err = pv.flush()
	}
	if err != nil {
		cp.abort()
		return res, err
	}
	if lines == 0 {
		// A snapshot of nothing would only move "as of" to now.
		return res, &compensation.ImportError{File: name, Line: 1, Reason: "no counts after the header: a snapshot needs at least one"}
	}
	if err := cp.end(); err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	res.Load = time.Since(t0)
	t1 := time.Now()
	var s struct {
		Rows              int64     `db:"rows"`
		Carried           int64     `db:"carried"`
		Merchants         int64     `db:"merchants"`
		MerchantsComplete int64     `db:"merchants_complete"`
		TakenAt           time.Time `db:"taken_at"`
		ImportedAt        time.Time `db:"imported_at"`
	}
	err = q.GetContext(ctx, &s, `SELECT rows, carried, merchants, merchants_complete, taken_at, imported_at
		FROM warroom_restore_commit($1, $2, $3)`, staged.ID, withAt, pq.Array(pv.domains))
	if err != nil {
		err = db.MapError(err)
		var me *db.MappedError
		if errors.As(err, &me) && me.PG.Constraint == "restore_counts_key" {
			if dup := findDuplicate(ctx, name, r, cols, me.PG.Detail); dup != nil {
				return res, dup
			}
		}
		return res, err
	}
	res.Commit = time.Since(t1)
	if err := q.GetContext(ctx, &res.Phases, `SELECT COALESCE(current_setting('warroom.restore_phases', true), '')`); err != nil {
		return res, db.MapError(err)
	}
	res.Rows, res.Carried, res.Merchants, res.MerchantsComplete = s.Rows, s.Carried, s.Merchants, s.MerchantsComplete
	res.TakenAt, res.ImportedAt = s.TakenAt, s.ImportedAt
	return res, nil
}

// dupKey reads the pair from the message warroom_restore_commit raises for
// a merchant counted twice for one domain (in the words of 00022's key:
// "Key (merchant_id, domain)=(M1, orders) already exists.").
var dupKey = regexp.MustCompile(`\((?:snapshot_id, )?merchant_id, domain\)=\((?:\d+, )?(.*), (.*)\) (?:already exists|is duplicated)`)

// findDuplicate turns the database's "counted twice" into file:line: the
// second line naming the pair the unique key refused, and the first.
func findDuplicate(ctx context.Context, name string, r io.ReadSeeker, cols []string, detail string) error {
	m := dupKey.FindStringSubmatch(detail)
	if m == nil {
		return nil
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil
	}
	// An id holding ", " may be cut in the wrong place: the pair is then
	// matched by no row, and the database's own message (naming the pair)
	// is what the caller reports.
	merchant, domain := m[1], m[2]
	first := 0
	var found error
	errStop := errors.New("stop")
	err := compensation.ReadCSV(ctx, name, r, cols, nil, parseCount(len(cols) == len(CountColumnsAt), time.UTC), func(rows []countRow) error {
		for _, c := range rows {
			if c.merchant != merchant || c.domain != domain {
				continue
			}
			if first == 0 {
				first = c.line
				continue
			}
			found = &compensation.ImportError{File: name, Line: c.line, Field: "merchant_id",
				Reason: fmt.Sprintf("%s is counted for %s already on line %d", merchant, domain, first)}
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil
	}
	return found
}
