package compensation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"warroom/access"
	"warroom/db"
	"warroom/glossary"
)

// opMarginRate is the approvals operation whose consequences reach past
// the row the database writes.
const opMarginRate = string(access.OpMarginRate)

// PayoutRequest is the payload of a payout that needs a second person's
// approval: what Pay would have paid, with the same idempotency key, so the
// approved payout and a retried direct one can never both happen.
func PayoutRequest(ctx context.Context, q db.Querier, incidentID int64, merchant, key string) (map[string]any, error) {
	c, err := lockClaim(ctx, q, incidentID, merchant)
	if err != nil {
		return nil, err
	}
	if c.State != "approved" {
		return nil, db.Invalid("state", "merchant %s's claim is %s: only an approved claim is paid", merchant, glossary.ClaimState(c.State))
	}
	return map[string]any{"claim_id": c.ID, "amount_fen": c.Amount - c.Paid, "idempotency_key": strings.TrimSpace(key)}, nil
}

// RateRequest is the payload of a margin-rate change that needs a second
// person's approval.
func RateRequest(industry string, m Margin, source string) map[string]any {
	return map[string]any{"industry": NormalizeIndustry(industry), "percent": m.String(), "source": strings.TrimSpace(source)}
}

// ApproveRequest approves request id (access.Approve: the database checks
// who may) and, in the same transaction, finishes what the operation starts
// in the engine: an approved rate recomputes its industry's open claims,
// exactly as `margins set` does. Console and CLI both approve through here.
func ApproveRequest(ctx context.Context, q db.Querier, id int64, note string) (json.RawMessage, error) {
	a, err := access.GetApproval(ctx, q, id)
	if err != nil {
		return nil, err
	}
	res, err := access.Approve(ctx, q, id, note)
	if err != nil || a.IncidentID == nil {
		return res, err
	}
	return res, afterApproval(ctx, q, *a.IncidentID, string(a.Op), json.RawMessage(a.Payload))
}

func afterApproval(ctx context.Context, q db.Querier, incidentID int64, op string, payload json.RawMessage) error {
	if op != opMarginRate {
		return nil
	}
	var p struct {
		Industry string `json:"industry"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.Industry == "" {
		return fmt.Errorf("approved margin rate without an industry: %s", payload)
	}
	_, err := ComputeClaims(ctx, q, incidentID, p.Industry)
	return err
}
