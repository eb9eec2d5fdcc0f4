package compensation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"warroom/db"
	"warroom/glossary"
)

// The two plans of the statement. A traffic (in-kind) plan is 50,000 ad
// impressions, managed account operation and two more months of the SaaS
// subscription. It costs the fund its internal value, funds.inkind_value_fen,
// by default 12,000.00 yuan: about 2,000 for the impressions at an internal
// cost near 40 yuan per thousand, 8,000 for a month of managed operation by
// a small team, and 2,000 for two months of subscription at cost. It is an
// assumption finance should replace (SetInKindValue); the console always
// shows it apart from cash.
const (
	PlanCash    = "cash"
	PlanTraffic = "traffic"
)

// ClaimRef names a claim by its merchant's id, as people do.
type ClaimRef struct {
	ID       int64      `db:"id"`
	Merchant string     `db:"merchant"`
	State    string     `db:"state"`
	PlanText string     `db:"plan"`
	Amount   int64      `db:"amount_fen"`
	Paid     int64      `db:"paid_fen"`
	ChosenAt *time.Time `db:"chosen_at"`
}

// checkPlan reads a plan as typed, either spelling ("traffic", "in kind",
// "in-kind"), as its machine value.
func checkPlan(plan string) (string, error) {
	v, ok := glossary.Plans.Parse(plan)
	if !ok {
		return "", db.Invalid("plan", "%q: want %s or %s", plan, glossary.Plan(PlanCash), glossary.Plan(PlanTraffic))
	}
	return v, nil
}

// lockClaim reads a claim by merchant id and locks it for this transaction.
func lockClaim(ctx context.Context, q db.Querier, incidentID int64, merchant string) (ClaimRef, error) {
	var c ClaimRef
	err := q.GetContext(ctx, &c, `
		SELECT c.id, m.merchant_id AS merchant, c.state, COALESCE(c.plan, '') AS plan,
		       c.amount_fen, c.paid_fen, c.chosen_at
		FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE m.incident_id = $1 AND c.incident_id = $1 AND m.merchant_id = $2
		FOR UPDATE OF c`, incidentID, merchant)
	if err != nil {
		err = db.MapError(err)
		if db.IsNotFound(err) {
			return c, fmt.Errorf("merchant %s has no claim (unknown merchant, or claims not computed yet): %w", merchant, db.ErrNotFound)
		}
		return c, err
	}
	return c, nil
}

// Choose records the merchant's one choice of plan. A second choice is a
// conflict: only ChangePlan, with a reason, changes it.
func Choose(ctx context.Context, q db.Querier, incidentID int64, merchant, plan string) (ClaimRef, error) {
	plan, err := checkPlan(plan)
	if err != nil {
		return ClaimRef{}, err
	}
	c, err := lockClaim(ctx, q, incidentID, merchant)
	if err != nil {
		return c, err
	}
	switch {
	case c.PlanText != "":
		return c, &db.ConflictError{What: "merchant " + merchant, Done: "already chose " + glossary.Plan(c.PlanText), At: deref(c.ChosenAt),
			Then: "a commander can change it, with a reason (warroom claims change-plan)"}
	case c.State == "awaiting_rate":
		return c, db.Invalid("plan", "merchant %s is awaiting its industry's margin rate: the cash figure is not known yet", merchant)
	case c.State != "computed":
		return c, db.Invalid("plan", "merchant %s's claim is %s", merchant, glossary.ClaimState(c.State))
	}
	err = q.GetContext(ctx, &c.Amount, `
		UPDATE claims c SET plan = $2, state = 'chosen', chosen_at = now(), updated_at = now(),
		    amount_fen = CASE WHEN $2 = 'traffic' THEN f.inkind_value_fen ELSE c.cash_fen END
		FROM funds f WHERE c.id = $1 AND c.incident_id = $3 AND f.incident_id = $3
		RETURNING c.amount_fen`, c.ID, plan, incidentID)
	c.State, c.PlanText = "chosen", plan
	return c, db.MapError(err)
}

// ChangePlan changes a made choice before approval, recording who, when and
// why in plan_changes (the database refuses a plan change without one).
// Only commanders should do this; the role check comes with the roles
// migration (00004).
func ChangePlan(ctx context.Context, q db.Querier, incidentID int64, merchant, plan, reason string) (ClaimRef, error) {
	plan, err := checkPlan(plan)
	if err != nil {
		return ClaimRef{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return ClaimRef{}, db.Invalid("--reason", "a plan change needs a reason")
	}
	c, err := lockClaim(ctx, q, incidentID, merchant)
	if err != nil {
		return c, err
	}
	if c.State != "chosen" {
		return c, db.Invalid("plan", "merchant %s's claim is %s: only a chosen, not yet approved plan can change", merchant, glossary.ClaimState(c.State))
	}
	if c.PlanText == plan {
		return c, db.Invalid("plan", "merchant %s already has plan %s", merchant, glossary.Plan(plan))
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO plan_changes (incident_id, claim_id, from_plan, to_plan, reason) VALUES ($1, $2, $3, $4, $5)`,
		incidentID, c.ID, c.PlanText, plan, strings.TrimSpace(reason)); err != nil {
		return c, db.MapError(err)
	}
	err = q.GetContext(ctx, &c.Amount, `
		UPDATE claims c SET plan = $2, updated_at = now(),
		    amount_fen = CASE WHEN $2 = 'traffic' THEN f.inkind_value_fen ELSE c.cash_fen END
		FROM funds f WHERE c.id = $1 AND c.incident_id = $3 AND f.incident_id = $3
		RETURNING c.amount_fen`, c.ID, plan, incidentID)
	c.PlanText = plan
	return c, db.MapError(err)
}

// SetInKindValue changes the internal value of the in-kind plan; claims
// already approved or paid keep the value they were approved at.
func SetInKindValue(ctx context.Context, q db.Querier, incidentID int64, fen int64) (int64, error) {
	if fen < 0 {
		return 0, db.Invalid("value", "negative")
	}
	if _, err := q.ExecContext(ctx, `UPDATE funds SET inkind_value_fen = $2 WHERE incident_id = $1`, incidentID, fen); err != nil {
		return 0, db.MapError(err)
	}
	res, err := q.ExecContext(ctx, `UPDATE claims SET amount_fen = $2, updated_at = now()
		WHERE incident_id = $1 AND plan = 'traffic' AND state = 'chosen' AND amount_fen <> $2`, incidentID, fen)
	if err != nil {
		return 0, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n, db.MapError(err)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// ErrFundExhausted means the fund cannot cover an approval.
var ErrFundExhausted = errors.New("the fund cannot cover it")

// ErrNoFund is the incident without a compensation fund (a commander
// opens one); it is a db.ErrNotFound, so callers report it as one.
var ErrNoFund = fmt.Errorf("the incident has no compensation fund: %w", db.ErrNotFound)
