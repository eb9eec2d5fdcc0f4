package compensation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lib/pq"

	"warroom/db"
)

// MerchantImport says what an import of merchants did.
type MerchantImport struct {
	File            string    `json:"file"`
	SHA256          string    `json:"sha256"`
	Merchants       int64     `json:"merchants"`
	AlreadyImported bool      `json:"already_imported"`
	ImportedAt      time.Time `json:"imported_at"`
}

// MerchantColumns is the header a merchants file must have.
var MerchantColumns = []string{"merchant_id", "name", "industry"}

// NormalizeIndustry is how industries are matched to margin rates: trimmed,
// inner spaces collapsed, ASCII letters lower-cased ("Fresh  Food" and
// "fresh food" are one industry).
func NormalizeIndustry(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// ImportMerchants loads a merchants CSV (merchant_id,name,industry) into the
// incident with one COPY, inside the caller's transaction. Any bad row
// returns an *ImportError naming file, line and field; the caller's
// rollback then leaves nothing behind. The same file (by SHA-256) imported
// again is recognised and changes nothing.
func ImportMerchants(ctx context.Context, q db.Querier, incidentID int64, name string, r io.ReadSeeker, progress Progress) (MerchantImport, error) {
	res := MerchantImport{File: name}
	var existing map[string]struct{}
	sum, done, err := claimImport(ctx, q, "merchant_imports", incidentID, name, r, func() (err error) {
		existing, err = merchantCodes(ctx, q, incidentID)
		return err
	})
	if err != nil || done != nil {
		if done != nil {
			res.SHA256, res.AlreadyImported, res.ImportedAt = sum, true, *done
		}
		return res, err
	}
	res.SHA256 = sum
	// Raise work_mem for this transaction: the statement-level triggers
	// read the million-row transition table several times.
	if err := setLocalWorkMem(ctx, q); err != nil {
		return res, err
	}
	// An incident's first import loads a table of its own, bare, and has
	// the database index and attach it afterwards (migration 00013); later
	// ones go through merchants and its triggers.
	var staged sql.NullString
	if err := q.GetContext(ctx, &staged, `SELECT warroom_stage_merchants($1)`, incidentID); err != nil {
		return res, db.MapError(err)
	}
	table := "merchants"
	if staged.Valid {
		table = pq.QuoteIdentifier(staged.String)
	}
	// One COPY, fed while the file is still being parsed on the other
	// cores. Duplicates are checked here, in file order, so the error names
	// both lines.
	seen := make(map[string]int, 1024) // merchant id -> line, within this file
	stmt, err := q.PrepareContext(ctx, `COPY `+table+` (incident_id, merchant_id, name, industry) FROM STDIN`)
	if err != nil {
		return res, db.MapError(err)
	}
	defer stmt.Close()
	err = readCSVParallel(ctx, name, r, MerchantColumns, progress, parseMerchant, func(rows []merchantRow) error {
		for _, m := range rows {
			if first, dup := seen[m.id]; dup {
				return &ImportError{File: name, Line: m.line, Field: "merchant_id", Reason: fmt.Sprintf("%s is already on line %d", m.id, first)}
			}
			if _, dup := existing[m.id]; dup {
				return &ImportError{File: name, Line: m.line, Field: "merchant_id", Reason: fmt.Sprintf("%s was imported before", m.id)}
			}
			seen[m.id] = m.line
			if _, err := stmt.ExecContext(ctx, incidentID, m.id, m.name, m.industry); err != nil {
				return fmt.Errorf("%s:%d: %w", name, m.line, db.MapError(err))
			}
			res.Merchants++
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return res, db.MapError(err)
	}
	if err := stmt.Close(); err != nil {
		return res, db.MapError(err)
	}
	if staged.Valid {
		// Checked, indexed, attached and analysed by the database.
		if _, err := q.ExecContext(ctx, `SELECT warroom_attach_merchants($1)`, incidentID); err != nil {
			return res, db.MapError(err)
		}
	} else if err := analyzeImport(ctx, q, "merchants", incidentID); err != nil {
		return res, err
	}
	err = q.QueryRowxContext(ctx, `
		UPDATE merchant_imports SET merchants = $2 WHERE incident_id = $1 AND sha256 = $3 RETURNING imported_at`,
		incidentID, res.Merchants, sum).Scan(&res.ImportedAt)
	return res, db.MapError(err)
}

type merchantRow struct {
	id, name, industry string
	line               int
}

// parseMerchant checks one merchants row (on a parsing worker).
func parseMerchant(rows []merchantRow, rec []string, line int) ([]merchantRow, error) {
	id := strings.TrimSpace(rec[0])
	switch {
	case id == "":
		return rows, &ImportError{Line: line, Field: "merchant_id", Reason: "empty"}
	case strings.ContainsAny(id, "\t\r\n"):
		return rows, &ImportError{Line: line, Field: "merchant_id", Reason: "contains a tab or line break"}
	}
	industry := NormalizeIndustry(rec[2])
	if industry == "" {
		return rows, &ImportError{Line: line, Field: "industry", Reason: "empty (the margin rate is looked up by industry)"}
	}
	return append(rows, merchantRow{id: id, name: strings.TrimSpace(rec[1]), industry: industry, line: line}), nil
}

// claimImport hashes the file (hashFile), then records it in table
// (merchant_imports or sales_imports) before any row is loaded: a second
// import of the same file, even a concurrent one, meets the unique key and
// is reported as done (when it was imported). The reader is rewound for the real pass.
//
// meanwhile (if not nil) runs on the calling goroutine while the file is
// hashed on another: the importers load what they need from the database.
func claimImport(ctx context.Context, q db.Querier, table string, incidentID int64, name string, r io.ReadSeeker, meanwhile func() error) (sum string, done *time.Time, err error) {
	hashed := make(chan error, 1)
	var hsum string
	go func() {
		var err error
		hsum, err = hashFile(ctx, name, r)
		hashed <- err
	}()
	var merr error
	if meanwhile != nil {
		merr = meanwhile()
	}
	if err := <-hashed; err != nil {
		return "", nil, err
	}
	if merr != nil {
		return "", nil, merr
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return "", nil, fmt.Errorf("%s: %w", name, err)
	}
	sum = hsum
	var at time.Time
	// table is one of two constants, never user input.
	err = q.GetContext(ctx, &at, `SELECT imported_at FROM `+table+` WHERE incident_id = $1 AND sha256 = $2`, incidentID, sum)
	if err == nil {
		return sum, &at, nil
	}
	if err = db.MapError(err); !db.IsNotFound(err) {
		return sum, nil, err
	}
	cols, vals := "incident_id, file_name, sha256, merchants", "$1, $2, $3, 0"
	if table == "sales_imports" {
		cols += ", rows_total, rows_in_window, rows_outside, in_window_fen"
		vals += ", 0, 0, 0, 0"
	}
	_, err = q.ExecContext(ctx, `INSERT INTO `+table+` (`+cols+`) VALUES (`+vals+`)`, incidentID, name, sum)
	if err = db.MapError(err); errors.Is(err, db.ErrUniqueViolation) {
		return sum, nil, fmt.Errorf("%s is being imported by someone else right now: %w", name, db.ErrConflict)
	}
	return sum, nil, err
}

// hashFile is the hex SHA-256 of r. It stops when ctx ends, and at a line
// longer than MaxRecordBytes: a file without line breaks (/dev/zero) is
// refused at its first mebibyte instead of being hashed to the end.
func hashFile(ctx context.Context, name string, r io.Reader) (string, error) {
	h := sha256.New()
	// Smaller than MaxRecordBytes, so a line too long always reaches past
	// the end of a read: only the first and last line of each need a look.
	buf := make([]byte, 256<<10)
	line, lineLen := 1, 0 // the current line and its length so far
	for {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		n, err := r.Read(buf)
		b := buf[:n]
		h.Write(b)
		if i := bytes.IndexByte(b, '\n'); i < 0 {
			lineLen += len(b)
		} else if lineLen += i; lineLen <= MaxRecordBytes {
			line += bytes.Count(b, []byte{'\n'})
			lineLen = len(b) - bytes.LastIndexByte(b, '\n') - 1
		}
		if lineLen > MaxRecordBytes {
			return "", &ImportError{File: name, Line: line,
				Reason: fmt.Sprintf("a line runs past %d bytes (not a CSV file, or a field far too long)", MaxRecordBytes)}
		}
		if err == io.EOF {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
}

// merchantCodes is the set of merchant ids already in the incident.
func merchantCodes(ctx context.Context, q db.Querier, incidentID int64) (map[string]struct{}, error) {
	rows, err := q.QueryxContext(ctx, `SELECT merchant_id FROM merchants WHERE incident_id = $1`, incidentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[string]struct{}{}
	var code string
	for rows.Next() {
		if err := rows.Scan(&code); err != nil {
			return nil, db.MapError(err)
		}
		out[code] = struct{}{}
	}
	return out, db.MapError(rows.Err())
}

// analyzeImport gathers statistics on table (merchants or sales_totals)
// inside the import's transaction, rows just loaded included: until
// autovacuum analysed them the planner took a new incident for one
// merchant, and the next rate preview or computation chose nested loops
// over a million of them (migration 00012).
func analyzeImport(ctx context.Context, q db.Querier, table string, incidentID int64) error {
	_, err := q.ExecContext(ctx, `SELECT warroom_analyze_import($1::regclass, $2)`, table, incidentID)
	return db.MapError(err)
}
