package access

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"warroom/db"
	"warroom/glossary"
)

// Op names a high-risk operation; warroom_operations says who may request
// and approve each, and which function carries it out.
type Op string

// The operations migration 00005 registers, with their payloads.
const (
	OpVoidEntry       Op = "void_entry"       // {"entry_id"}
	OpVoidMilestone   Op = "void_milestone"   // {"milestone_id"}
	OpContribution    Op = "contribution"     // {"contribution_id","amount_fen"}, {"contributor_id","pledged_fen"} or {"contributor_name","pledged_fen"[,"native_name","role"]}
	OpPayout          Op = "payout"           // {"claim_id","amount_fen","idempotency_key"}
	OpPayoutThreshold Op = "payout_threshold" // {"threshold_fen"}
	OpMarginRate      Op = "margin_rate"      // {"industry","percent","source"}
	OpRoleGrant       Op = "role_grant"       // {"user","role"}
	OpInKindValue     Op = "inkind_value"     // {"inkind_value_fen"}
	OpFundTerms       Op = "fund_terms"       // any of {"baseline_start","baseline_end","outage_start","outage_end"}
)

// DefaultTTL is how long a request waits for its approval.
const DefaultTTL = 24 * time.Hour

// Approval is one request for a high-risk operation and its decision.
type Approval struct {
	ID           int64      `db:"id" json:"id"`
	IncidentID   *int64     `db:"incident_id" json:"incident_id"`
	Op           Op         `db:"op" json:"op"`
	Payload      JSON       `db:"payload" json:"payload"`
	Reason       string     `db:"reason" json:"reason"`
	RequestedBy  string     `db:"requested_by" json:"requested_by"`
	RequestedAt  time.Time  `db:"requested_at" json:"requested_at"`
	ExpiresAt    time.Time  `db:"expires_at" json:"expires_at"`
	State        string     `db:"state" json:"state"` // pending, approved, rejected, expired
	DecidedBy    *string    `db:"decided_by" json:"decided_by"`
	DecidedAt    *time.Time `db:"decided_at" json:"decided_at"`
	DecisionNote string     `db:"decision_note" json:"decision_note"`
	Result       JSON       `db:"result" json:"result"`
	// Subject names what a request is about in words (a milestone's key
	// and title, an entry's title, a contributor's name, a paid claim's
	// merchant), read when the request is listed; "" for other operations
	// or a row that is gone.
	Subject string `db:"subject" json:"subject,omitempty"`
}

// An expired request is stored as pending; readers see "expired".
const approvalColumns = `id, incident_id, op, payload, reason, requested_by, requested_at, expires_at,
	CASE WHEN state = 'pending' AND expires_at <= now() THEN 'expired' ELSE state END AS state,
	decided_by, decided_at, decision_note, result,
	COALESCE(CASE
	    WHEN op = 'void_milestone' AND payload->>'milestone_id' ~ '^[0-9]{1,18}$' THEN
	        (SELECT m.key || ': ' || m.title FROM milestones m WHERE m.id = (payload->>'milestone_id')::bigint)
	    WHEN op = 'void_entry' AND payload->>'entry_id' ~ '^[0-9]{1,18}$' THEN
	        (SELECT e.title FROM timeline_entries e WHERE e.id = (payload->>'entry_id')::bigint)
	    WHEN op = 'contribution' AND payload->>'contributor_id' ~ '^[0-9]{1,18}$' THEN
	        (SELECT p.name FROM contributors p WHERE p.id = (payload->>'contributor_id')::bigint)
	    WHEN op = 'contribution' AND payload->>'contribution_id' ~ '^[0-9]{1,18}$' THEN
	        (SELECT p.name FROM contributions c JOIN contributors p ON p.id = c.contributor_id
	         WHERE c.id = (payload->>'contribution_id')::bigint)
	    WHEN op = 'payout' AND payload->>'claim_id' ~ '^[0-9]{1,18}$' THEN
	        (SELECT m.merchant_id || ' ' || m.name FROM claims c
	         JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = c.incident_id
	         WHERE c.id = (payload->>'claim_id')::bigint AND c.incident_id = approvals.incident_id)
	END, '') AS subject`

// Request files a request for op, by the session's user, and returns its
// id. incidentID 0 is for operations outside an incident (role grants);
// ttl 0 is DefaultTTL. Run it in db.Write so it is attributed and audited.
func Request(ctx context.Context, q db.Querier, op Op, incidentID int64, payload any, reason string, ttl time.Duration) (int64, error) {
	if strings.TrimSpace(reason) == "" {
		return 0, db.Invalid("reason", "say why: the approver and the audit trail read it")
	}
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if ttl < time.Minute || ttl > 7*24*time.Hour {
		return 0, db.Invalid("ttl", "%s: a request lasts between 1 minute and 7 days", ttl)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, db.Invalid("payload", "%v", err)
	}
	var inc any
	if incidentID != 0 {
		inc = incidentID
	}
	// The same request already waiting is said, not filed twice: a second
	// one would only fail on approval (a contributor added twice) or sit in
	// the queue. The database allows it; approving either is still safe.
	var pending struct {
		ID int64     `db:"id"`
		By string    `db:"requested_by"`
		At time.Time `db:"requested_at"`
	}
	err = q.GetContext(ctx, &pending, `SELECT id, requested_by, requested_at FROM approvals
		WHERE op = $1 AND incident_id IS NOT DISTINCT FROM $2 AND payload = $3::jsonb AND state = 'pending' AND expires_at > now()
		ORDER BY id LIMIT 1`, string(op), inc, string(body))
	if err == nil {
		return 0, &db.ConflictError{What: fmt.Sprintf("the same request (%s)", glossary.Operation(string(op))),
			Done: fmt.Sprintf("is already waiting as request %d, filed by %s", pending.ID, pending.By), At: pending.At,
			Then: fmt.Sprintf("approve or reject that one (warroom approvals approve %d)", pending.ID)}
	}
	if err = db.MapError(err); !db.IsNotFound(err) {
		return 0, err
	}
	var id int64
	err = q.GetContext(ctx, &id, `SELECT warroom_request($1, $2, $3::jsonb, $4, make_interval(secs => $5))`,
		string(op), inc, string(body), reason, ttl.Seconds())
	return id, db.MapError(err)
}

// Approve approves request id and carries out the operation in the same
// transaction, returning what the operation reports (new ids). The
// database refuses the requester, a user without an approver role, and
// decided or expired requests (db.ErrWrongState).
func Approve(ctx context.Context, q db.Querier, id int64, note string) (json.RawMessage, error) {
	var res []byte
	if err := q.GetContext(ctx, &res, `SELECT warroom_approve($1, $2)`, id, note); err != nil {
		return nil, fmt.Errorf("approval %d: %w", id, db.MapError(err))
	}
	return json.RawMessage(res), nil
}

// Reject refuses request id; its requester may reject (withdraw) it too.
func Reject(ctx context.Context, q db.Querier, id int64, note string) error {
	if _, err := q.ExecContext(ctx, `SELECT warroom_reject($1, $2)`, id, note); err != nil {
		return fmt.Errorf("approval %d: %w", id, db.MapError(err))
	}
	return nil
}

// Pending is the approval queue: requests still waiting and not expired,
// oldest first. incidentID 0 lists every incident; requests outside an
// incident (role grants) are always listed.
func Pending(ctx context.Context, q db.Querier, incidentID int64) ([]Approval, error) {
	var out []Approval
	err := q.SelectContext(ctx, &out, `SELECT `+approvalColumns+` FROM approvals
		WHERE state = 'pending' AND expires_at > now()
		  AND ($1 = 0 OR incident_id = $1 OR incident_id IS NULL)
		ORDER BY requested_at, id`, incidentID)
	return out, db.MapError(err)
}

// Approvals lists requests in every state, newest first, at most limit.
func Approvals(ctx context.Context, q db.Querier, incidentID int64, limit int) ([]Approval, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []Approval
	err := q.SelectContext(ctx, &out, `SELECT `+approvalColumns+` FROM approvals
		WHERE ($1 = 0 OR incident_id = $1 OR incident_id IS NULL)
		ORDER BY id DESC LIMIT $2`, incidentID, limit)
	return out, db.MapError(err)
}

// GetApproval reads one request.
func GetApproval(ctx context.Context, q db.Querier, id int64) (Approval, error) {
	var a Approval
	err := q.GetContext(ctx, &a, `SELECT `+approvalColumns+` FROM approvals WHERE id = $1`, id)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return a, fmt.Errorf("approval %d: %w", id, db.ErrNotFound)
		}
	}
	return a, err
}

// RequestVoidEntry asks to void a timeline entry; the row stays, marked
// with who, when and why, once approved.
func RequestVoidEntry(ctx context.Context, q db.Querier, incidentID, entryID int64, reason string) (int64, error) {
	return Request(ctx, q, OpVoidEntry, incidentID, map[string]int64{"entry_id": entryID}, reason, 0)
}

// RequestVoidMilestone asks to void the milestone with key.
func RequestVoidMilestone(ctx context.Context, q db.Querier, incidentID int64, key, reason string) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, `SELECT id FROM milestones WHERE incident_id = $1 AND key = $2`, incidentID, key)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return 0, fmt.Errorf("milestone %q: %w", key, db.ErrNotFound)
		}
		return 0, err
	}
	return Request(ctx, q, OpVoidMilestone, incidentID, map[string]int64{"milestone_id": id}, reason, 0)
}
