package compensation

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"warroom/db"
)

// SalesImport says what an import of baseline sales did. Rows outside the
// baseline window are counted, never silently dropped.
type SalesImport struct {
	File            string    `json:"file"`
	SHA256          string    `json:"sha256"`
	Rows            int64     `json:"rows"`
	InWindow        int64     `json:"rows_in_window"`
	Outside         int64     `json:"rows_outside_window"`
	InWindowFen     int64     `json:"in_window_fen"`
	Merchants       int64     `json:"merchants"`
	AlreadyImported bool      `json:"already_imported"`
	ImportedAt      time.Time `json:"imported_at"`
}

// SalesColumns is the header a sales file must have.
var SalesColumns = []string{"merchant_id", "at", "amount"}

// maxSaleFen bounds one row (10 billion yuan) so per-merchant sums cannot
// overflow int64 before the file has millions of such rows.
const maxSaleFen = 1_000_000_000_000

// ImportSales reads merchant_id,at,amount rows (amount: tax-excluded yuan,
// up to two decimals; at: RFC 3339, or without an offset in the incident's
// zone), checks every row, sums each merchant's sales inside the baseline
// window [start, end) and writes those per-merchant totals with one COPY.
// The file itself (named by its SHA-256 in sales_imports) stays the record
// of the single sales; the claims need only the sums. Same contract as
// ImportMerchants: a bad row is an *ImportError and the caller rolls back.
func ImportSales(ctx context.Context, q db.Querier, incidentID int64, name string, r io.ReadSeeker, progress Progress) (SalesImport, error) {
	res := SalesImport{File: name}
	w, err := LoadBaseline(ctx, q, incidentID)
	if err != nil {
		return res, err
	}
	var ids *merchantIdx
	sum, done, err := claimImport(ctx, q, "sales_imports", incidentID, name, r, func() (err error) {
		ids, err = merchantIndex(ctx, q, incidentID)
		return err
	})
	if err != nil || done != nil {
		if done != nil {
			res.SHA256, res.AlreadyImported, res.ImportedAt = sum, true, *done
		}
		return res, err
	}
	res.SHA256 = sum
	// Workers parse and check rows and look merchants up; this goroutine
	// adds them up in file order (so an overflow names the same line a
	// row-by-row reader would) into arrays indexed like ids.pks.
	fen := make([]int64, len(ids.pks))
	count := make([]int32, len(ids.pks))
	var order []int32 // merchants in the order their first in-window sale appears
	parse := func(rows []saleRow, rec []string, line int) ([]saleRow, error) {
		return parseSale(rows, rec, line, ids, w)
	}
	err = readCSVParallel(ctx, name, r, SalesColumns, progress, parse, func(rows []saleRow) error {
		for _, s := range rows {
			res.Rows++
			if s.merchant < 0 {
				res.Outside++
				continue
			}
			res.InWindow++
			res.InWindowFen += s.fen
			i := s.merchant
			if count[i] == 0 {
				order = append(order, i)
			}
			if fen[i] > math.MaxInt64-s.fen || res.InWindowFen < 0 {
				return &ImportError{File: name, Line: int(s.line), Field: "amount", Reason: "the sum of sales overflows"}
			}
			fen[i] += s.fen
			count[i]++
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	var importID int64
	if err := q.GetContext(ctx, &importID, `SELECT id FROM sales_imports WHERE incident_id = $1 AND sha256 = $2`, incidentID, sum); err != nil {
		return res, db.MapError(err)
	}
	stmt, err := q.PrepareContext(ctx, `COPY sales_totals (import_id, incident_id, merchant_id, baseline_fen, sales_rows) FROM STDIN`)
	if err != nil {
		return res, db.MapError(err)
	}
	defer stmt.Close()
	for _, i := range order {
		if _, err := stmt.ExecContext(ctx, importID, incidentID, ids.pks[i], fen[i], count[i]); err != nil {
			return res, db.MapError(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return res, db.MapError(err)
	}
	if err := stmt.Close(); err != nil {
		return res, db.MapError(err)
	}
	res.Merchants = int64(len(order))
	if err := analyzeImport(ctx, q, "sales_totals", incidentID); err != nil {
		return res, err
	}
	err = q.QueryRowxContext(ctx, `
		UPDATE sales_imports SET rows_total = $2, rows_in_window = $3, rows_outside = $4,
		    in_window_fen = $5, merchants = $6
		WHERE id = $1 RETURNING imported_at`,
		importID, res.Rows, res.InWindow, res.Outside, res.InWindowFen, res.Merchants).Scan(&res.ImportedAt)
	return res, db.MapError(err)
}

// saleRow is one checked sales row: merchant is an index into
// merchantIndex.pks, or -1 for a sale outside the baseline window.
type saleRow struct {
	fen      int64
	merchant int32
	line     int32
}

// parseSale checks one sales row (on a parsing worker).
func parseSale(rows []saleRow, rec []string, line int, ids *merchantIdx, w Windows) ([]saleRow, error) {
	code := strings.TrimSpace(rec[0])
	i, ok := ids.index[code]
	if !ok {
		return rows, &ImportError{Line: line, Field: "merchant_id", Reason: fmt.Sprintf("unknown merchant %q (import merchants first)", rec[0])}
	}
	at, err := ParseSaleTime(rec[1], w.Location)
	if err != nil {
		return rows, &ImportError{Line: line, Field: "at", Reason: err.Error()}
	}
	fen, err := ParseYuan(rec[2])
	if err != nil {
		return rows, &ImportError{Line: line, Field: "amount", Reason: err.Error()}
	}
	if !w.InBaseline(at) {
		i = -1
	}
	return append(rows, saleRow{fen: fen, merchant: i, line: int32(line)}), nil
}

// merchantIdx numbers the incident's merchants: index maps a merchant id
// to its position in pks, the merchants' row ids.
type merchantIdx struct {
	index map[string]int32
	pks   []int64
}

func merchantIndex(ctx context.Context, q db.Querier, incidentID int64) (*merchantIdx, error) {
	var n int // sized up front: growing a million-entry map costs a fifth of the load
	if err := q.GetContext(ctx, &n, `SELECT count(*) FROM merchants WHERE incident_id = $1`, incidentID); err != nil {
		return nil, db.MapError(err)
	}
	rows, err := q.QueryxContext(ctx, `SELECT merchant_id, id FROM merchants WHERE incident_id = $1`, incidentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := &merchantIdx{index: make(map[string]int32, n), pks: make([]int64, 0, n)}
	var (
		code string
		id   int64
	)
	for rows.Next() {
		if err := rows.Scan(&code, &id); err != nil {
			return nil, db.MapError(err)
		}
		out.index[code] = int32(len(out.pks))
		out.pks = append(out.pks, id)
	}
	return out, db.MapError(rows.Err())
}

// ParseYuan reads a non-negative amount in yuan with at most two decimals
// ("1234", "1234.5", "1234.56") as exact fen. No signs, exponents,
// thousands separators or currency symbols: a file that has them is
// probably not the export we think it is.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	switch {
	case s == "":
		return 0, fmt.Errorf("empty")
	case strings.HasPrefix(s, "-"):
		return 0, fmt.Errorf("%q is negative", s)
	case !allDigits(whole) || (dot && (len(frac) == 0 || len(frac) > 2 || !allDigits(frac))):
		return 0, fmt.Errorf("%q is not an amount in yuan with at most two decimals", s)
	case len(whole) > 10:
		return 0, fmt.Errorf("%q is too large: one amount is at most %s yuan", s, FormatFen(maxSaleFen))
	}
	var fen int64
	for _, c := range whole {
		fen = fen*10 + int64(c-'0')
	}
	frac += strings.Repeat("0", 2-len(frac))
	fen = fen*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	if fen > maxSaleFen {
		return 0, fmt.Errorf("%q is too large: one amount is at most %s yuan", s, FormatFen(maxSaleFen))
	}
	return fen, nil
}

// Layouts without an offset, read in the incident's zone.
var localLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

// ParseSaleTime reads RFC 3339 ("2020-02-18T10:00:00+08:00"), or the same
// without an offset, in loc.
func ParseSaleTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if len(s) > 10 && s[10] == ' ' {
		if t, err := time.Parse(time.RFC3339Nano, s[:10]+"T"+s[11:]); err == nil {
			return t, nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339, e.g. 2020-02-18T10:00:00+08:00, or 2020-02-18 10:00 in the incident's zone)", s)
}
