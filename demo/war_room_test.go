package demo

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/db/dbtest"
)

// Every demo payout above the fund's threshold went through a request by
// one finance login and an approval by another, before it was paid; none
// below it did.
func TestDemoPayoutsAboveThresholdWereApproved(t *testing.T) {
	conn, s := loadedDemo(t)
	d, _ := scenario()
	var above, unapproved, belowApproved, approvals int
	err := conn.QueryRow(`
		SELECT count(*) FILTER (WHERE p.amount_fen > f.payout_approval_fen),
		       count(*) FILTER (WHERE p.amount_fen > f.payout_approval_fen AND p.approval_id IS NULL),
		       count(*) FILTER (WHERE p.amount_fen <= f.payout_approval_fen AND p.approval_id IS NOT NULL),
		       (SELECT count(*) FROM approvals WHERE incident_id = $1)
		FROM payouts p JOIN funds f ON f.incident_id = p.incident_id WHERE p.incident_id = $1`, s.IncidentID).
		Scan(&above, &unapproved, &belowApproved, &approvals)
	if err != nil {
		t.Fatal(err)
	}
	// 1,030 is the figure the unapproved demo showed: the same payouts.
	if above != 1030 || unapproved != 0 || belowApproved != 0 || approvals != above || s.ApprovedPayouts != above {
		t.Fatalf("above threshold %d (want 1030), unapproved %d, approved below %d, approvals %d, summary %d",
			above, unapproved, belowApproved, approvals, s.ApprovedPayouts)
	}

	// Each approval is the payout's own, decided by someone else, in time.
	var bad []string
	err = conn.Select(&bad, `
		SELECT format('payout %s: %s', p.id, concat_ws(', ',
		    CASE WHEN a.op <> 'payout' OR a.state <> 'approved' THEN a.op || ' ' || a.state END,
		    CASE WHEN a.requested_by <> $2 OR a.decided_by <> $3 THEN a.requested_by || '/' || a.decided_by END,
		    CASE WHEN p.created_by <> a.requested_by THEN 'paid by ' || p.created_by END,
		    CASE WHEN NOT (c.approved_at <= a.requested_at AND a.requested_at < a.decided_at AND a.decided_at < p.paid_at
		                   AND a.decided_at < a.expires_at) THEN 'times out of order' END,
		    CASE WHEN a.requested_at < '2020-03-01' OR a.decided_at >= '2020-05-01' THEN 'not March-April 2020' END,
		    CASE WHEN (a.payload ->> 'claim_id')::bigint <> p.claim_id OR (a.payload ->> 'amount_fen')::bigint <> p.amount_fen
		              OR a.payload ->> 'idempotency_key' <> p.idempotency_key THEN 'payload ' || a.payload::text END,
		    CASE WHEN (a.result ->> 'payout_id')::bigint IS DISTINCT FROM p.id THEN 'result ' || COALESCE(a.result::text, 'none') END,
		    CASE WHEN a.incident_id <> p.incident_id THEN 'another incident' END))
		FROM payouts p JOIN approvals a ON a.id = p.approval_id
		JOIN claims c ON c.id = p.claim_id AND c.incident_id = p.incident_id
		WHERE p.incident_id = $1
		  AND NOT (a.op = 'payout' AND a.state = 'approved' AND a.requested_by = $2 AND a.decided_by = $3
		       AND p.created_by = a.requested_by
		       AND c.approved_at <= a.requested_at AND a.requested_at < a.decided_at AND a.decided_at < p.paid_at
		       AND a.decided_at < a.expires_at
		       AND a.requested_at >= '2020-03-01' AND a.decided_at < '2020-05-01'
		       AND (a.payload ->> 'claim_id')::bigint = p.claim_id AND (a.payload ->> 'amount_fen')::bigint = p.amount_fen
		       AND a.payload ->> 'idempotency_key' = p.idempotency_key
		       AND (a.result ->> 'payout_id')::bigint = p.id AND a.incident_id = p.incident_id)
		ORDER BY p.id LIMIT 5`, s.IncidentID, d.WarRoom.PayoutRequester, d.WarRoom.PayoutApprover)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("approvals that are not the payout's own:\n%s", strings.Join(bad, "\n"))
	}
}

// loginURL is the test server's URL for login: the throwaway cluster
// trusts loopback TCP, as the embedded server trusts its socket.
func loginURL(t *testing.T, dbURL, login string) *sqlx.DB {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(login)
	return dbtest.Open(t, u.String())
}

func pqCode(err error) string {
	var e *pq.Error
	if errors.As(err, &e) {
		return string(e.Code)
	}
	return ""
}

// The demo's people are logins holding their roles, no superuser among
// them, and two of them sharing one machine meet the two-person rule in
// plain SQL.
func TestEnsureLoginsAndTheTwoPersonRule(t *testing.T) {
	ctx := context.Background()
	dbURL := dbtest.NewURL(t)
	admin := dbtest.Open(t, dbURL)
	s := mustLoad(t, admin)
	for range 2 { // idempotent
		if err := EnsureLogins(ctx, admin); err != nil {
			t.Fatal(err)
		}
	}
	d, _ := scenario()
	for _, l := range d.WarRoom.Logins {
		conn := loginURL(t, dbURL, l.Login)
		var who string
		var super, has bool
		if err := conn.QueryRow(`SELECT session_user, rolsuper, warroom_has_role($1) FROM pg_roles WHERE rolname = session_user`,
			l.Role).Scan(&who, &super, &has); err != nil {
			t.Fatalf("%s: %v", l.Login, err)
		}
		if who != l.Login || super || !has {
			t.Fatalf("login %s: session %s, superuser %v, holds %s %v", l.Login, who, super, l.Role, has)
		}
	}

	var claim, fen int64
	err := admin.QueryRow(`
		SELECT c.id, c.amount_fen FROM claims c JOIN funds f ON f.incident_id = c.incident_id
		WHERE c.incident_id = $1 AND c.state = 'approved' AND c.paid_fen = 0 AND c.amount_fen > f.payout_approval_fen
		ORDER BY c.id LIMIT 1`, s.IncidentID).Scan(&claim, &fen)
	if err != nil {
		t.Fatal(err)
	}
	zhou := loginURL(t, dbURL, d.WarRoom.PayoutRequester)
	xu := loginURL(t, dbURL, d.WarRoom.PayoutApprover)
	gao := loginURL(t, dbURL, "gao")

	_, err = zhou.Exec(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
		VALUES ($1, $2, $3, 'laptop-1', $4)`, s.IncidentID, claim, fen, d.WarRoom.PayoutRequester)
	if pqCode(err) != "WR001" || !strings.Contains(err.Error(), "second authorisation") {
		t.Fatalf("finance paying %d fen alone: %v; want WR001 needs a second authorisation", fen, err)
	}
	_, err = gao.Exec(`INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
		VALUES ($1, $2, 1, 'laptop-2', 'gao')`, s.IncidentID, claim)
	if pqCode(err) != "42501" || !strings.Contains(err.Error(), "permission denied for table payouts") {
		t.Fatalf("viewer inserting a payout: %v; want permission denied for table payouts", err)
	}
	var req int64
	if err := zhou.Get(&req, `SELECT warroom_request('payout', $1, jsonb_build_object('claim_id', $2::bigint,
		'amount_fen', $3::bigint, 'idempotency_key', 'laptop-1'), 'pay it')`, s.IncidentID, claim, fen); err != nil {
		t.Fatal(err)
	}
	_, err = zhou.Exec(`SELECT warroom_approve($1)`, req)
	if pqCode(err) != "42501" || !strings.Contains(err.Error(), "cannot approve it") {
		t.Fatalf("requester approving own request: %v; want 42501 cannot approve it", err)
	}
	if _, err := xu.Exec(`SELECT warroom_approve($1)`, req); err != nil {
		t.Fatalf("second finance login approving: %v", err)
	}
	var approval *int64
	var by string
	if err := admin.QueryRow(`SELECT approval_id, created_by FROM payouts WHERE incident_id = $1 AND idempotency_key = 'laptop-1'`,
		s.IncidentID).Scan(&approval, &by); err != nil {
		t.Fatal(err)
	}
	if approval == nil || *approval != req || by != d.WarRoom.PayoutRequester {
		t.Fatalf("payout made under approval %v by %s; want %d by %s", approval, by, req, d.WarRoom.PayoutRequester)
	}
}
