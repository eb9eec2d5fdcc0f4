package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"warroom/compensation"
	"warroom/db"
)

// insertPopulation loads the merchants and takes them through the
// compensation engine the way real data goes: a sales import with each
// merchant's baseline total, the industries' margin rates, the claims
// computed by compensation.ComputeClaims (warroom_cash_fen, the formula's
// one implementation), then plan choices, approvals and payouts, set-based,
// in the lifecycle's order so the fund's triggers keep its counters.
func insertPopulation(ctx context.Context, q db.Querier, incidentID int64, d dataSet, pop []merchant, s *Summary) error {
	p := d.Population
	err := copyRows(ctx, q, `COPY merchants (incident_id, merchant_id, name, industry) FROM STDIN`,
		len(pop), func(i int) []any {
			m := pop[i]
			return []any{incidentID, m.MerchantID, m.Name, m.Industry}
		})
	if err != nil {
		return fmt.Errorf("merchants: %w", err)
	}
	s.Merchants = len(pop)

	merchantIDs, err := idsByCode(ctx, q, `
		SELECT id, merchant_id AS code FROM merchants WHERE incident_id = $1`, incidentID)
	if err != nil {
		return fmt.Errorf("merchants: %w", err)
	}
	if err := insertSales(ctx, q, incidentID, d, pop, merchantIDs, s); err != nil {
		return err
	}
	if err := insertRates(ctx, q, incidentID, p, s); err != nil {
		return err
	}

	c, err := compensation.ComputeClaims(ctx, q, incidentID, "")
	if err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	// The engine and the generator must agree to the fen: the generator's
	// amounts are what the demo's tests and figures were drawn from.
	var wantCash int64
	for _, m := range pop {
		wantCash += cashFen(m.DailyRevenueFen, m.MarginBP, d.Fund.OutageEnd.Sub(d.Fund.OutageStart))
	}
	if c.Written != int64(len(pop)) || c.Awaiting != 0 || c.CashFen != wantCash {
		return fmt.Errorf("claims: the engine computed %d claims (%d awaiting a rate) totalling %d fen; the demo expects %d totalling %d",
			c.Written, c.Awaiting, c.CashFen, len(pop), wantCash)
	}
	s.Claims = int(c.Written)
	return advanceClaims(ctx, q, incidentID, p, d.WarRoom, pop, merchantIDs, s)
}

// insertSales records the demo's sales as an import would: the import row
// (named by the SHA-256 of the file the demo stands for, every row inside
// the baseline window) and each merchant's baseline total. The sales are
// one a day, of the merchant's daily revenue, so the engine's daily revenue
// (total / window days) is exactly the drawn one.
func insertSales(ctx context.Context, q db.Querier, incidentID int64, d dataSet, pop []merchant, ids map[string]int64, s *Summary) error {
	days := int64(d.Fund.BaselineEnd.Sub(d.Fund.BaselineStart) / (24 * time.Hour))
	sum, rows, fen, err := salesFile(d, pop)
	if err != nil {
		return err
	}
	var importID int64
	err = q.GetContext(ctx, &importID, `
		INSERT INTO sales_imports (incident_id, file_name, sha256, rows_total, rows_in_window, rows_outside,
		    in_window_fen, merchants, imported_at, imported_by)
		VALUES ($1, $2, $3, $4, $4, 0, $5, $6, $7, $8) RETURNING id`,
		incidentID, "demo: synthetic baseline sales", sum, rows, fen, len(pop), d.Population.SalesImportedAt, demoAuthor)
	if err != nil {
		return fmt.Errorf("sales import: %w", db.MapError(err))
	}
	err = copyRows(ctx, q, `COPY sales_totals (import_id, incident_id, merchant_id, baseline_fen, sales_rows) FROM STDIN`,
		len(pop), func(i int) []any {
			m := pop[i]
			return []any{importID, incidentID, ids[m.MerchantID], m.DailyRevenueFen * days, days}
		})
	if err != nil {
		return fmt.Errorf("sales totals: %w", err)
	}
	s.SalesTotals, s.SalesFen = len(pop), fen
	return nil
}

// salesFile is the sales file the demo's totals stand for, in the format
// `warroom sales import` reads (merchant_id,at,amount; one sale per
// merchant and baseline day, 12 hours into the day), reduced to its
// SHA-256, row count and total: the import record names the file by its hash.
func salesFile(d dataSet, pop []merchant) (sum string, rows, fen int64, err error) {
	loc, err := time.LoadLocation(d.Incident.TimeZone)
	if err != nil {
		return "", 0, 0, err
	}
	start := d.Fund.BaselineStart
	days := int(d.Fund.BaselineEnd.Sub(start) / (24 * time.Hour))
	h := sha256.New()
	buf := []byte("merchant_id,at,amount\n")
	for _, m := range pop {
		for day := range days {
			at := start.Add(time.Duration(day)*24*time.Hour + 12*time.Hour).In(loc)
			buf = append(buf, m.MerchantID...)
			buf = append(buf, ',')
			buf = at.AppendFormat(buf, time.RFC3339)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, m.DailyRevenueFen/100, 10)
			buf = append(buf, '.', byte('0'+m.DailyRevenueFen%100/10), byte('0'+m.DailyRevenueFen%10), '\n')
			rows++
			fen += m.DailyRevenueFen
		}
		h.Write(buf)
		buf = buf[:0]
	}
	return hex.EncodeToString(h.Sum(nil)), rows, fen, nil
}

// insertRates sets each demo industry's margin rate, once, with its source
// (one statement: the first rate of an industry needs no approval).
func insertRates(ctx context.Context, q db.Querier, incidentID int64, p populationSpec, s *Summary) error {
	industries := make([]string, len(p.Industries))
	percents := make([]string, len(p.Industries))
	for i, in := range p.Industries {
		industries[i] = compensation.NormalizeIndustry(in.Name)
		percents[i] = compensation.Margin(in.MarginBP * 100).String()
	}
	res, err := q.ExecContext(ctx, `
		INSERT INTO margin_rates (incident_id, industry, percent, source, set_at, set_by)
		SELECT $1, r.industry, r.percent::numeric, $4, $5, $6
		FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS r (industry, percent, n)
		ORDER BY r.n`,
		incidentID, pq.Array(industries), pq.Array(percents), p.MarginSource, p.RatesSetAt, demoAuthor)
	if err != nil {
		return fmt.Errorf("margin rates: %w", db.MapError(err))
	}
	n, _ := res.RowsAffected()
	s.MarginRates = int(n)
	return nil
}

// advanceClaims moves the computed claims along the lifecycle as far as the
// generator drew them, in the engine's order and with its rules:
// Choose (the plan; a traffic plan costs the fund's in-kind value, a cash
// plan the computed cash), Approve (commits the amount), Reject, and Pay
// (one payout of what the claim owes, under an idempotency key, then the
// claim is paid). Each step is one statement over all the claims it moves,
// so the fund's statement-level triggers keep committed, paid and the
// counts, and the database checks the fund is never overdrawn. The
// timestamps are the drawn ones (March-April 2020), not the load's.
func advanceClaims(ctx context.Context, q db.Querier, incidentID int64, p populationSpec, w warRoomData, pop []merchant, ids map[string]int64, s *Summary) error {
	_, err := q.ExecContext(ctx, `
		CREATE TEMP TABLE demo_claims (
		    merchant_id bigint PRIMARY KEY, plan text, state text NOT NULL,
		    chosen_at timestamptz, approved_at timestamptz, paid_at timestamptz,
		    updated_at timestamptz NOT NULL, merchant_code text NOT NULL
		) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("claims: %w", db.MapError(err))
	}
	err = copyRows(ctx, q, `COPY demo_claims (merchant_id, plan, state, chosen_at, approved_at, paid_at,
		    updated_at, merchant_code) FROM STDIN`,
		len(pop), func(i int) []any {
			m := pop[i]
			c := m.Claim
			var plan any
			if c.Plan != "" {
				plan = c.Plan
			}
			return []any{ids[m.MerchantID], plan, c.State, orNull(c.ChosenAt), orNull(c.ApprovedAt),
				orNull(c.PaidAt), c.UpdatedAt, m.MerchantID}
		})
	if err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	steps := []struct {
		name, sql string
		args      []any
	}{
		// Computed when claims opened; chosen as compensation.Choose does.
		{"choose", `
			UPDATE claims c SET computed_at = $2,
			    plan = d.plan,
			    state = CASE WHEN d.plan IS NULL THEN c.state ELSE 'chosen' END,
			    chosen_at = d.chosen_at,
			    amount_fen = CASE WHEN d.plan = 'traffic' THEN f.inkind_value_fen ELSE c.cash_fen END,
			    updated_at = COALESCE(d.chosen_at, $2)
			FROM demo_claims d, funds f
			WHERE c.incident_id = $1 AND c.merchant_id = d.merchant_id AND f.incident_id = c.incident_id
			  AND c.state = 'computed'`, []any{incidentID, p.ClaimsOpen}},
		// compensation.Approve, for the approved claims and the paid ones.
		{"approve", `
			UPDATE claims c SET state = 'approved', approved_at = d.approved_at, updated_at = d.approved_at
			FROM demo_claims d
			WHERE c.incident_id = $1 AND c.merchant_id = d.merchant_id AND c.state = 'chosen'
			  AND d.approved_at IS NOT NULL`, []any{incidentID}},
		// compensation.Reject, before approval.
		{"reject", `
			UPDATE claims c SET state = 'rejected', updated_at = d.updated_at
			FROM demo_claims d
			WHERE c.incident_id = $1 AND c.merchant_id = d.merchant_id AND c.state IN ('computed', 'chosen')
			  AND d.state = 'rejected'`, []any{incidentID}},
		// compensation.Pay: what the claim owes, as one payout under a key.
		// Above the fund's threshold the payout is the approved request's,
		// as warroom_exec_payout makes it: requested by one finance login,
		// approved by another, before the payout's time (never before the
		// claim was approved), and named by payouts.approval_id.
		{"pay", `
			WITH due AS (
			    SELECT c.incident_id, c.id AS claim_id, c.amount_fen - c.paid_fen AS fen, d.paid_at,
			           'demo-' || d.merchant_code AS key, c.amount_fen - c.paid_fen > f.payout_approval_fen AS big,
			           GREATEST(c.approved_at, d.paid_at - make_interval(hours => $4)) AS requested_at
			    FROM claims c JOIN demo_claims d ON d.merchant_id = c.merchant_id
			    JOIN funds f ON f.incident_id = c.incident_id
			    WHERE c.incident_id = $1 AND c.state = 'approved' AND d.paid_at IS NOT NULL
			      AND c.amount_fen > c.paid_fen
			), requested AS (
			    INSERT INTO approvals (incident_id, op, payload, reason, requested_by, requested_at, expires_at,
			        state, decided_by, decided_at)
			    SELECT incident_id, 'payout',
			           jsonb_build_object('claim_id', claim_id, 'amount_fen', fen, 'idempotency_key', key),
			           $5, $2, requested_at, requested_at + interval '24 hours',
			           'approved', $3, requested_at + (paid_at - requested_at) * 2 / 3
			    FROM due WHERE big
			    ORDER BY paid_at, claim_id
			    RETURNING id, (payload ->> 'claim_id')::bigint AS claim_id
			)
			INSERT INTO payouts (incident_id, claim_id, amount_fen, paid_at, idempotency_key, created_by, approval_id)
			SELECT d.incident_id, d.claim_id, d.fen, d.paid_at, d.key, CASE WHEN d.big THEN $2 ELSE '` + demoAuthor + `' END, r.id
			FROM due d LEFT JOIN requested r ON r.claim_id = d.claim_id
			ORDER BY d.paid_at, d.claim_id`, []any{incidentID, w.PayoutRequester, w.PayoutApprover, w.RequestHours, w.RequestReason}},
		// What each approved request did, as warroom_approve records it.
		{"approvals", `
			UPDATE approvals a SET result = jsonb_build_object('payout_id', p.id, 'claim_id', p.claim_id)
			FROM payouts p
			WHERE p.approval_id = a.id AND a.incident_id = $1 AND p.incident_id = $1 AND a.result IS NULL`,
			[]any{incidentID}},
		{"paid", `
			UPDATE claims c SET state = 'paid', paid_at = d.paid_at, updated_at = d.updated_at
			FROM demo_claims d
			WHERE c.incident_id = $1 AND c.merchant_id = d.merchant_id AND c.state = 'approved'
			  AND d.paid_at IS NOT NULL AND c.paid_fen >= c.amount_fen`, []any{incidentID}},
	}
	for _, st := range steps {
		if _, err := q.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("claims (%s): %w", st.name, db.MapError(err))
		}
	}
	// What the ledger and the claims now say, from the database.
	err = q.QueryRowxContext(ctx, `
		SELECT count(*), COALESCE(sum(amount_fen), 0)::bigint FROM payouts WHERE incident_id = $1`, incidentID).
		Scan(&s.Payouts, &s.PaidFen)
	if err != nil {
		return fmt.Errorf("payouts: %w", db.MapError(err))
	}
	err = q.GetContext(ctx, &s.ApprovedPayouts, `
		SELECT count(*) FROM payouts WHERE incident_id = $1 AND approval_id IS NOT NULL`, incidentID)
	if err != nil {
		return fmt.Errorf("payouts: %w", db.MapError(err))
	}
	var off int
	err = q.GetContext(ctx, &off, `
		SELECT count(*) FROM claims c JOIN demo_claims d ON d.merchant_id = c.merchant_id
		WHERE c.incident_id = $1 AND c.state <> d.state`, incidentID)
	if err != nil {
		return fmt.Errorf("claims: %w", db.MapError(err))
	}
	if off != 0 {
		return fmt.Errorf("claims: %d did not reach the state the demo drew for them", off)
	}
	return nil
}

// copyRows streams n rows through a prepared COPY ... FROM STDIN; the
// final Exec without arguments flushes them, and is where the server
// reports a bad row.
func copyRows(ctx context.Context, q db.Querier, copySQL string, n int, row func(int) []any) error {
	stmt, err := q.PrepareContext(ctx, copySQL)
	if err != nil {
		return db.MapError(err)
	}
	defer stmt.Close()
	for i := range n {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			return db.MapError(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return db.MapError(err)
	}
	return db.MapError(stmt.Close())
}

func idsByCode(ctx context.Context, q db.Querier, query string, incidentID int64) (map[string]int64, error) {
	var rows []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	if err := q.SelectContext(ctx, &rows, query, incidentID); err != nil {
		return nil, db.MapError(err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}

// orNull turns a nil *time.Time into an untyped nil, which COPY writes as NULL.
func orNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
